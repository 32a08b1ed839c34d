package sparktrain.worker.training;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.DataSet;
import sparktrain.worker.NativeThreads;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.data.AugmentImages;
import sparktrain.worker.model.InputShape;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.report.Report;
import sparktrain.worker.tasks.Task;

import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;

/**
 * One job trained by DL4J alone in this JVM, on data read in this JVM: a trial of a trial-parallel sweep
 * inside its executor task, and the single-JVM reference of benchmarks and {@code check-equivalence}.
 */
public final class LocalSession implements Session {
    private final JobConfig job;
    private final Task task;
    private final int threads;
    private List<DataSet> batches;
    private List<DataSet> validation;
    private Consumer<String> steps = step -> { };

    /** @param threads ND4J threads while training; 0 leaves ND4J's setting alone */
    public LocalSession(JobConfig job, Task task, int threads) {
        this.job = job;
        this.task = task;
        this.threads = threads;
    }

    /**
     * Reports each step the run starts (e.g. "epoch 2 (validation)") to {@code steps}: a trial-parallel trial's
     * executor task adds them to an accumulator, which the driver's stall watchdog reads from its heartbeats.
     */
    public LocalSession reportingSteps(Consumer<String> steps) {
        this.steps = steps;
        return this;
    }

    @Override
    public Watch watch(RunOutputs outputs) {
        return steps::accept;
    }

    private List<DataSet> batches() {
        if (batches == null) {
            batches = task.trainBatches(job.training().batchSize());
        }
        return batches;
    }

    /** Minibatches shuffled anew every epoch (seeded by the seed and the epochs already done), augmented as the job says. */
    @Override
    public TrainingStrategy strategy(Model network, int epochsDone) {
        return strategy(network, batches(), new Random(job.seed() + epochsDone));
    }

    /** {@code minibatches} as given, in order when {@code shuffle} is null (for exact comparisons). */
    public TrainingStrategy strategy(Model network, List<DataSet> minibatches, Random shuffle) {
        if (threads > 0) {
            NativeThreads.limit(threads);
        }
        SingleJvm strategy = new SingleJvm(network, minibatches, shuffle);
        return job.data().augments() ? strategy.augmentEachEpoch(AugmentImages.of(job.data(), task.shape(), job.seed()))
                : strategy;
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
        return Scoring.meanLoss(network, Scoring.head(batches(), job.training().lossSample()));
    }

    @Override
    public Task.Measure validate(Model network) {
        if (validation == null) {
            validation = task.validationBatches();
        }
        return validation.isEmpty() ? null : task.validate(network, validation);
    }

    @Override
    public Map<String, Object> test(Model network) {
        return task.testMetrics(network);
    }

    @Override
    public Map<String, Object> dataProvenance() {
        return task.provenance();
    }

    @Override
    public void saveBeside(RunOutputs outputs) {
        task.saveBeside(outputs);
    }

    @Override
    public void report(Report report, Model network, Map<String, Object> test) {
        task.report(report, network, test);
    }

    @Override
    public void close() {
        batches = null;
        validation = null;
    }
}
