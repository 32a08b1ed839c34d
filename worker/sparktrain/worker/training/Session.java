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

    /** The sizes the network builder needs. */
    InputShape shape();

    /** A new training of {@code network}, which has trained {@code epochsDone} epochs, on the job's data. */
    TrainingStrategy strategy(Model network, int epochsDone);

    long trainExamples();

    /** The name of the validation metric, e.g. "accuracy": it names history.csv's column. */
    String metric();

    /** Mean loss on the first training.loss-sample training examples, dropout off. */
    double trainingLoss(Model network);

    /** The validation metric; null when there is no validation set. */
    Task.Measure validate(Model network);

    /** The final metrics on the test set, as metrics.json's "test" object. */
    Map<String, Object> test(Model network);

    /** Counts and data files, for run.json's "data" object. */
    Map<String, Object> dataProvenance();

    /** Files a model needs beside it, e.g. the vocabulary of a character model. */
    void saveBeside(RunOutputs outputs);

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
