package sparktrain.driver.training;

import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;

import java.util.ArrayList;
import java.util.List;

/** Loss and accuracy of a network on the driver, with dropout off. */
public final class Scoring {
    private Scoring() {
    }

    /** Mean loss per example (regularisation included, as DL4J reports it) over {@code batches}. */
    public static double meanLoss(MultiLayerNetwork network, List<DataSet> batches) {
        double total = 0;
        long count = 0;
        for (DataSet batch : batches) {
            int n = batch.numExamples();
            total += network.score(batch, false) * n;
            count += n;
        }
        return count == 0 ? Double.NaN : total / count;
    }

    public static Evaluation evaluate(MultiLayerNetwork network, List<DataSet> batches) {
        return network.evaluate(new ExistingDataSetIterator(batches));
    }

    /** The first {@code examples} examples of {@code batches}, as whole batches. */
    public static List<DataSet> head(List<DataSet> batches, int examples) {
        List<DataSet> head = new ArrayList<>();
        int count = 0;
        for (DataSet b : batches) {
            if (count >= examples) {
                break;
            }
            head.add(b);
            count += b.numExamples();
        }
        return head;
    }
}
