package sparktrain.worker.model;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.schedule.ISchedule;
import sparktrain.worker.config.TrainingConfig;

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

    /** The network in DL4J's ModelSerializer format (without updater state), e.g. to broadcast it. */
    public static byte[] toBytes(Model network) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            org.deeplearning4j.util.ModelSerializer.writeModel(network, out, false);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A network {@link #toBytes} wrote, of either kind. */
    public static Model fromBytes(byte[] bytes, boolean withUpdater) throws java.io.IOException {
        try {
            return org.deeplearning4j.util.ModelSerializer.restoreMultiLayerNetwork(
                    new java.io.ByteArrayInputStream(bytes), withUpdater);
        } catch (RuntimeException notAMultiLayerNetwork) {
            return org.deeplearning4j.util.ModelSerializer.restoreComputationGraph(
                    new java.io.ByteArrayInputStream(bytes), withUpdater);
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

    /**
     * The job's learning rate and schedule on a restored network, so that a run that diverged continues from
     * its last good checkpoint with {@code --set training.learning-rate=LOWER}; the same rate changes nothing.
     */
    public static void setLearningRate(Model network, TrainingConfig t) {
        ISchedule schedule = EpochSchedules.of(t);
        if (network instanceof MultiLayerNetwork m) {
            if (schedule != null) {
                m.setLearningRate(schedule);
            } else {
                m.setLearningRate(t.learningRate());
            }
        } else if (network instanceof ComputationGraph g) {
            if (schedule != null) {
                g.setLearningRate(schedule);
            } else {
                g.setLearningRate(t.learningRate());
            }
        }
    }
}
