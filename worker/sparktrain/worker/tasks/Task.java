package sparktrain.worker.tasks;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.DataSet;
import sparktrain.worker.data.Row;
import sparktrain.worker.model.InputShape;
import sparktrain.worker.report.Report;

import java.io.Serializable;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A learning problem as executors see it: how rows become minibatches and how a network is measured on
 * them. It is small and serializable (class names, vocabulary, normalisation statistics), shipped inside
 * the executor functions; the rows themselves stay where they were read. The epoch loop, the strategies and
 * the run directory are the same for every task.
 */
public interface Task extends Serializable {

    /** The sizes the network builder needs. */
    InputShape shape();

    /** The name of the validation metric, e.g. "accuracy": it names history.csv's column. */
    String metric();

    boolean higherIsBetter();

    /** {@code rows} as one minibatch; with {@code training} the labels training uses (e.g. smoothed). */
    DataSet batch(List<Row> rows, boolean training);

    /** What {@code network} scores on {@code rows} (dropout off): one partition's part, merged with the rest. */
    Scores score(Model network, Iterator<Row> rows);

    /** The validation measurement from the merged scores of the validation rows. */
    Measure measure(Scores scores);

    /** The final metrics, as metrics.json's "test" object, from the merged scores of the test rows. */
    Map<String, Object> testMetrics(Scores scores);

    /** Files a model needs beside it (name to JSON text), e.g. labels.json or vocabulary.json. */
    Map<String, String> besideModel();

    /**
     * Adds what only this task can show to report.html, e.g. the confusion matrix or a generated sample;
     * {@code test} is {@link #testMetrics}'s result for {@code network}, {@code sample} a few test rows.
     */
    default void report(Report report, Model network, Map<String, Object> test, List<Row> sample) {
    }

    /** Rows per minibatch when scoring. */
    default int scoringBatch() {
        return 500;
    }

    /** A task's partial scores: merged over partitions, then turned into metrics. */
    interface Scores extends Serializable {
        Scores merge(Scores other);
    }

    /** One validation measurement: the metric, which way is better, and the loss. */
    record Measure(String metric, double value, boolean higherIsBetter, double loss) {
        public boolean betterThan(double other) {
            return Double.isNaN(other) || (higherIsBetter ? value > other : value < other);
        }
    }

    /** Consecutive groups of {@code size} rows of {@code rows}, each handed to {@code each} as it fills. */
    static void inBatches(Iterator<Row> rows, int size, java.util.function.Consumer<List<Row>> each) {
        List<Row> batch = new java.util.ArrayList<>(size);
        while (rows.hasNext()) {
            batch.add(rows.next());
            if (batch.size() == size) {
                each.accept(batch);
                batch = new java.util.ArrayList<>(size);
            }
        }
        if (!batch.isEmpty()) {
            each.accept(batch);
        }
    }
}
