package sparktrain.driver.data;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.CollectionAccumulator;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.DataConfig;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.data.DataFile;
import sparktrain.worker.data.FashionMnist;
import sparktrain.worker.data.Row;
import sparktrain.worker.data.Split;
import sparktrain.worker.tasks.ClassificationTask;

import java.util.List;
import java.util.Map;

/**
 * Fashion-MNIST's IDX files, read by the executors: each file pair (images and labels) by one task, since a
 * gzipped file cannot be split, then spread over the executors' partitions executor to executor. The
 * validation rows are a seeded share of the training file's, by record index; the test file is the test set.
 */
final class IdxInput {
    private IdxInput() {
    }

    static Data read(JobConfig job, JavaSparkContext sc) {
        DataConfig d = job.data();
        List<JavaRDD<?>> cached = Data.cache();
        CollectionAccumulator<DataFile> files = sc.sc().collectionAccumulator("sparktrain data files");
        JavaRDD<Row> trainFile = Data.keep(rows(sc, d.path(), FashionMnist.TRAIN, d.trainLimit(), files, sc.defaultParallelism()), cached);
        JavaRDD<Row> test = Data.keep(rows(sc, d.path(), FashionMnist.TEST, d.testLimit(), files, sc.defaultParallelism()), cached);
        Split split = new Split(job.seed(), d.validationFraction(), 0);
        return new Data(Data.of(trainFile, split, Split.TRAIN), Data.of(trainFile, split, Split.VALIDATION), test,
                IdxInput::task, data -> Inputs.provenance(data, files), data -> {
                    long train = data.trainRows();
                    long validation = data.validationRows();
                    data.testRows(); // read now: a broken test file stops the run before anything is written
                    if (d.validationFraction() > 0 && (validation == 0 || train == 0)) {
                        throw SparktrainException.usage("data.validation-fraction = " + d.validationFraction()
                                + ": leaves " + train + " of " + (train + validation) + " images for training and "
                                + validation + " for validation; each needs at least one");
                    }
                }, cached);
    }

    static ClassificationTask task(JobConfig job) {
        return new ClassificationTask(FashionMnist.SHAPE, FashionMnist.CLASS_NAMES, job.model().loss().equals("mcxent"),
                job.data().augmentTestFlip(), job.model().labelSmoothing(), null);
    }

    /** One split's file pair as rows, spread over {@code partitions} partitions. */
    static JavaRDD<Row> rows(JavaSparkContext sc, String directory, String split, int limit,
                             CollectionAccumulator<DataFile> files, int partitions) {
        Path images = FashionMnist.images(directory, split);
        Path labels = FashionMnist.labels(directory, split);
        return sc.binaryFiles(images.toString(), 1)
                .flatMap(new FashionMnist.IdxRows(labels.toString(), limit, files))
                .repartition(partitions);
    }
}
