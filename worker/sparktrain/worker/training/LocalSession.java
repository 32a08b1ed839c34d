package sparktrain.worker.training;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.DataSet;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.NativeThreads;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.data.AugmentImages;
import sparktrain.worker.data.Minibatches;
import sparktrain.worker.data.Row;
import sparktrain.worker.data.Split;
import sparktrain.worker.report.Report;
import sparktrain.worker.tasks.Task;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * One job trained by DL4J alone in this JVM, on rows held in this JVM: a trial of a trial-parallel sweep
 * inside its executor task (rows the driver had the executors prepare, {@code PreparedData}), and the
 * single-JVM reference of benchmarks and {@code check-equivalence}. It has no test set: the test set stays
 * on the executors and is measured there.
 */
public final class LocalSession implements Session {
    private final JobConfig job;
    private final Task task;
    private final List<Row> train;
    private final List<Row> validation;
    private final int threads;
    private Consumer<String> steps = step -> { };

    /** @param threads ND4J threads while training; 0 leaves ND4J's setting alone */
    public LocalSession(JobConfig job, Task task, List<Row> train, List<Row> validation, int threads) {
        this.job = job;
        this.task = task;
        this.train = List.copyOf(train);
        this.validation = List.copyOf(validation);
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

    /**
     * Each epoch the training rows in the order of that epoch's shuffle key (the one the Spark sessions use),
     * as minibatches, augmented as the job says.
     */
    @Override
    public TrainingStrategy strategy(Model network, int epochsDone) {
        int size = job.training().batchSize();
        AugmentImages augment = job.data().augments() ? AugmentImages.of(job.data(), task.shape(), job.seed()) : null;
        return strategy(network, epoch -> {
            List<Row> ordered = new ArrayList<>(train);
            ordered.sort(Comparator.comparingLong(r -> Minibatches.shuffleKey(job.seed(), epoch, r.id)));
            Iterator<DataSet> batches = new Minibatches(task, size).call(ordered.iterator());
            return augment == null ? batches : augment.forEpoch(epoch).call(0, batches);
        });
    }

    /** {@code minibatches} in the order given, every epoch (for exact comparisons). */
    public TrainingStrategy strategy(Model network, List<DataSet> minibatches) {
        return strategy(network, epoch -> minibatches.iterator());
    }

    private TrainingStrategy strategy(Model network, java.util.function.IntFunction<Iterator<DataSet>> epochs) {
        if (threads > 0) {
            NativeThreads.limit(threads);
        }
        return new SingleJvm(network, epochs);
    }

    @Override
    public JobConfig job() {
        return job;
    }

    @Override
    public Task task() {
        return task;
    }


    @Override
    public long trainExamples() {
        return train.size();
    }


    @Override
    public double trainingLoss(Model network) {
        double fraction = lossSampleFraction();
        double[] sum = Scoring.loss(task, network, train.stream()
                .filter(r -> Split.inLossSample(job.seed(), fraction, r.id)).iterator());
        return sum[1] == 0 ? Double.NaN : sum[0] / sum[1];
    }

    @Override
    public Task.Measure validate(Model network) {
        return validation.isEmpty() ? null : task.measure(task.score(network, validation.iterator()));
    }

    @Override
    public Map<String, Object> test(Model network) {
        throw new UnsupportedOperationException("the test set stays on the executors: measure it with a TrainingSession");
    }

    @Override
    public Map<String, Object> dataProvenance() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("train", train.size());
        p.put("validation", validation.size());
        return p;
    }


    @Override
    public void report(Report report, Model network, Map<String, Object> test) {
        task.report(report, network, test, List.of());
    }

    @Override
    public void close() {
    }
}
