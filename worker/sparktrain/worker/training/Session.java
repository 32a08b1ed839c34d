package sparktrain.worker.training;

import org.deeplearning4j.nn.api.Model;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.model.InputShape;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.report.Report;
import sparktrain.worker.tasks.Task;

import java.util.Map;

/**
 * Where one job's epochs are trained and measured: data-parallel on Spark ({@code TrainingSession} on the
 * driver) or in this JVM ({@link LocalSession}, inside a trial-parallel sweep's executor task).
 * {@link RunTraining} trains any of them into a run directory.
 */
public interface Session extends AutoCloseable {

    JobConfig job();

    /** What the job's rows are and how a network is measured on them. */
    Task task();

    /** The sizes the network builder needs. */
    default InputShape shape() {
        return task().shape();
    }

    /** A new training of {@code network}, which has trained {@code epochsDone} epochs, on the job's data. */
    TrainingStrategy strategy(Model network, int epochsDone);

    long trainExamples();

    /** The name of the validation metric, e.g. "accuracy": it names history.csv's column. */
    default String metric() {
        return task().metric();
    }

    /** The share of the training rows on which the training loss is measured: about training.loss-sample rows. */
    default double lossSampleFraction() {
        return Math.min(1.0, (double) job().training().lossSample() / Math.max(1, trainExamples()));
    }

    /** Mean loss on the first training.loss-sample training examples, dropout off. */
    double trainingLoss(Model network);

    /** The validation metric; null when there is no validation set. */
    Task.Measure validate(Model network);

    /** The final metrics on the test set, as metrics.json's "test" object. */
    Map<String, Object> test(Model network);

    /** Counts and data files, for run.json's "data" object. */
    Map<String, Object> dataProvenance();

    /** Files a model needs beside it, e.g. the vocabulary of a character model. */
    default void saveBeside(RunOutputs outputs) {
        task().besideModel().forEach(outputs::writeText);
    }

    /** Adds what only this job's data can show to report.html; {@code test} is {@link #test}'s result. */
    void report(Report report, Model network, Map<String, Object> test);

    /**
     * What watches a run in {@code outputs} for stalls while it trains (closed when the run ends): on Spark the
     * driver's watchdog, which cancels the run's Spark jobs; none by default.
     */
    default Watch watch(RunOutputs outputs) {
        return Watch.NONE;
    }

    /** Releases what the session started (cached data, listeners); never a SparkContext it was given. */
    @Override
    void close();
}
