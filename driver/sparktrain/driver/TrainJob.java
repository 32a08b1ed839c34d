package sparktrain.driver;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.TrainingConfig;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.worker.model.InputShape;
import sparktrain.worker.model.NetworkFactory;
import sparktrain.driver.doctor.Doctor;
import sparktrain.worker.tasks.FashionMnistTask;
import sparktrain.worker.tasks.Task;
import sparktrain.worker.tasks.Tasks;
import sparktrain.worker.output.Metrics;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.training.EpochLoop;
import sparktrain.worker.training.EpochStats;
import sparktrain.worker.training.LoopState;
import sparktrain.worker.output.Checkpoints;
import sparktrain.driver.progress.Progress;
import sparktrain.driver.report.PhaseTimes;
import sparktrain.driver.report.RunReport;
import sparktrain.driver.training.GradientSharing;
import sparktrain.driver.training.ParameterAveraging;
import sparktrain.worker.training.Scoring;
import sparktrain.driver.training.SparkStrategy;
import sparktrain.worker.training.TrainingStrategy;
import sparktrain.worker.data.AugmentImages;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** {@code sparktrain train}: read the data, train on Spark, evaluate on the test set, write the run directory. */
public final class TrainJob {
    private static final Logger log = LoggerFactory.getLogger(TrainJob.class);
    public static final InputShape FASHION_MNIST = FashionMnistTask.SHAPE;

    public record Outcome(String outputDirectory, Map<String, Object> test, List<EpochStats> history) {
        /** The test metrics that are single numbers, e.g. "accuracy 0.9132, macroF1 0.9127". */
        public String summary() {
            return TrainJob.summary(test);
        }
    }

    public static String summary(Map<String, Object> metrics) {
        return metrics.entrySet().stream().filter(e -> e.getValue() instanceof Double)
                .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.4f", (Double) e.getValue()))
                .collect(Collectors.joining(", "));
    }

    private TrainJob() {
    }

    /** A new run into a new or empty output directory. */
    public static Outcome run(JobConfig job, String masterOverride, String outputOverride) {
        return run(job, masterOverride, outputOverride, Options.DEFAULT);
    }

    /**
     * @param quiet  no progress bar, even on a terminal: a progress line every log.progress-seconds instead
     * @param doctor first run the checks of {@code sparktrain doctor} (the driver's, then a light executor probe)
     */
    public record Options(boolean quiet, boolean doctor) {
        public static final Options DEFAULT = new Options(false, false);
    }

    public static Outcome run(JobConfig job, String masterOverride, String outputOverride, Options options) {
        String output = outputOverride != null ? outputOverride
                : !job.outputDir().isBlank() ? job.outputDir() : RunOutputs.defaultDirectory(job.name());
        RunOutputs.requireFresh(output);
        return run(job, masterOverride, output, false, options);
    }

    /** Continues the run in {@code runDirectory} from its newest complete checkpoint. */
    public static Outcome resume(JobConfig job, String masterOverride, String runDirectory) {
        return resume(job, masterOverride, runDirectory, Options.DEFAULT);
    }

    public static Outcome resume(JobConfig job, String masterOverride, String runDirectory, Options options) {
        return run(job, masterOverride, runDirectory, true, options);
    }

    private static Outcome run(JobConfig job, String masterOverride, String output, boolean resume, Options options) {
        long startNanos = System.nanoTime();
        boolean quiet = options.quiet();
        boolean doctor = options.doctor();
        TrainingConfig t = job.training();
        if (doctor) {
            Doctor.preflight(job, masterOverride, output);
        }
        Checkpoints.Restored restored = null;
        if (resume) {
            restored = new Checkpoints(RunOutputs.open(output).directory(), t.checkpoint().keep()).latest()
                    .orElseThrow(() -> Checkpoints.nothingToResume(output));
        }
        log.info("job {}: model {}, {} epochs, batch {} per worker, {} lr {}, data {}", job.name(), job.model().type(),
                t.epochs(), t.batchSize(), t.updater(), t.learningRate(), job.data().path());
        Task task = Tasks.load(job);
        log.info("data: {}", task.provenance().entrySet().stream().filter(e -> !e.getKey().equals("files"))
                .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", ")));

        try (JavaSparkContext sc = SparkContexts.start(job, masterOverride)) {
            if (doctor) {
                Doctor.probe(job, sc);
            }
            int workers = workers(sc, t);
            int localThreads = localThreads(sc, t, workers);
            String exportDirectory = exportDirectory(job, sc);
            RunOutputs outputs = resume ? RunOutputs.open(output) : RunOutputs.create(output);
            Checkpoints checkpoints = new Checkpoints(outputs.directory(), t.checkpoint().keep());
            Model network;
            LoopState start;
            if (restored != null) {
                log.info("resuming from {} after epoch {}", restored.from(), restored.state().epochsDone());
                network = restored.network();
                applyLearningRate(network, t);
                start = restored.state();
            } else {
                network = NetworkFactory.build(job.model(), t, job.seed(), task.shape());
                start = LoopState.START;
                outputs.writeText(RunOutputs.JOB, job.resolvedHocon());
            }
            List<DataSet> trainBatches = task.trainBatches(t.batchSize());
            // the shuffle means tasks read cached blocks instead of carrying their partition's data
            JavaRDD<DataSet> rdd = sc.parallelize(trainBatches, workers).repartition(workers);

            try (TrainingStrategy strategy = strategy(job, sc, network, rdd, workers, localThreads, exportDirectory);
                 Progress progress = Progress.start(sc, job, trainBatches.size(), workers, quiet, strategy::lastScore)) {
                PhaseTimes phases = PhaseTimes.empty();
                if (job.monitor().collectStats()) {
                    strategy.collectStats(phases::add);
                }
                log.info("training: {}; {} parameters; output {}", strategy.describe(), network.numParams(),
                        outputs.directory());
                Map<String, Object> run = resume ? null : provenance(job, sc, workers, strategy, task);
                if (run != null) {
                    outputs.writeJson(RunOutputs.RUN, run);
                }
                int every = t.checkpoint().every();
                List<DataSet> validation = task.validationBatches();
                String metric = task.metric();
                EpochLoop loop = new EpochLoop(t.epochs(), t.patience(), task.trainExamples(),
                        Scoring.head(trainBatches, t.lossSample()), validation, task::validate,
                        "lower training.learning-rate (now " + t.learningRate() + ")")
                        .listener((stats, net, state) -> progress.epochDone())
                        .listener((stats, net, state) -> {
                            if (run != null && !run.entrySet().containsAll(strategy.provenance().entrySet())) {
                                run.putAll(strategy.provenance());
                                outputs.writeJson(RunOutputs.RUN, run);
                            }
                            outputs.writeHistory(state.history(), metric);
                            if (every > 0 && (state.epochsDone() % every == 0 || state.epochsDone() == t.epochs())) {
                                checkpoints.save(net, state);
                            }
                        });
                EpochLoop.Result result;
                try {
                    result = loop.run(strategy, start);
                } catch (SparktrainException e) {
                    throw switch (e.exitCode()) {
                        case DIVERGED -> markLastGood(e, checkpoints, output);
                        case WORKER_LOST -> withLastCheckpoint(e, checkpoints, output);
                        default -> e;
                    };
                }
                Map<String, Object> test = task.testMetrics(result.network());
                outputs.writeJson(RunOutputs.METRICS, metrics(test, metric, result));
                task.saveBeside(outputs);
                outputs.writeModel(result.network());
                writeReport(new RunReport(job, sc.master(), workers, strategy.describe(), network.numParams(),
                        result.history(), metric, result.bestEpoch(), result.stoppedEarly(), test,
                        (System.nanoTime() - startNanos) / 1e9, resume, phases), outputs, task, result.network());
                log.info("test {}; outputs in {}", summary(test), outputs.directory());
                return new Outcome(outputs.directory().toString(), test, result.history());
            }
        }
    }

    /**
     * The job's learning rate and schedule on a restored network, so that a run that diverged continues from
     * its last good checkpoint with {@code --set training.learning-rate=LOWER}; the same rate changes nothing.
     */
    static void applyLearningRate(Model network, TrainingConfig t) {
        org.nd4j.linalg.schedule.ISchedule schedule = sparktrain.worker.model.EpochSchedules.of(t.schedule(),
                t.learningRate(), t.epochs());
        if (network instanceof org.deeplearning4j.nn.multilayer.MultiLayerNetwork m) {
            if (schedule != null) {
                m.setLearningRate(schedule);
            } else {
                m.setLearningRate(t.learningRate());
            }
        } else if (network instanceof org.deeplearning4j.nn.graph.ComputationGraph g) {
            if (schedule != null) {
                g.setLearningRate(schedule);
            } else {
                g.setLearningRate(t.learningRate());
            }
        }
    }

    /** The divergence error, with the last good checkpoint marked and named, and how to resume from it. */
    static SparktrainException markLastGood(SparktrainException diverged, Checkpoints checkpoints, String output) {
        String problem = diverged.problems().get(0);
        String more = checkpoints.markLastGood(problem)
                .map(p -> "; the last good checkpoint is " + p + " (named in checkpoints/" + Checkpoints.LAST_GOOD
                        + "): continue from it with train --resume " + output + " --set training.learning-rate=LOWER")
                .orElse("; no checkpoint was written before it");
        return new SparktrainException(ExitCode.DIVERGED, problem + more, diverged);
    }

    /** A stopped run's error, with the checkpoint it can continue from. */
    static SparktrainException withLastCheckpoint(SparktrainException stopped, Checkpoints checkpoints, String output) {
        String more = checkpoints.newest()
                .map(p -> "; the last checkpoint is " + p + ": continue from it with train --resume " + output)
                .orElse("; no checkpoint was written before it");
        return new SparktrainException(stopped.exitCode(), stopped.problems().get(0) + more, stopped);
    }

    /** The model and metrics are written by now: a report that cannot be drawn is a warning, not a failed run. */
    private static void writeReport(RunReport report, RunOutputs outputs, Task task, Model network) {
        try {
            report.write(outputs.directory(), task, network);
        } catch (RuntimeException | LinkageError e) {
            log.warn("report.html not written: {}: {}", e.getClass().getSimpleName(), e.getMessage());
        }
    }

    /** training.workers, or one per task slot. */
    public static int workers(JavaSparkContext sc, TrainingConfig t) {
        return t.workers() > 0 ? t.workers() : sc.defaultParallelism();
    }

    /** ND4J threads per worker in local mode (the cores shared out), 0 on a cluster (the executor decides). */
    public static int localThreads(JavaSparkContext sc, TrainingConfig t, int workers) {
        return !sc.isLocal() ? 0 : t.threadsPerWorker() > 0 ? t.threadsPerWorker()
                : Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
    }

    public static TrainingStrategy strategy(JobConfig job, JavaSparkContext sc, Model network,
                                     JavaRDD<DataSet> rdd, int workers, int localThreads, String exportDirectory) {
        SparkStrategy strategy = switch (job.training().mode()) {
            case "averaging" -> new ParameterAveraging(sc, network, rdd, job.training(), workers, job.seed(),
                    localThreads, exportDirectory);
            case "sharing" -> new GradientSharing(sc, network, rdd, job.training(), workers, job.seed(),
                    localThreads, exportDirectory);
            default -> throw SparktrainException.usage("training.mode = " + job.training().mode() + ": not supported");
        };
        if (job.data().augments()) {
            strategy.augmentEachEpoch(AugmentImages.of(job.data(), FASHION_MNIST, job.seed()));
        }
        return strategy;
    }

    /**
     * The Export approach writes minibatches where every executor must read them back. DL4J checks the
     * default file system, not the export directory, so on a cluster that must be a shared one.
     */
    public static String exportDirectory(JobConfig job, JavaSparkContext sc) {
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

    private static Map<String, Object> provenance(JobConfig job, JavaSparkContext sc, int workers,
                                                  TrainingStrategy strategy, Task task) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("name", job.name());
        run.put("startedAt", Instant.now().toString());
        run.put("seed", job.seed());
        run.put("master", sc.master());
        run.put("workers", workers);
        run.put("strategy", strategy.describe());
        run.put("versions", Versions.all(sc.version()));
        run.put("data", task.provenance());
        run.put("config", com.fasterxml.jackson.databind.json.JsonMapper.builder().build()
                .convertValue(job.resolved().root().unwrapped(), Map.class));
        return run;
    }

    /** metrics.json: the test metrics (none for a sweep trial), the best validation epoch, the epochs run. */
    public static Map<String, Object> metrics(Map<String, Object> test, String metric, EpochLoop.Result result) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (test != null) {
            m.put("test", test);
        }
        EpochStats best = result.history().get(Math.max(0, result.bestEpoch() - 1));
        Map<String, Object> validation = new LinkedHashMap<>();
        validation.put("bestEpoch", result.bestEpoch());
        validation.put(metric, Metrics.number(best.validationMetric()));
        m.put("validation", validation);
        m.put("epochs", result.history().size());
        m.put("stoppedEarly", result.stoppedEarly());
        m.put("trainingSeconds", result.history().stream().mapToDouble(EpochStats::seconds).sum());
        return m;
    }
}
