package sparktrain.driver.stall;

import org.apache.hadoop.fs.Path;
import org.apache.spark.Success$;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.scheduler.TaskInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple4;
import scala.collection.JavaConverters;
import sparktrain.driver.progress.JobNames;
import sparktrain.worker.ExitCode;
import sparktrain.worker.FatalErrors;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.MonitorConfig;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.worker.training.Watch;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Ends a run that has stopped moving (README "When a run stalls"). It counts as progress every Spark job, stage
 * and task of the run's own job group that finishes, every minibatch its running tasks read (their records-read
 * metric in the executors' heartbeats), every phase an executor's trial reports through an accumulator, and
 * every step the epoch loop starts ({@link #starting}). When nothing has progressed for the run's
 * {@link StallTimer timeout} it writes a thread dump of the driver to {@code stall-threads.txt} in the run
 * directory and cancels the job group, which fails the jobs the run waits on: the run then ends with
 * {@link #stalled()}'s one line, which names the step, the stage and its running tasks with their executors,
 * and how long. A run that does not end then (it waits outside Spark) is interrupted, and as a last resort the
 * process exits with code 6.
 */
public final class StallWatchdog extends SparkListener implements Watch {
    private static final Logger log = LoggerFactory.getLogger(StallWatchdog.class);
    public static final String THREADS_FILE = "stall-threads.txt";
    /** Spark's own local property behind setJobGroup (SparkContext.SPARK_JOB_GROUP_ID). */
    public static final String JOB_GROUP_PROPERTY = "spark.jobGroup.id";
    /** Minibatches a task has read from its (cached) partition so far, reported with every executor heartbeat. */
    static final String RECORDS_READ = "internal.metrics.input.recordsRead";
    static final long INTERRUPT_AFTER_MILLIS = 5_000;
    static final long EXIT_AFTER_MILLIS = 20_000;
    private static final int TASKS_NAMED = 4;

    private final JavaSparkContext sc;
    private final StallTimer timer;
    private final String group;
    private final String trial;
    private final Path directory;
    private final long phaseAccumulator;
    private final Thread worker;
    private final ScheduledExecutorService clock;

    private String phase = "preparing the training";
    private final Set<Integer> jobs = new HashSet<>();
    private final Map<Integer, String> stages = new HashMap<>();
    private final Map<Long, TaskInfo> running = new LinkedHashMap<>();
    private final Map<Long, Integer> runningStage = new HashMap<>();
    private final Map<Long, Long> recordsRead = new HashMap<>();
    private final Map<String, Long> heartbeats = new HashMap<>();
    private int phasesReported;
    private volatile SparktrainException stalled;
    private volatile boolean closed;

    private StallWatchdog(JavaSparkContext sc, StallTimer timer, String group, String trial, Path directory,
                          long phaseAccumulator) {
        this.sc = sc;
        this.timer = timer;
        this.group = group;
        this.trial = trial == null ? "" : trial;
        this.directory = directory;
        this.phaseAccumulator = phaseAccumulator;
        this.worker = Thread.currentThread();
        this.clock = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sparktrain-stall-watchdog");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Watches the Spark jobs the calling thread starts (its job group; one is set when it has none) until closed.
     *
     * @param directory where stall-threads.txt goes: the run directory
     */
    public static Watch start(JavaSparkContext sc, MonitorConfig monitor, Path directory) {
        return start(sc, monitor, directory, -1);
    }

    /**
     * As {@link #start(JavaSparkContext, MonitorConfig, Path)}, for a run inside one executor task that reports its
     * steps by adding them to a CollectionAccumulator of strings, whose id is {@code phaseAccumulator}.
     */
    public static Watch start(JavaSparkContext sc, MonitorConfig monitor, Path directory, long phaseAccumulator) {
        StallTimer timer = new StallTimer(monitor.stallTimeoutMillis(), System.nanoTime());
        if (timer.off()) {
            return Watch.NONE;
        }
        String group = sc.getLocalProperty(JOB_GROUP_PROPERTY);
        if (group == null) {
            group = "sparktrain-" + UUID.randomUUID();
            // interrupt on cancel: a task thread blocked in an interruptible wait ends instead of lingering
            sc.setJobGroup(group, "sparktrain", true);
        }
        StallWatchdog watchdog = new StallWatchdog(sc, timer, group, sc.getLocalProperty(JobNames.TRIAL_PROPERTY),
                directory, phaseAccumulator);
        sc.sc().addSparkListener(watchdog);
        watchdog.clock.scheduleWithFixedDelay(watchdog::check, 1, 1, TimeUnit.SECONDS);
        return watchdog;
    }

    @Override
    public synchronized void starting(String what) {
        phase = what;
        timer.progress(System.nanoTime());
    }

    @Override
    public SparktrainException stalled() {
        return stalled;
    }

    @Override
    public synchronized void onJobStart(SparkListenerJobStart start) {
        if (start.properties() == null || !group.equals(start.properties().getProperty(JOB_GROUP_PROPERTY))) {
            return;
        }
        jobs.add(start.jobId());
        for (StageInfo s : JavaConverters.seqAsJavaList(start.stageInfos())) {
            stages.put(s.stageId(), s.name());
        }
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd end) {
        if (jobs.remove(end.jobId())) {
            timer.progress(System.nanoTime());
        }
    }

    @Override
    public synchronized void onStageCompleted(SparkListenerStageCompleted completed) {
        if (stages.containsKey(completed.stageInfo().stageId()) && completed.stageInfo().failureReason().isEmpty()) {
            timer.progress(System.nanoTime());
        }
    }

    @Override
    public synchronized void onTaskStart(SparkListenerTaskStart start) {
        if (stages.containsKey(start.stageId())) {
            running.put(start.taskInfo().taskId(), start.taskInfo());
            runningStage.put(start.taskInfo().taskId(), start.stageId());
        }
    }

    @Override
    public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
        long id = end.taskInfo().taskId();
        runningStage.remove(id);
        recordsRead.remove(id);
        if (running.remove(id) != null && end.reason() == Success$.MODULE$) {
            timer.progress(System.nanoTime());
        }
    }

    @Override
    public synchronized void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
        long now = System.nanoTime();
        heartbeats.put(update.execId(), now);
        for (Tuple4<Object, Object, Object, scala.collection.Seq<AccumulableInfo>> task
                : JavaConverters.seqAsJavaList(update.accumUpdates())) {
            long taskId = (Long) task._1();
            if (!running.containsKey(taskId)) {
                continue;
            }
            for (AccumulableInfo info : JavaConverters.seqAsJavaList(task._4())) {
                Object value = info.update().isDefined() ? info.update().get() : null;
                if (info.id() == phaseAccumulator && value instanceof List<?> phases && phases.size() > phasesReported) {
                    phasesReported = phases.size();
                    phase = String.valueOf(phases.get(phases.size() - 1));
                    timer.progress(now);
                } else if (info.name().isDefined() && info.name().get().equals(RECORDS_READ) && value instanceof Long read
                        && read > recordsRead.getOrDefault(taskId, 0L)) {
                    recordsRead.put(taskId, read);
                    timer.progress(now);
                }
            }
        }
    }

    private void check() {
        if (closed || stalled != null || !timer.stalled(System.nanoTime())) {
            return;
        }
        String message;
        synchronized (this) {
            message = describe(System.nanoTime(), System.currentTimeMillis());
        }
        Path dump = new Path(directory, THREADS_FILE);
        String dumped;
        try {
            HadoopFiles.writeAtomically(dump, ThreadDump.of("sparktrain: " + message));
            dumped = "; a thread dump of the driver is in " + dump;
        } catch (IOException | RuntimeException e) {
            dumped = "; the driver's thread dump could not be written to " + dump + ": " + e.getMessage();
        }
        stalled = new SparktrainException(ExitCode.STALLED, List.of(message + dumped));
        log.warn("stall watchdog: nothing finished for {}: cancelling Spark job group {}",
                StallTimer.seconds(timer.idleNanos(System.nanoTime())), group);
        sc.cancelJobGroup(group);
        clock.schedule(this::interruptWorker, INTERRUPT_AFTER_MILLIS, TimeUnit.MILLISECONDS);
        clock.schedule(this::exit, EXIT_AFTER_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** The run waits outside Spark (evaluation, a checkpoint's write): an interrupt ends most such waits. */
    private void interruptWorker() {
        if (!closed) {
            log.warn("stall watchdog: {} still waits {} s after its Spark jobs were cancelled: interrupting it",
                    worker.getName(), INTERRUPT_AFTER_MILLIS / 1000);
            worker.interrupt();
        }
    }

    private void exit() {
        if (closed) {
            return;
        }
        String hint = FatalErrors.resumeHint();
        String line = stalled.problems().get(0) + "; the run did not stop when its Spark jobs were cancelled and its"
                + " thread interrupted, so the process exits" + (hint == null ? "" : "; " + hint);
        if (!FatalErrors.exit(ExitCode.STALLED, line)) {
            log.error("stall watchdog: {} (not exiting: this JVM is not sparktrain's own)", line);
        }
    }

    /** "trial t002, epoch 2 (training): nothing finished for 62 s (...): waiting for stage 7 (...): task 0.0 on ...". */
    synchronized String describe(long nanos, long millis) {
        StringBuilder m = new StringBuilder("stalled: ");
        m.append(trial.isEmpty() || phase.startsWith("trial ") ? "" : "trial " + trial + ", ").append(phase)
                .append(": nothing finished for ").append(StallTimer.seconds(timer.idleNanos(nanos)))
                .append(" (").append(timer.describe()).append("); ");
        if (running.isEmpty()) {
            m.append(jobs.isEmpty() ? "no task running (no Spark job of this run: it waits on the driver)"
                    : "no task running (Spark job " + jobs.iterator().next() + " has no task slot: no executor?)");
            return m.toString();
        }
        Map<Integer, List<TaskInfo>> byStage = new LinkedHashMap<>();
        running.forEach((id, info) -> byStage.computeIfAbsent(runningStage.get(id), s -> new ArrayList<>()).add(info));
        List<String> waits = new ArrayList<>();
        Set<String> executors = new java.util.TreeSet<>();
        int named = 0;
        for (Map.Entry<Integer, List<TaskInfo>> stage : byStage.entrySet()) {
            List<String> tasks = new ArrayList<>();
            for (TaskInfo t : stage.getValue()) {
                if (named++ >= TASKS_NAMED) {
                    continue;
                }
                executors.add(t.executorId());
                String task = "task " + t.index() + "." + t.attemptNumber() + " on ";
                String time = " for " + StallTimer.seconds(TimeUnit.MILLISECONDS.toNanos(millis - t.launchTime()));
                if (t.executorId().equals("driver")) {
                    tasks.add(task + "the driver (local mode)" + time);
                } else {
                    Long beat = heartbeats.get(t.executorId());
                    tasks.add(task + "executor " + t.executorId() + " (" + t.host() + ")" + time + ", its last heartbeat "
                            + (beat == null ? "before the run began" : StallTimer.seconds(nanos - beat) + " ago"));
                }
            }
            waits.add("stage " + stage.getKey() + " (" + stages.get(stage.getKey()) + "): " + String.join(", ", tasks));
        }
        m.append("waiting for ").append(String.join("; ", waits));
        if (named > TASKS_NAMED) {
            m.append(" and ").append(named - TASKS_NAMED).append(" more task(s)");
        }
        executors.remove("driver");
        if (!executors.isEmpty()) {
            m.append("; see the log of executor ").append(String.join(", ", executors))
                    .append(" (standalone: its worker's work directory, app-*/ID/stderr)");
        }
        return m.toString();
    }

    @Override
    public void close() {
        closed = true;
        clock.shutdownNow();
        sc.sc().removeSparkListener(this);
    }
}
