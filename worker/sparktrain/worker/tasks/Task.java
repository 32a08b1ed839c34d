package sparktrain.worker.tasks;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.DataSet;
import sparktrain.worker.model.InputShape;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.report.Report;

import java.util.List;
import java.util.Map;

/**
 * A learning problem: its data as minibatches, already split, and how a network is measured on it.
 * The epoch loop, the strategies and the run directory are the same for every task.
 */
public interface Task {

    /** The sizes the network builder needs. */
    InputShape shape();

    /** Training minibatches of {@code batchSize} examples (the last may be smaller). */
    List<DataSet> trainBatches(int batchSize);

    long trainExamples();

    /** Empty when there is no validation set. */
    List<DataSet> validationBatches();

    /** The name of the validation metric, e.g. "accuracy": it names history.csv's column. */
    String metric();

    /** The validation metric for logs and early stopping; {@link Measure#higherIsBetter()} says which way is up. */
    Measure validate(Model network, List<DataSet> batches);

    /** The final metrics on the test set, as metrics.json's "test" object. */
    Map<String, Object> testMetrics(Model network);

    /** Counts and data files, for run.json's "data" object. */
    Map<String, Object> provenance();

    /** Files a model needs beside it, e.g. the vocabulary of a character model. */
    default void saveBeside(RunOutputs outputs) {
    }

    /**
     * Adds what only this task can show to report.html, e.g. the confusion matrix or a generated sample;
     * {@code test} is {@link #testMetrics}'s result for {@code network}.
     */
    default void report(Report report, Model network, Map<String, Object> test) {
    }

    /** One validation measurement: the metric, which way is better, and the loss. */
    record Measure(String metric, double value, boolean higherIsBetter, double loss) {
        public boolean betterThan(double other) {
            return Double.isNaN(other) || (higherIsBetter ? value > other : value < other);
        }
    }
}
