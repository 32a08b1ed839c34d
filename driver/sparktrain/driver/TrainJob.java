package sparktrain.driver;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
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
import sparktrain.driver.data.FashionMnist;
import sparktrain.driver.output.Metrics;
import sparktrain.driver.output.RunOutputs;
import sparktrain.driver.training.EpochLoop;
import sparktrain.driver.training.EpochStats;
import sparktrain.driver.training.ParameterAveraging;
import sparktrain.driver.training.Scoring;
import sparktrain.driver.training.TrainingStrategy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code sparktrain train}: read the data, train on Spark, evaluate on the test set, write the run directory. */
public final class TrainJob {
    private static final Logger log = LoggerFactory.getLogger(TrainJob.class);
    public static final InputShape FASHION_MNIST =
            new InputShape(FashionMnist.SIDE, FashionMnist.SIDE, 1, FashionMnist.CLASSES);
    private static final int EVAL_BATCH = 500;

    public record Outcome(String outputDirectory, double testAccuracy, List<EpochStats> history) {
    }

    private TrainJob() {
    }

    public static Outcome run(JobConfig job, String masterOverride, String outputOverride) {
        String output = outputOverride != null ? outputOverride
                : !job.outputDir().isBlank() ? job.outputDir() : RunOutputs.defaultDirectory(job.name());
        RunOutputs.requireFresh(output);
        TrainingConfig t = job.training();
        log.info("job {}: model {}, {} epochs, batch {} per worker, {} lr {}, data {}", job.name(), job.model().type(),
                t.epochs(), t.batchSize(), t.updater(), t.learningRate(), job.data().path());
        FashionMnist.Splits data = FashionMnist.load(job.data().path(), job.data().trainLimit(), job.data().testLimit(),
                job.data().validationFraction(), job.seed());
        log.info("data: {} training, {} validation, {} test images", data.train().size(), data.validation().size(),
                data.test().size());

        try (JavaSparkContext sc = SparkContexts.start(job, masterOverride)) {
            int workers = t.workers() > 0 ? t.workers() : sc.defaultParallelism();
            int localThreads = !sc.isLocal() ? 0 : t.threadsPerWorker() > 0 ? t.threadsPerWorker()
                    : Math.max(1, Runtime.getRuntime().availableProcessors() / workers);
            String exportDirectory = exportDirectory(job, sc);
            MultiLayerNetwork network = NetworkFactory.build(job.model(), t, job.seed(), FASHION_MNIST);
            List<DataSet> trainBatches = data.train().minibatches(t.batchSize());
            // the shuffle means tasks read cached blocks instead of carrying their partition's data
            JavaRDD<DataSet> rdd = sc.parallelize(trainBatches, workers).repartition(workers);

            RunOutputs outputs = RunOutputs.create(output);
            try (TrainingStrategy strategy = strategy(job, sc, network, rdd, workers, localThreads, exportDirectory)) {
                log.info("training: {}; {} parameters; output {}", strategy.describe(), network.numParams(),
                        outputs.directory());
                outputs.writeJson(RunOutputs.RUN, provenance(job, sc, workers, strategy, data));
                List<EpochStats> history = new ArrayList<>();
                EpochLoop loop = new EpochLoop(t.epochs(), t.patience(), data.train().size(),
                        Scoring.head(trainBatches, t.lossSample()), data.validation().minibatches(EVAL_BATCH),
                        "lower training.learning-rate (now " + t.learningRate() + ")")
                        .listener((stats, net) -> {
                            history.add(stats);
                            outputs.writeHistory(history);
                        });
                EpochLoop.Result result = loop.run(strategy);
                Evaluation test = Scoring.evaluate(result.network(), data.test().minibatches(EVAL_BATCH));
                outputs.writeJson(RunOutputs.METRICS, metrics(test, result));
                outputs.writeModel(result.network());
                log.info("test accuracy {} (macro F1 {}); outputs in {}", String.format("%.4f", test.accuracy()),
                        String.format("%.4f", test.f1(org.nd4j.evaluation.EvaluationAveraging.Macro)), outputs.directory());
                return new Outcome(outputs.directory().toString(), test.accuracy(), result.history());
            }
        }
    }

    static TrainingStrategy strategy(JobConfig job, JavaSparkContext sc, MultiLayerNetwork network,
                                     JavaRDD<DataSet> rdd, int workers, int localThreads, String exportDirectory) {
        return switch (job.training().mode()) {
            case "averaging" -> new ParameterAveraging(sc, network, rdd, job.training(), workers, job.seed(),
                    localThreads, exportDirectory);
            default -> throw SparktrainException.usage("training.mode = " + job.training().mode() + ": not supported");
        };
    }

    /**
     * The Export approach writes minibatches where every executor must read them back; a local
     * file system only works when the executors are in this JVM.
     */
    static String exportDirectory(JobConfig job, JavaSparkContext sc) {
        TrainingConfig t = job.training();
        if (!t.rddApproach().equals("export")) {
            return null;
        }
        String dir = t.exportDir().isBlank() ? null : t.exportDir();
        if (!sc.isLocal()) {
            String fs = dir != null ? String.valueOf(HadoopFiles.path(dir).toUri().getScheme())
                    : sc.hadoopConfiguration().get("fs.defaultFS", "file:///");
            if (fs.startsWith("file") || fs.equals("null")) {
                throw SparktrainException.usage("training.rdd-approach = export: on master " + sc.master()
                        + " the exported minibatches must be on a file system all executors share, but "
                        + (dir != null ? "training.export-dir = " + dir + " is local" : "the default file system is " + fs)
                        + "; set training.export-dir to an hdfs:// URI, or use training.rdd-approach = direct");
            }
        }
        return dir;
    }

    private static Map<String, Object> provenance(JobConfig job, JavaSparkContext sc, int workers,
                                                  TrainingStrategy strategy, FashionMnist.Splits data) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("name", job.name());
        run.put("startedAt", Instant.now().toString());
        run.put("seed", job.seed());
        run.put("master", sc.master());
        run.put("workers", workers);
        run.put("strategy", strategy.describe());
        run.put("versions", Versions.all(sc.version()));
        run.put("data", Map.of(
                "files", data.files(),
                "train", data.train().size(),
                "validation", data.validation().size(),
                "test", data.test().size()));
        run.put("config", com.fasterxml.jackson.databind.json.JsonMapper.builder().build()
                .convertValue(job.resolved().root().unwrapped(), Map.class));
        return run;
    }

    private static Map<String, Object> metrics(Evaluation test, EpochLoop.Result result) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("test", Metrics.classification(test, FashionMnist.CLASS_NAMES));
        EpochStats best = result.history().get(Math.max(0, result.bestEpoch() - 1));
        Map<String, Object> validation = new LinkedHashMap<>();
        validation.put("bestEpoch", result.bestEpoch());
        validation.put("accuracy", Metrics.number(best.validationAccuracy()));
        m.put("validation", validation);
        m.put("epochs", result.history().size());
        m.put("stoppedEarly", result.stoppedEarly());
        m.put("trainingSeconds", result.history().stream().mapToDouble(EpochStats::seconds).sum());
        return m;
    }
}
