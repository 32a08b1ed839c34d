package sparktrain.driver.data;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.DataFrameWriter;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.driver.SparkContexts;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.DataConfig;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.data.DataExport;
import sparktrain.worker.data.DataFile;
import sparktrain.worker.data.FashionMnist;
import sparktrain.worker.data.Row;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.worker.output.RunOutputs;

import java.io.IOException;
import java.util.List;

/**
 * {@code sparktrain make-data}: the installed Fashion-MNIST written by the executors as a table ({@code pixels},
 * an array of 784 floats in [0, 1], or for CSV the columns p0 to p783; {@code label}, the class name) or as an image
 * folder (one grey PNG per image in a directory per class), the training set in {@code OUTPUT/train} and the test
 * set in {@code OUTPUT/test}. Everything is written into a hidden directory beside the output, renamed into place
 * when complete: a failed run leaves nothing under the output's name.
 */
public final class MakeData {
    public static final List<String> DATA_SETS = List.of("fashion-mnist");
    public static final List<String> FORMATS = List.of("parquet", "csv", "json", "orc", "images");
    private static final Logger log = LoggerFactory.getLogger(MakeData.class);

    private MakeData() {
    }

    /** What was written: the output directory and the rows (images) of each set. */
    public record Written(String output, long train, long test) {
    }

    /**
     * @param job    data.path (where the IDX files are), data.train-limit, data.test-limit, seed (of the copies'
     *               shifts) and the spark.* settings
     * @param copies how many copies of the training set (the first as it is, the others shifted)
     */
    public static Written run(String dataSet, String format, String output, int copies, JobConfig job,
                              String masterOverride) {
        if (!DATA_SETS.contains(dataSet)) {
            throw SparktrainException.usage("make-data: unknown data set " + dataSet + ": must be one of "
                    + String.join(", ", DATA_SETS));
        }
        if (!FORMATS.contains(format)) {
            throw SparktrainException.usage("--format " + format + ": must be one of " + String.join(", ", FORMATS));
        }
        if (copies < 1) {
            throw SparktrainException.usage("--copies " + copies + ": must be >= 1");
        }
        RunOutputs.requireFresh(output);
        try (JavaSparkContext sc = SparkContexts.start(job, masterOverride)) {
            return write(sc, format, output, copies, job);
        }
    }

    private static Written write(JavaSparkContext sc, String format, String output, int copies, JobConfig job) {
        DataConfig d = job.data();
        List<JavaRDD<?>> cached = Data.cache();
        int partitions = sc.defaultParallelism();
        CollectionAccumulator<DataFile> files = sc.sc().collectionAccumulator("sparktrain data files");
        JavaRDD<Row> train = Data.keep(IdxInput.rows(sc, d.path(), FashionMnist.TRAIN, d.trainLimit(), files,
                partitions * copies), cached);
        JavaRDD<Row> test = Data.keep(IdxInput.rows(sc, d.path(), FashionMnist.TEST, d.testLimit(), files, partitions),
                cached);
        try {
            long trainRows = train.count() * copies;
            long testRows = test.count();
            JavaRDD<Row> allCopies = copies == 1 ? train
                    : train.flatMap(new DataExport.Copies(FashionMnist.SHAPE, copies, job.seed()));
            HadoopFiles.writeDirectoryAtomically(HadoopFiles.path(output), SparkContexts.settled(sc, tmp -> {
                write(sc, allCopies, format, new Path(tmp, "train"));
                write(sc, test, format, new Path(tmp, "test"));
            }));
            log.info("wrote {} training and {} test rows of fashion-mnist as {} into {}", trainRows, testRows, format, output);
            return new Written(output, trainRows, testRows);
        } catch (IOException e) {
            throw HadoopFiles.cannotWrite(output, e);
        } finally {
            cached.forEach(rdd -> rdd.unpersist(false));
        }
    }

    private static void write(JavaSparkContext sc, JavaRDD<Row> rows, String format, Path directory)
            throws IOException {
        List<String> classes = FashionMnist.CLASS_NAMES;
        if (format.equals("images")) {
            for (String c : classes) {
                HadoopFiles.mkdirs(new Path(directory, DataExport.directoryName(c)));
            }
            rows.foreachPartition(new DataExport.Pngs(directory.toString(), classes, FashionMnist.SHAPE));
            return;
        }
        boolean csv = format.equals("csv");
        SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
        DataFrameWriter<org.apache.spark.sql.Row> writer = spark.createDataFrame(
                rows.map(new DataExport.TableRow(classes, csv)), DataExport.schema(FashionMnist.SHAPE.flatSize(), csv))
                .write().format(format);
        (csv ? writer.option("header", "true") : writer).save(directory.toString());
    }
}
