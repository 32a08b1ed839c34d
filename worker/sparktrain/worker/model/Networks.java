package sparktrain.worker.model;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/** The few operations we need from both DL4J network kinds, MultiLayerNetwork and ComputationGraph. */
public final class Networks {
    private Networks() {
    }

    /** The network's output (inference mode: dropout off, batch norm with its running statistics). */
    public static INDArray output(Model network, INDArray features) {
        if (network instanceof MultiLayerNetwork mln) {
            return mln.output(features, false);
        }
        return graph(network).outputSingle(false, features);
    }

    /** The loss DL4J reports for {@code batch}, regularisation included. */
    public static double score(Model network, DataSet batch) {
        if (network instanceof MultiLayerNetwork mln) {
            return mln.score(batch, false);
        }
        return graph(network).score(batch, false);
    }

    /** One pass over {@code data}. */
    public static void fit(Model network, DataSetIterator data) {
        if (network instanceof MultiLayerNetwork mln) {
            mln.fit(data);
        } else {
            graph(network).fit(data);
        }
    }

    public static Model copy(Model network) {
        if (network instanceof MultiLayerNetwork mln) {
            return mln.clone();
        }
        return graph(network).clone();
    }

    private static ComputationGraph graph(Model network) {
        if (network instanceof ComputationGraph g) {
            return g;
        }
        throw new IllegalArgumentException("unsupported network kind " + network.getClass().getName());
    }
}
