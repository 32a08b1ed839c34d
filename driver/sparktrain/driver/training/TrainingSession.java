package sparktrain.driver.training;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.DataSet;
import sparktrain.driver.progress.Progress;
import sparktrain.driver.report.PhaseTimes;
import sparktrain.driver.stall.StallWatchdog;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.TrainingConfig;
import sparktrain.worker.data.AugmentImages;
import sparktrain.worker.model.InputShape;
import sparktrain.worker.output.RunOutputs;
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
    private final Task task;
    private final Mode mode;
    private final int workers;
    private final String exportDirectory;
    private final LocalSession onDriver;
    private final PhaseTimes phases = PhaseTimes.empty();
    private List<DataSet> trainBatches;
    private JavaRDD<DataSet> training;
    private SparkStrategy current;
    private Progress progress;

    private TrainingSession(JobConfig job, JavaSparkContext sc, Task task) {
        this.job = job;
        this.sc = sc;
        this.task = task;
        this.mode = Mode.of(job.training());
        TrainingConfig t = job.training();
        this.workers = t.workers() > 0 ? t.workers() : sc.defaultParallelism();
        this.exportDirectory = exportDirectory(job, sc);
        this.onDriver = new LocalSession(job, task, 0);
    }

    /** A session for {@code job} on {@code sc}, whose data {@code task} holds. */
    public static TrainingSession open(JobConfig job, JavaSparkContext sc, Task task) {
        return new TrainingSession(job, sc, task);
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

    /** The training minibatches, one partition per worker. */
    private JavaRDD<DataSet> training() {
        if (training == null) {
            trainBatches = task.trainBatches(job.training().batchSize());
            // the shuffle means tasks read cached blocks instead of carrying their partition's data
            training = sc.parallelize(trainBatches, workers).repartition(workers).persist(StorageLevel.MEMORY_ONLY());
            training.count();
        }
        return training;
    }

    /** A new training of {@code network} with the job's strategy on the job's training data. */
    @Override
    public TrainingStrategy strategy(Model network, int epochsDone) {
        return strategy(network, training(), workers);
    }

    /**
     * A training of {@code network} on exactly these minibatches with {@code workers} workers, for
     * {@code check-equivalence} and the benchmarks, which compare it with a single-JVM fit of the same ones.
     */
    public TrainingStrategy strategy(Model network, List<DataSet> minibatches, int workers) {
        JavaRDD<DataSet> rdd = sc.parallelize(minibatches, workers);
        if (workers > 1) {
            rdd = rdd.repartition(workers);
        }
        rdd.persist(StorageLevel.MEMORY_ONLY()).count();
        return strategy(network, rdd, workers);
    }

    /** ND4J threads per worker in local mode (the cores shared out between the workers); 0 on a cluster. */
    private int localThreads(int workers) {
        TrainingConfig t = job.training();
        return !sc.isLocal() ? 0 : t.threadsPerWorker() > 0 ? t.threadsPerWorker()
                : Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
    }

    private SparkStrategy strategy(Model network, JavaRDD<DataSet> data, int workers) {
        TrainingConfig t = job.training();
        int localThreads = localThreads(workers);
        SparkStrategy strategy = switch (mode) {
            case AVERAGING -> new ParameterAveraging(sc, network, data, t, workers, job.seed(), localThreads,
                    exportDirectory);
            case SHARING -> new GradientSharing(sc, network, data, t, workers, job.seed(), localThreads,
                    exportDirectory);
        };
        if (job.data().augments()) {
            strategy.augmentEachEpoch(AugmentImages.of(job.data(), task.shape(), job.seed()));
        }
        if (job.monitor().collectStats()) {
            strategy.collectStats(phases::add);
        }
        current = strategy;
        return strategy;
    }

    /** The single-JVM training of the same job on the driver, the reference the Spark strategies are compared with. */
    public LocalSession singleJvm() {
        return onDriver;
    }

    /**
     * Starts the progress display of this session's trainings (closed with the session): its round size
     * follows the strategy's averaging frequency as it changes.
     */
    public Progress startProgress(boolean quiet) {
        if (progress == null) {
            training();
            progress = Progress.start(sc, job, trainBatches.size(), quiet, this::lastScore, this::batchesPerRound);
        }
        return progress;
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
    public InputShape shape() {
        return task.shape();
    }

    @Override
    public long trainExamples() {
        return task.trainExamples();
    }

    @Override
    public String metric() {
        return task.metric();
    }

    @Override
    public double trainingLoss(Model network) {
        training();
        return Scoring.meanLoss(network, Scoring.head(trainBatches, job.training().lossSample()));
    }

    @Override
    public Task.Measure validate(Model network) {
        return onDriver.validate(network);
    }

    @Override
    public Map<String, Object> test(Model network) {
        return onDriver.test(network);
    }

    @Override
    public Map<String, Object> dataProvenance() {
        return onDriver.dataProvenance();
    }

    @Override
    public void saveBeside(RunOutputs outputs) {
        onDriver.saveBeside(outputs);
    }

    @Override
    public void report(Report report, Model network, Map<String, Object> test) {
        onDriver.report(report, network, test);
    }

    @Override
    public void close() {
        if (progress != null) {
            progress.close();
            progress = null;
        }
        if (training != null) {
            training.unpersist(false);
            training = null;
        }
        onDriver.close();
    }
}
