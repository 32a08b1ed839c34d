package sparktrain.worker.sweep;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.util.CollectionAccumulator;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.tasks.Task;
import sparktrain.worker.data.Row;
import sparktrain.worker.data.RowFiles;
import sparktrain.worker.io.Serialized;
import sparktrain.worker.training.EpochStats;
import sparktrain.worker.training.LocalSession;
import sparktrain.worker.training.RunTraining;
import sparktrain.worker.training.Session;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Trains one trial from where its run directory stands up to an epoch: the same epoch loop, checkpoints and
 * run-directory files as {@code train} ({@link RunTraining}), without the test set. In a trial-parallel sweep this runs inside a
 * Spark task (a single-JVM fit on one executor); in a distributed sweep it runs on the driver with a Spark
 * strategy. Segments and results cross the wire as JSON, which needs neither Kryo nor Java serialization
 * of records.
 */
public final class TrialRunner {
    private static final Logger log = LoggerFactory.getLogger(TrialRunner.class);
    public static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /** The rows of each prepared data directory, read once per JVM and shared by the trials that run in it. */
    private static final Map<String, List<Row>> ROWS = new ConcurrentHashMap<>();

    private TrialRunner() {
    }

    /**
     * Train trial {@code trial} (its job file as resolved HOCON) in {@code runDirectory} up to epoch {@code until}.
     * A trial-parallel segment also carries its task (Java-serialized, Base64) and the directory of the rows the
     * executors prepared for it ({@code train/} and {@code validation/}); a distributed one leaves them empty.
     */
    public record Segment(String trial, String jobHocon, String runDirectory, int until, int threads, String task,
                          String dataDirectory) {
        public Segment(String trial, String jobHocon, String runDirectory, int until, int threads) {
            this(trial, jobHocon, runDirectory, until, threads, "", "");
        }

        public Segment withData(Task task, String dataDirectory) {
            return new Segment(trial, jobHocon, runDirectory, until, threads, Serialized.encode(task), dataDirectory);
        }
    }

    /**
     * What a segment did. {@code history} is the trial's whole history so far; {@code failure} is null unless the
     * trial failed (diverged, bad value, bad data), and then says why.
     */
    public record Result(String trial, List<EpochStats> history, boolean finished, String failure, double seconds) {
        public int epochsDone() {
            return history.size();
        }
    }

    /** The session a segment's epochs are trained in: a single-JVM fit, or a data-parallel one on the driver. */
    public interface Sessions {
        Session open(JobConfig job);
    }

    /**
     * The executor side of a trial-parallel sweep: a single-JVM fit with {@code threads} ND4J threads on the rows
     * the executors prepared for the trial's data, which adds each step it starts to {@code steps} (the driver's
     * stall watchdog reads them from the executor's heartbeats).
     */
    public static final class OnExecutor implements org.apache.spark.api.java.function.Function<String, String> {
        private final CollectionAccumulator<String> steps;

        public OnExecutor(CollectionAccumulator<String> steps) {
            this.steps = steps;
        }

        @Override
        public String call(String segmentJson) throws IOException {
            Segment segment = JSON.readValue(segmentJson, Segment.class);
            try {
                Task task = (Task) Serialized.decode(segment.task());
                return JSON.writeValueAsString(run(segment, job -> new LocalSession(job, task,
                        rows(segment.dataDirectory() + "/train"), rows(segment.dataDirectory() + "/validation"),
                        segment.threads()).reportingSteps(steps::add)));
            } finally {
                releaseNativeMemory();
            }
        }
    }

    private static List<Row> rows(String directory) {
        return ROWS.computeIfAbsent(directory, RowFiles::read);
    }

    /**
     * ND4J's arrays live off the heap and are freed only when the garbage collector finds their small heap
     * handles, which a large heap seldom does: a trial-parallel LeNet sweep on the full data set grew its JVM
     * (6 GB heap) to 22.8 GB resident after 70 minutes and 5 finished trials, when the 24 GB machine ran out.
     * Each segment's batches, shuffles and this task thread's workspaces are garbage once it ends.
     */
    static void releaseNativeMemory() {
        Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
        System.gc();
    }

    public static Result run(Segment segment, Sessions sessions) {
        long begin = System.nanoTime();
        RunOutputs outputs = null;
        try {
            JobConfig job = JobFiles.parse(segment.jobHocon(), "trial " + segment.trial(), List.of());
            outputs = HadoopFiles.exists(segment.runDirectory()) ? RunOutputs.open(segment.runDirectory())
                    : RunOutputs.create(segment.runDirectory());
            log.info("trial {}: up to epoch {}", segment.trial(), Math.min(job.training().epochs(), segment.until()));
            try (Session session = sessions.open(job)) {
                RunTraining.Result result = new RunTraining(session, outputs).until(segment.until()).withoutTest()
                        .checkpointEveryEpoch().run();
                boolean finished = result.loop().stoppedEarly() || result.loop().history().size() >= job.training().epochs();
                return new Result(segment.trial(), result.loop().history(), finished, null, seconds(begin));
            }
        } catch (RuntimeException e) {
            // a trial that fails (diverged, a bad value, bad data) is recorded as failed and the sweep goes on
            log.warn("trial {} failed: {}", segment.trial(), e.getMessage());
            return new Result(segment.trial(), historySoFar(outputs), true, oneLine(e), seconds(begin));
        }
    }

    private static List<EpochStats> historySoFar(RunOutputs outputs) {
        if (outputs == null) {
            return List.of();
        }
        try {
            return RunOutputs.readHistory(outputs.file(RunOutputs.HISTORY));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }

    public static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.replaceAll("\\s+", " ").trim();
    }

    private static double seconds(long begin) {
        return (System.nanoTime() - begin) / 1e9;
    }
}
