package sparktrain.driver;

import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.driver.doctor.Doctor;
import sparktrain.driver.progress.Progress;
import sparktrain.driver.report.RunReport;
import sparktrain.driver.training.TrainingSession;
import sparktrain.worker.FatalErrors;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.TrainingConfig;
import sparktrain.worker.output.Checkpoints;
import sparktrain.worker.output.Metrics;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.training.EpochStats;
import sparktrain.worker.training.RunTraining;

import java.util.List;
import java.util.Map;

/** {@code sparktrain train}: read the data, train on Spark, evaluate on the test set, write the run directory. */
public final class TrainJob {
    private static final Logger log = LoggerFactory.getLogger(TrainJob.class);

    public record Outcome(String outputDirectory, Map<String, Object> test, List<EpochStats> history) {
        /** The test metrics that are single numbers, e.g. "accuracy 0.9132, macroF1 0.9127". */
        public String summary() {
            return Metrics.summary(test);
        }
    }

    /**
     * @param quiet  no progress bar, even on a terminal: a progress line every log.progress-seconds instead
     * @param doctor first run the checks of {@code sparktrain doctor} (the driver's, then a light executor probe)
     */
    public record Options(boolean quiet, boolean doctor) {
        public static final Options DEFAULT = new Options(false, false);
    }

    private TrainJob() {
    }

    /** A new run into a new or empty output directory. */
    public static Outcome run(JobConfig job, String masterOverride, String outputOverride, Options options) {
        String output = outputOverride != null ? outputOverride
                : !job.outputDir().isBlank() ? job.outputDir() : RunOutputs.defaultDirectory(job.name());
        RunOutputs.requireFresh(output);
        return run(job, masterOverride, output, false, options);
    }

    /** Continues the run in {@code runDirectory} from its newest complete checkpoint. */
    public static Outcome resume(JobConfig job, String masterOverride, String runDirectory, Options options) {
        if (new Checkpoints(RunOutputs.open(runDirectory).directory(), 1).newest().isEmpty()) {
            throw Checkpoints.nothingToResume(runDirectory);
        }
        return run(job, masterOverride, runDirectory, true, options);
    }

    private static Outcome run(JobConfig job, String masterOverride, String output, boolean resume, Options options) {
        long startNanos = System.nanoTime();
        TrainingConfig t = job.training();
        if (options.doctor()) {
            Doctor.preflight(job, masterOverride, output);
        }
        log.info("job {}: model {}, {} epochs, batch {} per worker, {} lr {}, data {}", job.name(), job.model().type(),
                t.epochs(), t.batchSize(), t.updater(), t.learningRate(), job.data().path());
        try (JavaSparkContext sc = SparkContexts.start(job, masterOverride);
             TrainingSession session = TrainingSession.open(job, sc)) {
            log.info("data: {} training, {} validation rows, read and kept by the executors", session.trainExamples(),
                    session.validationExamples());
            if (options.doctor()) {
                Doctor.probe(job, sc);
            }
            RunOutputs outputs = resume ? RunOutputs.open(output) : RunOutputs.create(output);
            // a fatal error on another thread, or a stall that cannot be stopped, names where to continue from
            FatalErrors.resumeHint(() -> new Checkpoints(outputs.directory(), 1).resumeHint(outputs.location()));
            Progress progress = session.startProgress(options.quiet());
            RunTraining training = new RunTraining(session, outputs).summaryTo(progress::epochSummary);
            RunTraining.Result result = (resume ? training.resuming() : RunJson.recordedBy(training, session, outputs))
                    .run();
            RunReport report = new RunReport(job, sc.master(), session.workers(), result.strategy(),
                    result.loop().network().numParams(), result.loop().history(), session.metric(),
                    result.loop().bestEpoch(), result.loop().stoppedEarly(), result.test(),
                    (System.nanoTime() - startNanos) / 1e9, resume, session.phases());
            try {
                report.write(outputs.directory(), session, result.loop().network());
            } catch (RuntimeException | LinkageError e) {
                // the model and metrics are written by now: a report that cannot be drawn is a warning
                log.warn("report.html not written: {}: {}", e.getClass().getSimpleName(), e.getMessage());
            }
            log.info("test {}; outputs in {}", Metrics.summary(result.test()), outputs.directory());
            return new Outcome(outputs.directory().toString(), result.test(), result.loop().history());
        }
    }
}
