package sparktrain.driver;

import org.apache.spark.SparkConf;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.worker.ExitCode;
import sparktrain.worker.OneDnn;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.driver.progress.JobNames;
import sparktrain.driver.stall.StallWatchdog;
import sparktrain.driver.training.TrainingSession;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** Starts the SparkContext for a job: spark-submit's settings first, then the job file's. */
public final class SparkContexts {
    private static final String EXECUTOR_OPTIONS = "spark.executor.extraJavaOptions";
    private static final Logger log = LoggerFactory.getLogger(SparkContexts.class);
    public static final String KRYO = "org.apache.spark.serializer.KryoSerializer";
    public static final String ND4J_REGISTRATOR = "org.nd4j.kryo.Nd4jRegistrator";
    static final String KRYO_BUFFER_MAX = "spark.kryoserializer.buffer.max";
    static final String KRYO_CLASSES = sparktrain.worker.io.KryoClasses.class.getName();
    static final String KILL_ON_FATAL_DEPTH = "spark.executor.killOnFatalError.depth";
    static final String CLEANER_BLOCKING = "spark.cleaner.referenceTracking.blocking";
    static final String MASTER = "spark.master";
    static final String APP_NAME = "spark.app.name";
    /** The CLI's main class (sparktrain.jobs.Main), the name spark-submit gives an application without --name. */
    static final String SUBMIT_DEFAULT_NAME = "sparktrain.jobs.Main";
    /** Spark's local properties behind setJobGroup. */
    private static final List<String> JOB_GROUP_PROPERTIES = List.of(StallWatchdog.JOB_GROUP_PROPERTY,
            JobNames.DESCRIPTION_PROPERTY, "spark.job.interruptOnCancel");

    private SparkContexts() {
    }

    /**
     * The master is, in order: {@code --master}, what spark-submit set, the job file's spark.master. The application's
     * name is spark-submit's {@code --name}, else "sparktrain NAME" with the job's name. Other job-file settings
     * replace spark-submit's, except Java options, which are appended to them.
     */
    public static SparkConf conf(JobConfig job, String masterOverride) {
        SparkConf conf = new SparkConf(true);
        // spark-submit names an application after its main class unless --name (or spark.app.name) names it
        boolean named = conf.contains(APP_NAME) && !conf.get(APP_NAME).equals(SUBMIT_DEFAULT_NAME);
        boolean submittedMaster = conf.contains(MASTER);
        job.spark().conf().forEach((key, value) -> {
            if ((key.equals(MASTER) && submittedMaster) || (key.equals(APP_NAME) && named)) {
                log.warn("spark.conf.\"{}\" = {} in the job file ignored: spark-submit gave {}", key, value, conf.get(key));
            } else {
                // a job file's Java options come after spark-submit's (--add-opens, the cluster's -D), which they may
                // not repeat (README "Security"); the JVM takes the last of two settings of one option
                conf.set(key, key.endsWith("JavaOptions") && conf.contains(key) ? conf.get(key) + " " + value : value);
            }
        });
        if (!named && !job.spark().conf().containsKey(APP_NAME)) {
            conf.setAppName("sparktrain " + job.name());
        }
        if (masterOverride != null) {
            conf.set(MASTER, masterOverride);
        } else if (!conf.contains(MASTER)) {
            conf.set(MASTER, job.spark().master());
        }
        if (job.spark().kryo()) {
            conf.set("spark.serializer", KRYO);
        }
        if (KRYO.equals(conf.get("spark.serializer", ""))) {
            // without ND4J's registrator Kryo silently corrupts INDArrays (DL4J's Spark docs); ours, after it,
            // copies their values in blocks where ND4J's writes them one by one, and writes records
            // (in the order given, ours right after ND4J's: a registrator listed later may still override both)
            List<String> registrators = new ArrayList<>(Arrays.stream(conf.get("spark.kryo.registrator", "").split(","))
                    .map(String::trim).filter(r -> !r.isEmpty()).distinct().toList());
            registrators.remove(KRYO_CLASSES);
            if (!registrators.contains(ND4J_REGISTRATOR)) {
                registrators.add(ND4J_REGISTRATOR);
            }
            registrators.add(registrators.indexOf(ND4J_REGISTRATOR) + 1, KRYO_CLASSES);
            conf.set("spark.kryo.registrator", String.join(",", registrators));
            // Spark's 64 MB cap would fail a worker's result (parameters and updater state) above it; 2047m is its most
            conf.setIfMissing(KRYO_BUFFER_MAX, "2047m");
        }
        if (!conf.get(EXECUTOR_OPTIONS, "").contains(OneDnn.HELPERS_DISABLE)) {
            appendJavaOption(conf, EXECUTOR_OPTIONS, OneDnn.JAVA_OPTION);
        }
        TrainingSession.configure(conf, job, (key, option) -> appendJavaOption(conf, key, option));
        // a driver that a standalone worker started (cluster deploy mode) gets the cluster's secret only in
        // its environment, where Spark's executors look; Spark's driver wants it in its configuration
        String secret = System.getenv("_SPARK_AUTH_SECRET");
        if (secret != null && conf.getBoolean("spark.authenticate", false) && !conf.contains("spark.authenticate.secret")) {
            conf.set("spark.authenticate.secret", secret);
        }
        boolean local = conf.get(MASTER).startsWith("local");
        if (local && !conf.contains("spark.driver.host")) {
            conf.set("spark.driver.host", "127.0.0.1");
        }
        if (local && !conf.contains(KILL_ON_FATAL_DEPTH)) {
            // local mode's executor is this JVM: on a task's OutOfMemoryError Spark would System.exit(52) it
            // without a word; as a failed task the error reaches the CLI, which names the setting to raise
            conf.set(KILL_ON_FATAL_DEPTH, "0");
        }
        if (!conf.contains(CLEANER_BLOCKING)) {
            // Spark's cleaner waits for each broadcast's removal; an executor that hangs (kill -STOP) holds it for
            // spark.rpc.askTimeout (120 s), and stopping the context waits for the cleaner: a stalled run's exit
            // came 120 s after the stall instead of at once
            conf.set(CLEANER_BLOCKING, "false");
        }
        if (conf.getBoolean("spark.speculation", false)) {
            // a speculative copy of a DL4J training task would train (and average, or join the mesh) twice
            log.warn("spark.speculation = true ignored: DL4J's training tasks must run once; set to false");
            conf.set("spark.speculation", "false");
        }
        return conf;
    }

    private static void appendJavaOption(SparkConf conf, String key, String option) {
        conf.set(key, (conf.get(key, "") + " " + option).trim());
    }

    /**
     * Runs {@code body} with ND4J's threads shared out between local mode's concurrent tasks (they all run in this
     * JVM: one {@link #threadShare} each), restored afterwards; on a cluster it just runs it.
     */
    public static <T> T withLocalThreadShares(JavaSparkContext sc, java.util.function.Supplier<T> body) {
        return withThreads(sc.isLocal() ? threadShare(sc.defaultParallelism()) : 0, body);
    }

    /** ND4J threads for each of {@code tasks} tasks running at once in this JVM: the cores shared out, at least 1. */
    public static int threadShare(int tasks) {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / tasks);
    }

    /** Runs {@code body} with ND4J's threads limited to {@code threads}, all the cores afterwards; 0 just runs it. */
    public static <T> T withThreads(int threads, java.util.function.Supplier<T> body) {
        if (threads == 0) {
            return body.get();
        }
        sparktrain.worker.NativeThreads.limit(threads);
        try {
            return body.get();
        } finally {
            sparktrain.worker.NativeThreads.limit(Runtime.getRuntime().availableProcessors());
        }
    }

    /**
     * A standalone master that never accepted the application ("All masters are unresponsive"): Spark stops the
     * context in a thread of its own while the constructor returns, and the first broadcast made meanwhile (any
     * Hadoop RDD makes one) waits forever for a block lock (Spark 3.5.7), so the run ends here instead. A registered
     * application's ID comes from the master (app-...); an unregistered one keeps Spark's placeholder.
     */
    static void refuseUnregistered(JavaSparkContext sc) {
        if (sc.master().startsWith("spark://") && sc.sc().applicationId().startsWith("spark-application-")) {
            sc.stop();
            throw new SparktrainException(ExitCode.FAILURE, List.of(NOT_REGISTERED + " (" + sc.master() + ")"));
        }
    }

    public static final String NOT_REGISTERED = "the application could not register with the master (\"All masters"
            + " are unresponsive\" in the log above): check --master and that the cluster's secret is given"
            + " (scripts/submit takes it from the cluster's state dir or SPARKTRAIN_SECRET_FILE; README \"Security\")";

    public static JavaSparkContext start(JobConfig job, String masterOverride) {
        SparkConf conf = conf(job, masterOverride);
        JavaSparkContext sc = new JavaSparkContext(conf);
        refuseUnregistered(sc);
        sc.setLogLevel("WARN");
        HadoopFiles.useConfiguration(sc.hadoopConfiguration());
        log.info("Spark {} master {} ({} default parallelism)", sc.version(), sc.master(), sc.defaultParallelism());
        return sc;
    }

    /** Whether {@code master} runs everything in this JVM: local or local[N] (local-cluster starts executor JVMs). */
    public static boolean localMode(String master) {
        return master.equals("local") || master.startsWith("local[");
    }

    /** The master spark-submit gave this JVM (its spark.master system property), else {@code otherwise}. */
    public static String submittedMaster(String otherwise) {
        return new SparkConf().get(MASTER, otherwise);
    }

    /**
     * {@code write} run as a Spark job group of its own which, when it fails, is cancelled and waited for (up to 30 s)
     * until none of its tasks runs: a failed job's other tasks go on writing for a while, and Hadoop's committer
     * makes their directories again under the directory the caller removes next (seen as a hidden .tmp- directory
     * left beside a failed predict's output). The caller's job group, if any, does not cover the write's jobs, whose
     * tasks a cancel interrupts.
     */
    public static HadoopFiles.DirectoryWriter settled(JavaSparkContext sc, HadoopFiles.DirectoryWriter write) {
        return directory -> {
            String group = "sparktrain-write-" + UUID.randomUUID();
            Map<String, String> before = new HashMap<>();
            for (String key : JOB_GROUP_PROPERTIES) {
                before.put(key, sc.getLocalProperty(key));
            }
            sc.setJobGroup(group, before.get(JobNames.DESCRIPTION_PROPERTY), true);
            try {
                write.write(directory);
            } catch (Exception e) {
                try {
                    if (!sc.sc().isStopped()) {
                        sc.cancelJobGroup(group);
                        awaitTasksEnded(sc, group, 30);
                    }
                } catch (RuntimeException cleanup) { // the context stopping meanwhile: the write's error is the one
                    e.addSuppressed(cleanup);
                }
                throw e;
            } finally {
                before.forEach(sc::setLocalProperty);
            }
        };
    }

    private static void awaitTasksEnded(JavaSparkContext sc, String group, int seconds) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        var status = sc.statusTracker();
        while (System.nanoTime() < deadline) {
            try { // the status store learns of task starts and ends from Spark's listener bus, asynchronously
                sc.sc().listenerBus().waitUntilEmpty(TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
            } catch (java.util.concurrent.TimeoutException e) {
                break;
            }
            boolean running = false;
            for (int job : status.getJobIdsForGroup(group)) {
                SparkJobInfo info = status.getJobInfo(job);
                for (int stage : info == null ? new int[0] : info.stageIds()) {
                    SparkStageInfo s = status.getStageInfo(stage);
                    running |= s != null && s.numActiveTasks() > 0;
                }
            }
            if (!running) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        log.warn("tasks of a failed write still ran after {} s; its temporary files may be left", seconds);
    }

    /** The ids of the executors registered with {@code sc}, sorted. */
    public static List<String> executorIds(JavaSparkContext sc) {
        return scala.collection.JavaConverters.seqAsJavaList(sc.sc().getExecutorIds()).stream().sorted().toList();
    }

    /**
     * Waits up to {@code seconds} for {@code expected} executors (when 0: spark.executor.instances, else until the
     * count has held for 5 s) and returns how many registered.
     */
    public static int awaitExecutors(JavaSparkContext sc, int expected, int seconds) {
        int wanted = expected > 0 ? expected : sc.getConf().getInt("spark.executor.instances", 0);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        int seen = 0;
        long stableSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            int now = executorIds(sc).size();
            if (now != seen) {
                seen = now;
                stableSince = System.nanoTime();
            }
            if (seen > 0 && (wanted > 0 ? seen >= wanted : System.nanoTime() - stableSince > TimeUnit.SECONDS.toNanos(5))) {
                return seen;
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return seen;
            }
        }
        return seen;
    }
}
