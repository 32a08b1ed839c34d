package sparktrain.worker.sweep;

import sparktrain.driver.sweep.SweepJob;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;
import sparktrain.worker.config.TrainingConfig;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.worker.model.NetworkFactory;
import sparktrain.driver.TrainJob;
import sparktrain.worker.output.Checkpoints;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.tasks.Task;
import sparktrain.worker.tasks.Tasks;
import sparktrain.worker.training.EpochLoop;
import sparktrain.worker.training.EpochStats;
import sparktrain.worker.training.LoopState;
import sparktrain.worker.training.Scoring;
import sparktrain.worker.tasks.FashionMnistTask;
import sparktrain.worker.training.SingleJvm;
import sparktrain.worker.training.TrainingStrategy;
import sparktrain.worker.NativeThreads;
import sparktrain.worker.data.AugmentImages;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Trains one trial from where its run directory stands up to an epoch: the same epoch loop, checkpoints and
 * run-directory files as {@code train}, without the test set. In a trial-parallel sweep this runs inside a
 * Spark task (a single-JVM fit on one executor); in a distributed sweep it runs on the driver with a Spark
 * strategy. Segments and results cross the wire as JSON, which needs neither Kryo nor Java serialization
 * of records.
 */
public final class TrialRunner {
    private static final Logger log = LoggerFactory.getLogger(TrialRunner.class);
    public static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    /** One copy of each data set per JVM, shared by the trials that run in it. */
    private static final Map<String, Task> TASKS = new ConcurrentHashMap<>();

    private TrialRunner() {
    }

    /** Train trial {@code trial} (its job file as resolved HOCON) in {@code runDirectory} up to epoch {@code until}. */
    public record Segment(String trial, String jobHocon, String runDirectory, int until, int threads) {
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

    /** How a segment's epochs are trained: a single-JVM fit, or a Spark strategy on the driver. */
    public interface Strategies {
        TrainingStrategy create(JobConfig job, Model network, List<DataSet> batches, int epochsDone);
    }

    /** The executor side of a trial-parallel sweep: a single-JVM fit with {@code threads} ND4J threads. */
    public static final class OnExecutor implements org.apache.spark.api.java.function.Function<String, String> {
        @Override
        public String call(String segmentJson) throws IOException {
            Segment segment = JSON.readValue(segmentJson, Segment.class);
            try {
                return JSON.writeValueAsString(run(segment, singleJvm(segment.threads())));
            } finally {
                releaseNativeMemory();
            }
        }
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

    public static Strategies singleJvm(int threads) {
        return (job, network, batches, epochsDone) -> {
            NativeThreads.limit(threads);
            SingleJvm strategy = new SingleJvm(network, batches, new Random(job.seed() + epochsDone));
            return job.data().augments()
                    ? strategy.augmentEachEpoch(AugmentImages.of(job.data(), FashionMnistTask.SHAPE, job.seed())) : strategy;
        };
    }

    public static Task task(JobConfig job) {
        String key = job.data() + "|" + job.seed();
        Task cached = TASKS.get(key);
        if (cached != null) {
            return cached;
        }
        synchronized (TASKS) {
            return TASKS.computeIfAbsent(key, k -> Tasks.load(job));
        }
    }

    public static Result run(Segment segment, Strategies strategies) {
        long begin = System.nanoTime();
        RunOutputs outputs = null;
        try {
            JobConfig job = JobFiles.parse(segment.jobHocon(), "trial " + segment.trial(), List.of());
            TrainingConfig t = job.training();
            Task task = task(job);
            outputs = HadoopFiles.exists(segment.runDirectory()) ? RunOutputs.open(segment.runDirectory())
                    : RunOutputs.create(segment.runDirectory());
            Checkpoints checkpoints = new Checkpoints(outputs.directory(), Math.max(1, t.checkpoint().keep()));
            Optional<Checkpoints.Restored> restored = checkpoints.latest();
            Model network = restored.map(Checkpoints.Restored::network)
                    .orElseGet(() -> NetworkFactory.build(job.model(), t, job.seed(), task.shape()));
            LoopState start = restored.map(Checkpoints.Restored::state).orElse(LoopState.START);
            if (restored.isEmpty()) {
                outputs.writeText(RunOutputs.JOB, job.resolvedHocon());
            }
            List<DataSet> batches = task.trainBatches(t.batchSize());
            RunOutputs out = outputs;
            String metric = task.metric();
            EpochLoop.Result result;
            try (TrainingStrategy strategy = strategies.create(job, network, batches, start.epochsDone())) {
                EpochLoop loop = new EpochLoop(t.epochs(), t.patience(), task.trainExamples(),
                        Scoring.head(batches, t.lossSample()), task.validationBatches(), task::validate,
                        "lower training.learning-rate (now " + t.learningRate() + ")")
                        .listener((stats, net, state) -> {
                            // every epoch, and before history.csv: a resumed sweep never finds history ahead of
                            // the checkpoint it restarts from
                            checkpoints.save(net, state);
                            out.writeHistory(state.history(), metric);
                        });
                log.info("trial {}: epochs {} to {}", segment.trial(), start.epochsDone() + 1,
                        Math.min(t.epochs(), segment.until()));
                result = loop.run(strategy, start, segment.until());
                boolean finished = result.stoppedEarly() || result.history().size() >= t.epochs();
                out.writeModel(result.network());
                out.writeJson(RunOutputs.METRICS, TrainJob.metrics(null, metric, result));
                return new Result(segment.trial(), result.history(), finished, null, seconds(begin));
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
            return SweepJob.readHistory(outputs.file(RunOutputs.HISTORY));
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
