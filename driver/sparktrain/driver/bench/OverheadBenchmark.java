package sparktrain.driver.bench;

import sparktrain.driver.SparkContexts;
import sparktrain.driver.training.TrainingSession;

import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.parallelism.ParallelWrapper;
import org.nd4j.linalg.dataset.DataSet;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.model.NetworkFactory;
import sparktrain.worker.training.Communication;
import sparktrain.worker.training.TrainingStrategy;
import sparktrain.worker.NativeThreads;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The same network trained on the same images in one JVM (DL4J alone), with DL4J's ParallelWrapper (one JVM,
 * data-parallel threads), and with the job's Spark strategy (training.mode), each epoch timed from the first
 * minibatch to the last (data loading and Spark start-up excluded). Each configuration is one training that
 * goes on epoch by epoch: its first epoch is its warm-up, the next ones are timed in {@link FairTiming}'s rounds.
 */
public final class OverheadBenchmark {
    /** The runs {@code bench-overhead --runs} can choose. */
    public static final Set<String> RUNS = Set.of("single", "parallel-wrapper", "spark");

    /** One configuration's timed epochs (after its warm-up epoch): what ran, images per epoch, each epoch's seconds. */
    public record Epochs(String run, String setup, long samples, List<Double> seconds, Communication traffic) {
        public Spread samplesPerSecond() {
            return new Spread(seconds).map(s -> samples / s);
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

    /**
     * The chosen runs on the same first {@code images} training images (no validation split), which the executors
     * read; the one-JVM runs fit them collected into this JVM. {@code moreSpark} are further Spark jobs (another
     * training.mode) on the same images and SparkContext, timed after the runs.
     */
    public static List<Epochs> measure(JobConfig job, List<JobConfig> moreSpark, int images, String master,
                                       List<String> runs, int repeats) {
        JobConfig sized = sized(job, images, repeats);
        try (JavaSparkContext sc = SparkContexts.start(sized, master);
             TrainingSession session = TrainingSession.open(sized, sc)) {
            List<DataSet> batches = runs.stream().anyMatch(r -> !r.equals("spark"))
                    ? session.firstMinibatches(Integer.MAX_VALUE) : List.of();
            List<TrainingSession> others = new ArrayList<>();
            List<Training> trainings = new ArrayList<>();
            try {
                for (String run : runs) {
                    trainings.add(switch (run) {
                        case "single" -> new SingleJvm(session, batches);
                        case "parallel-wrapper" -> new Wrapper(session, batches, 2);
                        case "spark" -> new Spark(session);
                        default -> throw new IllegalArgumentException("unknown run " + run + ": one of " + RUNS);
                    });
                }
                for (JobConfig other : moreSpark) {
                    TrainingSession s = TrainingSession.open(sized(other, images, repeats), sc, session.data());
                    others.add(s);
                    trainings.add(new Spark(s));
                }
                FairTiming.compare(trainings, repeats, Training::epoch);
                return trainings.stream().map(Training::epochs).toList();
            } finally {
                trainings.forEach(Training::close);
                others.forEach(TrainingSession::close);
            }
        }
    }

    /**
     * {@code job} on its first {@code images} training images, without a validation split, with one test image,
     * its schedules over the warm-up and the timed epochs.
     */
    static JobConfig sized(JobConfig job, int images, int repeats) {
        return job.with("data.train-limit = " + images, "data.validation-fraction = 0", "data.test-limit = 1",
                "training.epochs = " + (1 + repeats));
    }

    /** A training going on epoch by epoch; {@link #epoch} trains and times the next one. */
    private abstract static class Training implements AutoCloseable {
        final String run;
        final long samples;
        final List<Double> seconds = new ArrayList<>();
        String setup;
        Communication traffic = Communication.NONE;
        int epoch;

        Training(String run, long samples) {
            this.run = run;
            this.samples = samples;
        }

        /** Trains epoch {@code epoch} (from 1), timed here. */
        abstract void fit(int epoch);

        final double epoch() {
            long start = System.nanoTime();
            fit(++epoch);
            double s = (System.nanoTime() - start) / 1e9;
            if (epoch > 1) {
                seconds.add(s);
            }
            return s;
        }

        Epochs epochs() {
            return new Epochs(run, setup, samples, seconds, traffic);
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return run;
        }
    }

    /** DL4J alone in this JVM with all the cores' ND4J threads. */
    private static final class SingleJvm extends Training {
        private final int cores = Runtime.getRuntime().availableProcessors();
        private final TrainingStrategy strategy;

        SingleJvm(TrainingSession session, List<DataSet> batches) {
            super("single JVM", samples(batches));
            JobConfig job = session.job();
            Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), session.shape());
            strategy = session.singleJvm(network, shuffled(batches, job.seed()));
            setup = "DL4J alone, " + cores + " ND4J threads";
        }

        @Override
        void fit(int epoch) {
            NativeThreads.limit(cores);
            strategy.fitEpoch(epoch);
        }
    }

    /**
     * DL4J's ParallelWrapper: {@code workers} threads in this JVM, each fitting its own copy of the network,
     * averaged every training.averaging-frequency minibatches, with the cores shared out between them as
     * Spark's local mode does.
     */
    private static final class Wrapper extends Training {
        private final int cores = Runtime.getRuntime().availableProcessors();
        private final int threads;
        private final ParallelWrapper wrapper;
        private final List<DataSet> batches;

        Wrapper(TrainingSession session, List<DataSet> batches, int workers) {
            super("ParallelWrapper", samples(batches));
            JobConfig job = session.job();
            this.threads = Math.max(1, cores / workers);
            this.batches = shuffled(batches, job.seed());
            Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), session.shape());
            wrapper = new ParallelWrapper.Builder<>(network)
                    .workers(workers)
                    .prefetchBuffer(Math.max(2, job.training().prefetch()))
                    .averagingFrequency(job.training().averagingFrequency())
                    .averageUpdaters(job.training().averageUpdaters())
                    .reportScoreAfterAveraging(false)
                    .trainingMode(ParallelWrapper.TrainingMode.AVERAGING)
                    .build();
            setup = workers + " workers, " + threads + " ND4J thread" + (threads == 1 ? "" : "s") + " each, averaging every "
                    + job.training().averagingFrequency();
        }

        @Override
        void fit(int epoch) {
            NativeThreads.limit(threads);
            try {
                wrapper.fit(new ExistingDataSetIterator(batches));
            } finally {
                NativeThreads.limit(cores);
            }
        }

        @Override
        public void close() {
            try {
                wrapper.close();
            } catch (Exception e) {
                throw e instanceof RuntimeException r ? r : new IllegalStateException("ParallelWrapper: " + e.getMessage(), e);
            }
        }
    }

    /** The session's Spark strategy (training.mode) on the executors' rows. */
    private static final class Spark extends Training {
        private final TrainingStrategy strategy;

        Spark(TrainingSession session) {
            super("Spark " + session.sparkContext().master() + " " + session.job().training().mode(), session.trainExamples());
            JobConfig job = session.job();
            Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), session.shape());
            strategy = session.strategy(network, 0);
            setup = strategy.describe();
        }

        @Override
        void fit(int epoch) {
            strategy.fitEpoch(epoch);
            traffic = strategy.lastEpochCommunication();
        }

        @Override
        public void close() {
            strategy.close();
        }
    }

    /**
     * A warm-up epoch, then one timed epoch, with the job's Spark strategy on its first {@code images} training
     * images, in a SparkContext of its own (started and stopped here: on a cluster, an application with executors
     * of its own, {@code executors} of them registered first when above 0), {@code prepare} applied to the strategy
     * first.
     */
    public static Measurement spark(JobConfig job, int images, String master, int executors,
                                    Consumer<TrainingStrategy> prepare) {
        JobConfig sized = job.with("data.train-limit = " + images, "data.validation-fraction = 0", "data.test-limit = 1",
                "training.epochs = 2");
        try (JavaSparkContext sc = SparkContexts.start(sized, master);
             TrainingSession session = TrainingSession.open(sized, sc)) {
            int registered = executors > 0 ? SparkContexts.awaitExecutors(sc, executors, 120) : executors;
            if (registered < executors) {
                throw new IllegalStateException(sc.master() + ": " + registered + " of " + executors + " executors"
                        + " registered in 120 s");
            }
            Model network = NetworkFactory.build(sized.model(), sized.training(), sized.seed(), session.shape());
            try (TrainingStrategy spark = session.strategy(network, 0)) {
                prepare.accept(spark);
                spark.fitEpoch(1);
                long start = System.nanoTime();
                spark.fitEpoch(2);
                double seconds = (System.nanoTime() - start) / 1e9;
                return new Measurement("Spark " + sc.master() + " " + sized.training().mode(), spark.describe(),
                        session.trainExamples(), seconds, spark.lastEpochCommunication());
            }
        }
    }

    static long samples(List<DataSet> batches) {
        return batches.stream().mapToLong(DataSet::numExamples).sum();
    }

    private static List<DataSet> shuffled(List<DataSet> batches, long seed) {
        List<DataSet> shuffled = new ArrayList<>(batches);
        Collections.shuffle(shuffled, new Random(seed));
        return shuffled;
    }
}
