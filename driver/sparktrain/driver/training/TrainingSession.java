package sparktrain.driver.training;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.HashPartitioner;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.DataSet;
import sparktrain.worker.output.RunOutputs;
import sparktrain.driver.SparkContexts;
import sparktrain.driver.data.Data;
import sparktrain.driver.data.Inputs;
import sparktrain.driver.progress.Progress;
import sparktrain.driver.report.PhaseTimes;
import sparktrain.driver.stall.StallWatchdog;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.TrainingConfig;
import sparktrain.worker.data.AugmentImages;
import sparktrain.worker.data.Minibatches;
import sparktrain.worker.data.Row;
import sparktrain.worker.data.Split;
import sparktrain.worker.model.Networks;
import sparktrain.worker.report.Report;
import sparktrain.worker.tasks.Task;
import sparktrain.worker.training.LocalSession;
import sparktrain.worker.training.Scoring;
import sparktrain.worker.training.Session;
import sparktrain.worker.training.TrainingStrategy;
import sparktrain.worker.training.Watch;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.IntFunction;

/**
 * One job's data-parallel training on one SparkContext, and the only place that knows the training modes:
 * the workers and ND4J threads, the training RDD, the strategy (parameter averaging or gradient sharing), the
 * Spark settings and checks each mode needs, and what the progress display needs. {@code train}, sweep trials,
 * {@code check-equivalence} and the benchmarks all train through it. It never starts or stops the context.
 */
public final class TrainingSession implements Session {

    /** training.mode. */
    public enum Mode {
        AVERAGING, SHARING;

        public static Mode of(TrainingConfig t) {
            return Mode.valueOf(t.mode().toUpperCase(Locale.ROOT));
        }
    }

    private final JobConfig job;
    private final JavaSparkContext sc;
    private final Data data;
    private final boolean ownsData;
    private final Task task;
    private final Mode mode;
    private final int workers;
    private final String exportDirectory;
    private final PhaseTimes phases = PhaseTimes.empty();
    private SparkStrategy current;
    private Progress progress;
    private long epochMinibatches;

    private TrainingSession(JobConfig job, JavaSparkContext sc, Data data, boolean ownsData) {
        this.job = job;
        this.sc = sc;
        this.data = data;
        this.ownsData = ownsData;
        this.task = data.task(job);
        this.mode = Mode.of(job.training());
        this.workers = job.training().workers() > 0 ? job.training().workers() : sc.defaultParallelism();
        this.exportDirectory = exportDirectory(job, sc);
    }

    /** A session for {@code job} on {@code sc}: its data read by the executors now, released with the session. */
    public static TrainingSession open(JobConfig job, JavaSparkContext sc) {
        Data data = Inputs.read(job, sc);
        try {
            return new TrainingSession(job, sc, data.requireTrainable(), true);
        } catch (RuntimeException e) {
            data.close();
            throw e;
        }
    }

    /** A session for {@code job} on data already read (a sweep's trials share theirs); the data stays open. */
    public static TrainingSession open(JobConfig job, JavaSparkContext sc, Data data) {
        return new TrainingSession(job, sc, data.requireTrainable(), false);
    }

    /** What a job's mode adds to the Spark settings before the context starts (gradient sharing's Aeron timeout). */
    public static void configure(SparkConf conf, JobConfig job, java.util.function.BiConsumer<String, String> appendJavaOption) {
        if (Mode.of(job.training()) != Mode.SHARING) {
            return;
        }
        String aeron = "-D" + GradientSharing.AERON_UNBLOCK_PROPERTY + "=" + GradientSharing.AERON_UNBLOCK_NANOS;
        for (String key : new String[] {"spark.executor.extraJavaOptions", "spark.driver.extraJavaOptions"}) {
            java.util.regex.Matcher set = java.util.regex.Pattern
                    .compile("-D" + java.util.regex.Pattern.quote(GradientSharing.AERON_UNBLOCK_PROPERTY) + "=(\\S+)")
                    .matcher(conf.get(key, ""));
            if (set.find()) {
                GradientSharing.requireAeronTimeouts(set.group(1), null);
            } else {
                appendJavaOption.accept(key, aeron);
            }
        }
    }

    public Mode mode() {
        return mode;
    }

    public int workers() {
        return workers;
    }

    public JavaSparkContext sparkContext() {
        return sc;
    }

    /**
     * Epoch {@code epoch}'s minibatches, one partition per worker: the training rows partitioned and ordered by
     * the epoch's shuffle key (new partition-mates and a new order every epoch, the same on every run), cut
     * into minibatches where they are, augmented as the job says.
     */
    private JavaRDD<DataSet> minibatches(int epoch) {
        HashPartitioner partitioner = new HashPartitioner(workers);
        int size = job.training().batchSize();
        epochMinibatches = data.train().map(new Minibatches.PartitionOf(job.seed(), epoch, partitioner)).countByValue()
                .values().stream().mapToLong(rows -> (rows + size - 1) / size).sum();
        JavaRDD<DataSet> batches = data.train().mapToPair(new Minibatches.ShuffleKey(job.seed(), epoch))
                .repartitionAndSortWithinPartitions(partitioner).values()
                .mapPartitions(new Minibatches(task, size));
        return job.data().augments()
                ? batches.mapPartitionsWithIndex(AugmentImages.of(job.data(), task.shape(), job.seed()).forEpoch(epoch), true)
                : batches;
    }

    /** A new training of {@code network} with the job's strategy on the job's training data. */
    @Override
    public TrainingStrategy strategy(Model network, int epochsDone) {
        return strategy(network, this::minibatches, workers);
    }

    /**
     * The first {@code count} full minibatches of the first epoch, on the driver: for {@code check-equivalence} and
     * the benchmarks, which fit the same minibatches in one JVM. Only full ones: DL4J's workers regroup examples
     * into minibatches of training.batch-size, which would merge a partition's last, smaller one with others.
     * Training and evaluation never collect data.
     */
    public List<DataSet> firstMinibatches(int count) {
        JavaRDD<DataSet> full = fullFirstMinibatches();
        return count == Integer.MAX_VALUE ? full.collect() : full.take(count);
    }

    private JavaRDD<DataSet> fullFirstMinibatches() {
        return minibatches(1).filter(new Minibatches.Full(job.training().batchSize()));
    }

    /**
     * A training of {@code network} with {@code workers} workers on {@link #firstMinibatches} {@code from} to
     * {@code to} (exclusive), in that order, where the executors built them: {@code check-equivalence} and the
     * tests compare it with a single-JVM fit of the same ones. Sorted by number rather than coalesced: a coalesce
     * may put a partition with a preferred location before an earlier one without.
     */
    public TrainingStrategy strategy(Model network, long from, long to, int workers) {
        JavaRDD<DataSet> part = fullFirstMinibatches().zipWithIndex().flatMapToPair(new Minibatches.Numbered(from, to))
                .sortByKey(true, workers).values();
        return strategy(network, epoch -> part, workers);
    }

    /** ND4J threads per worker in local mode (the cores shared out between the workers); 0 on a cluster. */
    private int localThreads(int workers) {
        TrainingConfig t = job.training();
        return !sc.isLocal() ? 0 : t.threadsPerWorker() > 0 ? t.threadsPerWorker() : SparkContexts.threadShare(workers);
    }

    private SparkStrategy strategy(Model network, IntFunction<JavaRDD<DataSet>> data, int workers) {
        TrainingConfig t = job.training();
        int localThreads = localThreads(workers);
        SparkStrategy strategy = switch (mode) {
            case AVERAGING -> new ParameterAveraging(sc, network, data, t, workers, job.seed(), localThreads,
                    exportDirectory);
            case SHARING -> new GradientSharing(sc, network, data, t, workers, job.seed(), localThreads,
                    exportDirectory);
        };
        if (job.monitor().collectStats()) {
            strategy.collectStats(phases::add);
        }
        current = strategy;
        return strategy;
    }

    /** The same job fitted by DL4J alone in this JVM on {@code minibatches}: the reference for Spark's fit. */
    public TrainingStrategy singleJvm(Model network, List<DataSet> minibatches) {
        return new LocalSession(job, task, List.of(), List.of(), 0).strategy(network, minibatches);
    }

    /**
     * Starts the progress display of this session's trainings (closed with the session): its round size
     * follows the strategy's averaging frequency as it changes.
     */
    public Progress startProgress(boolean quiet) {
        if (progress == null) {
            progress = Progress.start(sc, job, this::epochMinibatches, quiet, this::lastScore, this::batchesPerRound);
        }
        return progress;
    }

    /** The minibatches of the epoch training now (or last): the partitions' rows in minibatches. */
    public long epochMinibatches() {
        return epochMinibatches;
    }

    private long batchesPerRound() {
        return current == null ? 0 : current.batchesPerRound();
    }

    private double lastScore() {
        return current == null ? Double.NaN : current.lastScore();
    }

    /** Ends a run into {@code outputs} that stops moving (training.stall-timeout): README "When a run stalls". */
    @Override
    public Watch watch(RunOutputs outputs) {
        return StallWatchdog.start(sc, job.monitor(), outputs.directory());
    }

    /** DL4J's per-phase training stats of every epoch so far (training.collect-stats). */
    public PhaseTimes phases() {
        return phases;
    }

    /**
     * The Export approach writes minibatches where every executor must read them back. DL4J checks the
     * default file system, not the export directory, so on a cluster that must be a shared one.
     */
    private static String exportDirectory(JobConfig job, JavaSparkContext sc) {
        TrainingConfig t = job.training();
        if (!t.rddApproach().equals("export")) {
            return null;
        }
        String defaultFs = sc.hadoopConfiguration().get("fs.defaultFS", "file:///");
        if (!sc.isLocal() && defaultFs.startsWith("file")) {
            throw SparktrainException.usage("training.rdd-approach = export: on master " + sc.master()
                    + " the exported minibatches must be on a file system all executors share, but the default file"
                    + " system is " + defaultFs + "; set spark.conf.\"spark.hadoop.fs.defaultFS\" = \"hdfs://HOST:PORT\""
                    + " (and training.export-dir to a path on it), or use training.rdd-approach = direct");
        }
        return t.exportDir().isBlank() ? null : t.exportDir();
    }

    @Override
    public JobConfig job() {
        return job;
    }


    @Override
    public long trainExamples() {
        return data.trainRows();
    }


    public Data data() {
        return data;
    }

    public long validationExamples() {
        return data.validationRows();
    }

    @Override
    public Task task() {
        return task;
    }

    /** On the executors: the mean loss of the seeded training.loss-sample share of the training rows. */
    @Override
    public double trainingLoss(Model network) {
        JavaRDD<Row> sample = data.train().filter(new Split.LossSample(job.seed(), lossSampleFraction()));
        Broadcast<byte[]> bytes = sc.broadcast(Networks.toBytes(network));
        try {
            double[] sum = sample.mapPartitions(new Scoring.LossOfRows(task, bytes)).reduce(Scoring::add);
            return sum[1] == 0 ? Double.NaN : sum[0] / sum[1];
        } finally {
            bytes.destroy();
        }
    }

    @Override
    public Task.Measure validate(Model network) {
        return data.validationRows() == 0 ? null : task.measure(score(network, data.validation()));
    }

    @Override
    public Map<String, Object> test(Model network) {
        return task.testMetrics(score(network, data.test()));
    }

    /** {@code rows} scored by the executors, each partition with the broadcast network, merged here. */
    private Task.Scores score(Model network, JavaRDD<Row> rows) {
        return ExecutorScoring.score(sc, task, network, rows);
    }

    @Override
    public Map<String, Object> dataProvenance() {
        return data.provenance();
    }


    /** What the task shows in report.html, from a few test rows. */
    @Override
    public void report(Report report, Model network, Map<String, Object> test) {
        task.report(report, network, test, data.test().take(3));
    }

    @Override
    public void close() {
        if (progress != null) {
            progress.close();
            progress = null;
        }
        if (ownsData) {
            data.close();
        }
    }
}
