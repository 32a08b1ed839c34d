package sparktrain.driver.bench;

import sparktrain.driver.SparkContexts;
import sparktrain.driver.training.TrainingSession;
import sparktrain.worker.tasks.FashionMnistTask;
import sparktrain.worker.training.LocalSession;

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

    /** The chosen runs, in the order given, on the same {@code images} training images. */
    public static List<Measurement> measure(JobConfig job, int images, String master, List<String> runs) {
        FashionMnistTask task = task(job, images);
        List<DataSet> batches = task.trainBatches(job.training().batchSize());
        List<Measurement> results = new ArrayList<>();
        for (String run : runs) {
            Measurement m = switch (run) {
                case "single" -> singleJvm(job, task, batches);
                case "parallel-wrapper" -> parallelWrapper(job, batches, 2);
                case "spark" -> spark(job, task, master);
                default -> throw new IllegalArgumentException("unknown run " + run + ": one of " + RUNS);
            };
            log.info("{} ({}): {} samples/s", m.run(), m.setup(), String.format("%.0f", m.samplesPerSecond()));
            results.add(m);
        }
        return results;
    }

    /** The first {@code images} training images, without a validation split (and one test image). */
    public static FashionMnistTask task(JobConfig job, int images) {
        return new FashionMnistTask(FashionMnist.load(job.data().path(), images, 1, 0.0, job.seed()));
    }

    public static Measurement singleJvm(JobConfig job, FashionMnistTask task, List<DataSet> batches) {
        int cores = Runtime.getRuntime().availableProcessors();
        Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), FashionMnistTask.SHAPE);
        TrainingStrategy strategy = new LocalSession(job, task, cores).strategy(network, batches, new Random(job.seed()));
        return new Measurement("single JVM", "DL4J alone, " + cores + " ND4J threads", samples(batches),
                timeEpoch(strategy), Communication.NONE);
    }

    /**
     * DL4J's ParallelWrapper: {@code workers} threads in this JVM, each fitting its own copy of the network,
     * averaged every training.averaging-frequency minibatches, with the cores shared out between them as
     * Spark's local mode does.
     */
    public static Measurement parallelWrapper(JobConfig job, List<DataSet> batches, int workers) {
        int cores = Runtime.getRuntime().availableProcessors();
        int threads = Math.max(1, cores / workers);
        Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), FashionMnistTask.SHAPE);
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

    /** One epoch with the job's Spark strategy in a SparkContext of its own (started and stopped here). */
    public static Measurement spark(JobConfig job, FashionMnistTask task, String master) {
        return spark(job, task, master, strategy -> { });
    }

    /** As {@link #spark(JobConfig, FashionMnistTask, String)}, with {@code prepare} applied to the strategy first. */
    public static Measurement spark(JobConfig job, FashionMnistTask task, String master,
                                    java.util.function.Consumer<TrainingStrategy> prepare) {
        try (JavaSparkContext sc = SparkContexts.start(job, master);
             TrainingSession session = TrainingSession.open(job, sc, task)) {
            Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), task.shape());
            try (TrainingStrategy spark = session.strategy(network, 0)) {
                prepare.accept(spark);
                double seconds = timeEpoch(spark);
                return new Measurement("Spark " + sc.master() + " " + job.training().mode(), spark.describe(),
                        task.trainExamples(), seconds, spark.lastEpochCommunication());
            }
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
