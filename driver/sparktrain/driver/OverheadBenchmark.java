package sparktrain.driver;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.core.config.JobConfig;
import sparktrain.core.model.NetworkFactory;
import sparktrain.driver.data.FashionMnist;
import sparktrain.driver.training.SingleJvm;
import sparktrain.driver.training.TrainingStrategy;
import sparktrain.worker.NativeThreads;

import java.util.List;
import java.util.Random;

/**
 * The same network trained for one epoch on the same images in one JVM (DL4J alone) and with the job's
 * Spark strategy (training.mode), timed from the first minibatch to the last (data loading and Spark start-up excluded).
 */
public final class OverheadBenchmark {
    private static final Logger log = LoggerFactory.getLogger(OverheadBenchmark.class);

    public record Result(int images, double singleJvmSamplesPerSecond, double sparkSamplesPerSecond, String spark) {
        public double ratio() {
            return sparkSamplesPerSecond / singleJvmSamplesPerSecond;
        }
    }

    private OverheadBenchmark() {
    }

    public static Result run(JobConfig job, int images, String master) {
        FashionMnist.Splits data = FashionMnist.load(job.data().path(), images, 1, 0.0, job.seed());
        List<DataSet> batches = data.train().minibatches(job.training().batchSize());
        int cores = Runtime.getRuntime().availableProcessors();

        NativeThreads.limit(cores);
        Model single = NetworkFactory.build(job.model(), job.training(), job.seed(), TrainJob.FASHION_MNIST);
        double singleRate = timeEpoch(new SingleJvm(single, batches, new Random(job.seed())), images);
        log.info("single JVM: {} samples/s", String.format("%.0f", singleRate));

        try (JavaSparkContext sc = SparkContexts.start(job, master)) {
            int workers = TrainJob.workers(sc, job.training());
            int threads = TrainJob.localThreads(sc, job.training(), workers);
            Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), TrainJob.FASHION_MNIST);
            JavaRDD<DataSet> rdd = sc.parallelize(batches, workers).repartition(workers);
            rdd.cache().count();
            try (TrainingStrategy spark = TrainJob.strategy(job, sc, network, rdd, workers, threads, null)) {
                double sparkRate = timeEpoch(spark, images);
                log.info("{}: {} samples/s", spark.describe(), String.format("%.0f", sparkRate));
                return new Result(images, singleRate, sparkRate, sc.master() + ", " + spark.describe());
            }
        }
    }

    private static double timeEpoch(TrainingStrategy strategy, int images) {
        long start = System.nanoTime();
        strategy.fitEpoch(1);
        return images / ((System.nanoTime() - start) / 1e9);
    }
}
