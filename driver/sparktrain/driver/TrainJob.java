package sparktrain.driver;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.core.SparktrainException;
import sparktrain.core.config.JobConfig;
import sparktrain.core.config.TrainingConfig;
import sparktrain.core.io.HadoopFiles;
import sparktrain.core.model.InputShape;
import sparktrain.core.model.NetworkFactory;
import sparktrain.driver.doctor.Doctor;
import sparktrain.driver.tasks.FashionMnistTask;
import sparktrain.driver.tasks.Task;
import sparktrain.driver.tasks.Tasks;
import sparktrain.driver.output.Metrics;
import sparktrain.driver.output.RunOutputs;
import sparktrain.driver.training.EpochLoop;
import sparktrain.driver.training.EpochStats;
import sparktrain.driver.training.LoopState;
import sparktrain.driver.output.Checkpoints;
import sparktrain.driver.training.GradientSharing;
import sparktrain.driver.training.ParameterAveraging;
import sparktrain.driver.training.Scoring;
import sparktrain.driver.training.TrainingStrategy;

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

    static String summary(Map<String, Object> metrics) {
        return metrics.entrySet().stream().filter(e -> e.getValue() instanceof Double)
                .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.4f", (Double) e.getValue()))
                .collect(Collectors.joining(", "));
    }

    private TrainJob() {
    }

    /** A new run into a new or empty output directory. */
    public static Outcome run(JobConfig job, String masterOverride, String outputOverride) {
        return run(job, masterOverride, outputOverride, false);
    }

    /** @param doctor first run the checks of {@code sparktrain doctor} (the driver's, then a light executor probe) */
    public static Outcome run(JobConfig job, String masterOverride, String outputOverride, boolean doctor) {
        String output = outputOverride != null ? outputOverride
                : !job.outputDir().isBlank() ? job.outputDir() : RunOutputs.defaultDirectory(job.name());
        RunOutputs.requireFresh(output);
        return run(job, masterOverride, output, false, doctor);
    }

    /** Continues the run in {@code runDirectory} from its newest complete checkpoint. */
    public static Outcome resume(JobConfig job, String masterOverride, String runDirectory) {
        return resume(job, masterOverride, runDirectory, false);
    }

    public static Outcome resume(JobConfig job, String masterOverride, String runDirectory, boolean doctor) {
        return run(job, masterOverride, runDirectory, true, doctor);
    }

    private static Outcome run(JobConfig job, String masterOverride, String output, boolean resume, boolean doctor) {
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
            int workers = t.workers() > 0 ? t.workers() : sc.defaultParallelism();
            int localThreads = !sc.isLocal() ? 0 : t.threadsPerWorker() > 0 ? t.threadsPerWorker()
                    : Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
            String exportDirectory = exportDirectory(job, sc);
            RunOutputs outputs = resume ? RunOutputs.open(output) : RunOutputs.create(output);
            Checkpoints checkpoints = new Checkpoints(outputs.directory(), t.checkpoint().keep());
            Model network;
            LoopState start;
            if (restored != null) {
                log.info("resuming from {} after epoch {}", restored.from(), restored.state().epochsDone());
                network = restored.network();
                start = restored.state();
            } else {
                network = NetworkFactory.build(job.model(), t, job.seed(), task.shape());
                start = LoopState.START;
                outputs.writeText(RunOutputs.JOB, job.resolvedHocon());
            }
            List<DataSet> trainBatches = task.trainBatches(t.batchSize());
            // the shuffle means tasks read cached blocks instead of carrying their partition's data
            JavaRDD<DataSet> rdd = sc.parallelize(trainBatches, workers).repartition(workers);

            try (TrainingStrategy strategy = strategy(job, sc, network, rdd, workers, localThreads, exportDirectory)) {
                log.info("training: {}; {} parameters; output {}", strategy.describe(), network.numParams(),
                        outputs.directory());
                if (!resume) {
                    outputs.writeJson(RunOutputs.RUN, provenance(job, sc, workers, strategy, task));
                }
                int every = t.checkpoint().every();
                List<DataSet> validation = task.validationBatches();
                String metric = task.metric();
                EpochLoop loop = new EpochLoop(t.epochs(), t.patience(), task.trainExamples(),
                        Scoring.head(trainBatches, t.lossSample()), validation, task::validate,
                        "lower training.learning-rate (now " + t.learningRate() + ")")
                        .listener((stats, net, state) -> {
                            outputs.writeHistory(state.history(), metric);
                            if (every > 0 && (state.epochsDone() % every == 0 || state.epochsDone() == t.epochs())) {
                                checkpoints.save(net, state);
                            }
                        });
                EpochLoop.Result result = loop.run(strategy, start);
                Map<String, Object> test = task.testMetrics(result.network());
                outputs.writeJson(RunOutputs.METRICS, metrics(test, metric, result));
                task.saveBeside(outputs);
                outputs.writeModel(result.network());
                log.info("test {}; outputs in {}", summary(test), outputs.directory());
                return new Outcome(outputs.directory().toString(), test, result.history());
            }
        }
    }

    static TrainingStrategy strategy(JobConfig job, JavaSparkContext sc, Model network,
                                     JavaRDD<DataSet> rdd, int workers, int localThreads, String exportDirectory) {
        return switch (job.training().mode()) {
            case "averaging" -> new ParameterAveraging(sc, network, rdd, job.training(), workers, job.seed(),
                    localThreads, exportDirectory);
            case "sharing" -> new GradientSharing(sc, network, rdd, job.training(), workers, job.seed(),
                    localThreads, exportDirectory);
            default -> throw SparktrainException.usage("training.mode = " + job.training().mode() + ": not supported");
        };
    }

    /**
     * The Export approach writes minibatches where every executor must read them back. DL4J checks the
     * default file system, not the export directory, so on a cluster that must be a shared one.
     */
    static String exportDirectory(JobConfig job, JavaSparkContext sc) {
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

    private static Map<String, Object> metrics(Map<String, Object> test, String metric, EpochLoop.Result result) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("test", test);
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
