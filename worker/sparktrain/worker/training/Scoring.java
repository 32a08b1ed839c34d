package sparktrain.worker.training;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.ops.transforms.Transforms;
import sparktrain.worker.model.Networks;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Loss and accuracy of a network on the driver, with dropout off. */
public final class Scoring {
    private Scoring() {
    }

    /** Mean loss per example (regularisation included, as DL4J reports it) over {@code batches}. */
    public static double meanLoss(Model network, List<DataSet> batches) {
        double total = 0;
        long count = 0;
        for (DataSet batch : batches) {
            int n = batch.numExamples();
            total += Networks.score(network, batch) * n;
            count += n;
        }
        return count == 0 ? Double.NaN : total / count;
    }

    public static Evaluation evaluate(Model network, List<DataSet> batches) {
        return validate(network, batches).evaluation();
    }

    public static Evaluation evaluate(Model network, List<DataSet> batches, UnaryOperator<INDArray> predict) {
        return validate(network, batches, predict).evaluation();
    }

    /** Accuracy and mean cross-entropy (without regularisation) from one forward pass over {@code batches}. */
    public record Validation(Evaluation evaluation, double crossEntropy) {
    }

    public static Validation validate(Model network, List<DataSet> batches) {
        return validate(network, batches, features -> Networks.output(network, features));
    }

    /** As {@link #validate(Model, List)}, with the outputs {@code predict} gives for a batch's features. */
    public static Validation validate(Model network, List<DataSet> batches, UnaryOperator<INDArray> predict) {
        Evaluation eval = new Evaluation();
        double total = 0;
        long count = 0;
        boolean probabilities = true;
        for (DataSet batch : batches) {
            INDArray output = predict.apply(batch.getFeatures());
            eval.eval(batch.getLabels(), output);
            probabilities &= output.minNumber().doubleValue() >= 0;
            INDArray chosen = output.mul(batch.getLabels()).sum(1);
            total -= Transforms.log(chosen.addi(1e-12), false).sumNumber().doubleValue();
            count += batch.numExamples();
        }
        if (!probabilities) {
            // not a softmax output (e.g. hinge loss): report the network's own loss instead
            return new Validation(eval, meanLoss(network, batches));
        }
        return new Validation(eval, count == 0 ? Double.NaN : total / count);
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
