package sparktrain.worker.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.ops.transforms.Transforms;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Re-estimates the running mean and variance of every batch-normalisation layer from training minibatches
 * ("precise BN"): each layer's input is computed in training mode, as in training, and the layer's global
 * statistics become the average of the minibatch means and variances.
 *
 * <p>Gradient sharing needs it: DL4J moves the running statistics through the same threshold-encoded channel as
 * the weight updates, so each can move by at most one threshold (about 1e-3) per step, far too slowly to follow
 * activations whose means and variances are of order 1; the model evaluated then normalises with statistics
 * that are still near their initial values (mean 0, variance 1).
 */
public final class BatchNormStats {
    private BatchNormStats() {
    }

    /** Recalibrates {@code network} in place from {@code batches}; returns how many layers it changed. */
    public static int recalibrate(Model network, List<DataSet> batches) {
        if (!hasBatchNorm(network)) {
            return 0;
        }
        Map<String, Moments> moments = new LinkedHashMap<>();
        Map<String, BatchNormalization> layers = new LinkedHashMap<>();
        for (DataSet batch : batches) {
            inputs(network, batch.getFeatures(), layers).forEach((name, input) ->
                    moments.computeIfAbsent(name, n -> new Moments()).add(input, layers.get(name)));
        }
        moments.forEach((name, m) -> m.writeTo(layers.get(name)));
        return moments.size();
    }

    public static boolean hasBatchNorm(Model network) {
        if (network instanceof MultiLayerNetwork mln) {
            for (Layer layer : mln.getLayers()) {
                if (layer instanceof BatchNormalization) {
                    return true;
                }
            }
        } else if (network instanceof ComputationGraph graph) {
            for (GraphVertex vertex : graph.getVertices()) {
                if (vertex.hasLayer() && vertex.getLayer() instanceof BatchNormalization) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The input of every batch-normalisation layer, by layer name, for one minibatch in training mode. */
    private static Map<String, INDArray> inputs(Model network, INDArray features, Map<String, BatchNormalization> layers) {
        Map<String, INDArray> inputs = new LinkedHashMap<>();
        LayerWorkspaceMgr noWorkspaces = LayerWorkspaceMgr.noWorkspaces();
        if (network instanceof MultiLayerNetwork mln) {
            List<INDArray> activations = mln.feedForward(features, true);
            Layer[] all = mln.getLayers();
            for (int i = 0; i < all.length; i++) {
                if (all[i] instanceof BatchNormalization bn) {
                    INDArray input = activations.get(i);
                    InputPreProcessor pre = mln.getLayerWiseConfigurations().getInputPreProcess(i);
                    if (pre != null) {
                        input = pre.preProcess(input, (int) input.size(0), noWorkspaces);
                    }
                    String name = String.valueOf(i);
                    layers.put(name, bn);
                    inputs.put(name, input);
                }
            }
        } else if (network instanceof ComputationGraph graph) {
            Map<String, INDArray> activations = graph.feedForward(new INDArray[] {features}, true);
            for (GraphVertex vertex : graph.getVertices()) {
                if (vertex.hasLayer() && vertex.getLayer() instanceof BatchNormalization bn) {
                    String from = graph.getConfiguration().getVertexInputs().get(vertex.getVertexName()).get(0);
                    INDArray input = activations.get(from);
                    layers.put(vertex.getVertexName(), bn);
                    inputs.put(vertex.getVertexName(), input);
                }
            }
        } else {
            throw new IllegalArgumentException("not a MultiLayerNetwork or ComputationGraph: " + network.getClass());
        }
        return inputs;
    }

    /** Sums of minibatch means and variances per channel. */
    private static final class Moments {
        private INDArray meanSum;
        private INDArray varSum;
        private int batches;

        void add(INDArray input, BatchNormalization layer) {
            long channels = layer.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN).length();
            long[] dims = input.rank() == 2 ? new long[] {0}
                    : input.size(1) == channels ? new long[] {0, 2, 3} : new long[] {0, 1, 2};
            int[] d = new int[dims.length];
            for (int i = 0; i < dims.length; i++) {
                d[i] = (int) dims[i];
            }
            INDArray mean = input.mean(d).reshape(channels);
            INDArray var = input.var(false, d).reshape(channels);
            meanSum = meanSum == null ? mean.dup() : meanSum.addi(mean);
            varSum = varSum == null ? var.dup() : varSum.addi(var);
            batches++;
        }

        void writeTo(BatchNormalization layer) {
            INDArray mean = meanSum.div(batches);
            INDArray var = varSum.div(batches);
            org.deeplearning4j.nn.conf.layers.BatchNormalization conf =
                    (org.deeplearning4j.nn.conf.layers.BatchNormalization) layer.conf().getLayer();
            INDArray globalMean = layer.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN);
            globalMean.assign(mean.reshape(globalMean.shape()));
            if (conf.isUseLogStd()) {
                INDArray logStd = layer.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD);
                INDArray std = Transforms.sqrt(var.add(conf.getEps()), false);
                logStd.assign(Transforms.log(std, 10, false).reshape(logStd.shape()));
            } else {
                INDArray globalVar = layer.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR);
                globalVar.assign(var.reshape(globalVar.shape()));
            }
        }
    }
}
