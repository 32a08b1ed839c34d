package sparktrain.driver.bench;

import sparktrain.driver.SparkContexts;
import sparktrain.driver.training.TrainingSession;

import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.model.NetworkFactory;
import sparktrain.worker.data.FashionMnist;
import sparktrain.worker.training.Communication;
import sparktrain.worker.training.TrainingStrategy;
import sparktrain.worker.NativeThreads;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The same network trained for one epoch on the same images in one JVM (DL4J alone), with DL4J's
 * ParallelWrapper (one JVM, data-parallel threads), and with the job's Spark strategy (training.mode),
 * each timed from the first minibatch to the last (data loading and Spark start-up excluded).
 */
public final class OverheadBenchmark {
    private static final Logger log = LoggerFactory.getLogger(OverheadBenchmark.class);

    /** The runs {@code bench-overhead --runs} can choose. */
    public static final Set<String> RUNS = Set.of("single", "parallel-wrapper", "spark");

    public record Result(int images, double singleJvmSamplesPerSecond, double sparkSamplesPerSecond, String spark) {
        public double ratio() {
            return sparkSamplesPerSecond / singleJvmSamplesPerSecond;
        }
    }

    /** One timed epoch: which run, how it was set up, and what it took. */
    public record Measurement(String run, String setup, long samples, double seconds, Communication traffic) {
        public double samplesPerSecond() {
            return samples / seconds;
        }
    }

    private OverheadBenchmark() {
    }

    /** One JVM against the job's Spark strategy, as {@code bench-overhead} has always measured. */
    public static Result run(JobConfig job, int images, String master) {
        List<Measurement> m = measure(job, images, master, List.of("single", "spark"));
        return new Result(images, m.get(0).samplesPerSecond(), m.get(1).samplesPerSecond(),
                m.get(1).run() + ", " + m.get(1).setup());
    }

    /**
     * The chosen runs, in the order given, on the same first {@code images} training images (no validation
     * split), which the executors read; the one-JVM runs fit them collected into this JVM.
     */
    public static List<Measurement> measure(JobConfig job, int images, String master, List<String> runs) {
        JobConfig sized = sized(job, images);
        try (JavaSparkContext sc = SparkContexts.start(sized, master);
             TrainingSession session = TrainingSession.open(sized, sc)) {
            List<DataSet> batches = runs.stream().anyMatch(r -> !r.equals("spark"))
                    ? session.firstMinibatches(Integer.MAX_VALUE) : List.of();
            List<Measurement> results = new ArrayList<>();
            for (String run : runs) {
                Measurement m = switch (run) {
                    case "single" -> singleJvm(session, batches);
                    case "parallel-wrapper" -> parallelWrapper(sized, session, batches, 2);
                    case "spark" -> spark(session, strategy -> { });
                    default -> throw new IllegalArgumentException("unknown run " + run + ": one of " + RUNS);
                };
                log.info("{} ({}): {} samples/s", m.run(), m.setup(), String.format("%.0f", m.samplesPerSecond()));
                results.add(m);
            }
            return results;
        }
    }

    /** {@code job} on its first {@code images} training images, without a validation split, with one test image. */
    public static JobConfig sized(JobConfig job, int images) {
        return job.with("data.train-limit = " + images, "data.validation-fraction = 0", "data.test-limit = 1");
    }

    public static Measurement singleJvm(TrainingSession session, List<DataSet> batches) {
        int cores = Runtime.getRuntime().availableProcessors();
        NativeThreads.limit(cores);
        JobConfig job = session.job();
        Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), session.shape());
        List<DataSet> shuffled = new ArrayList<>(batches);
        java.util.Collections.shuffle(shuffled, new Random(job.seed()));
        TrainingStrategy strategy = session.singleJvm(network, shuffled);
        return new Measurement("single JVM", "DL4J alone, " + cores + " ND4J threads", samples(batches),
                timeEpoch(strategy), Communication.NONE);
    }

    /**
     * DL4J's ParallelWrapper: {@code workers} threads in this JVM, each fitting its own copy of the network,
     * averaged every training.averaging-frequency minibatches, with the cores shared out between them as
     * Spark's local mode does.
     */
    public static Measurement parallelWrapper(JobConfig job, TrainingSession session, List<DataSet> batches, int workers) {
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = Math.max(1, cores / workers);
        Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), session.shape());
        List<DataSet> shuffled = new ArrayList<>(batches);
        java.util.Collections.shuffle(shuffled, new Random(job.seed()));
        NativeThreads.limit(threads);
        try (ParallelWrapper wrapper = new ParallelWrapper.Builder<>(network)
                .workers(workers)
                .prefetchBuffer(Math.max(2, job.training().prefetch()))
                .averagingFrequency(job.training().averagingFrequency())
                .averageUpdaters(job.training().averageUpdaters())
                .reportScoreAfterAveraging(false)
                .trainingMode(ParallelWrapper.TrainingMode.AVERAGING)
                .build()) {
            long start = System.nanoTime();
            wrapper.fit(new ExistingDataSetIterator(shuffled));
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Measurement("ParallelWrapper", workers + " workers, " + threads + " ND4J thread"
                    + (threads == 1 ? "" : "s") + " each, averaging every " + job.training().averagingFrequency(),
                    samples(batches), seconds, Communication.NONE);
        } catch (Exception e) {
            throw e instanceof RuntimeException r ? r : new IllegalStateException("ParallelWrapper: " + e.getMessage(), e);
        } finally {
            NativeThreads.limit(cores);
        }
    }

    /**
     * One epoch with the job's Spark strategy on its first {@code images} training images, in a SparkContext of
     * its own (started and stopped here), {@code prepare} applied to the strategy first.
     */
    public static Measurement spark(JobConfig job, int images, String master, Consumer<TrainingStrategy> prepare) {
        JobConfig sized = sized(job, images);
        try (JavaSparkContext sc = SparkContexts.start(sized, master);
             TrainingSession session = TrainingSession.open(sized, sc)) {
            return spark(session, prepare);
        }
    }

    private static Measurement spark(TrainingSession session, Consumer<TrainingStrategy> prepare) {
        JobConfig job = session.job();
        Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), session.shape());
        try (TrainingStrategy spark = session.strategy(network, 0)) {
            prepare.accept(spark);
            double seconds = timeEpoch(spark);
            return new Measurement("Spark " + session.sparkContext().master() + " " + job.training().mode(),
                    spark.describe(), session.trainExamples(), seconds, spark.lastEpochCommunication());
        }
    }

    static long samples(List<DataSet> batches) {
        return batches.stream().mapToLong(DataSet::numExamples).sum();
    }

    private static double timeEpoch(TrainingStrategy strategy) {
        long start = System.nanoTime();
        strategy.fitEpoch(1);
        return (System.nanoTime() - start) / 1e9;
    }
}
