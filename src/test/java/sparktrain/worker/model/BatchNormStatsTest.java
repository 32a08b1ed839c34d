package sparktrain.worker.model;

import sparktrain.worker.model.BatchNormStats;
import sparktrain.worker.model.InputShape;
import sparktrain.worker.model.NetworkFactory;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** After recalibration, every batch-norm layer normalises the data it was calibrated on in inference mode. */
class BatchNormStatsTest {
    private static final InputShape SHAPE = new InputShape(28, 28, 1, 10);

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "lenet5", "resnet-small"})
    void inferenceNormalisesTheCalibrationData(String type) {
        JobConfig job = JobFiles.parse("", "test", List.of("model.type=" + type, "model.batch-norm=true",
                "model.hidden-layers=[32, 16]", "model.conv-channels=[4, 8]", "model.dense-size=16"));
        Model network = NetworkFactory.build(job.model(), job.training(), 3, SHAPE);
        Nd4j.getRandom().setSeed(7);
        // inputs far from the initial running statistics (mean 0, variance 1) of every layer
        INDArray features = Nd4j.rand(128, SHAPE.flatSize()).muli(6).addi(2);
        // the same minibatch twice: the average of its statistics is its statistics, which inference must then undo
        List<DataSet> batches = List.of(new DataSet(features, Nd4j.zeros(128, 10)), new DataSet(features, Nd4j.zeros(128, 10)));
        assertTrue(worstDeviation(network, features) > 0.5, type + ": the initial statistics should not fit yet");
        int layers = BatchNormStats.recalibrate(network, batches);
        assertTrue(layers >= 1, type + ": batch-norm layers found " + layers);
        double worst = worstDeviation(network, features);
        assertTrue(worst < 0.1, type + ": per-unit mean and standard deviation after recalibration are off by " + worst);
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp"})
    void aNetworkWithoutBatchNormIsLeftAlone(String type) {
        JobConfig job = JobFiles.parse("", "test", List.of("model.type=" + type, "model.batch-norm=false"));
        Model network = NetworkFactory.build(job.model(), job.training(), 3, SHAPE);
        INDArray before = network.params().dup();
        assertFalse(BatchNormStats.hasBatchNorm(network));
        assertEquals(0, BatchNormStats.recalibrate(network, List.of(new DataSet(Nd4j.rand(4, SHAPE.flatSize()), Nd4j.zeros(4, 10)))));
        assertEquals(before, network.params());
    }

    /**
     * The largest distance from 0 of a unit's mean, or from 1 of its standard deviation, over the outputs of every
     * batch-norm layer in inference mode (gamma 1 and beta 0 as initialised).
     */
    private static double worstDeviation(Model network, INDArray features) {
        List<INDArray> outputs = new ArrayList<>();
        if (network instanceof MultiLayerNetwork mln) {
            List<INDArray> activations = mln.feedForward(features, false);
            Layer[] layers = mln.getLayers();
            for (int i = 0; i < layers.length; i++) {
                if (layers[i] instanceof BatchNormalization) {
                    outputs.add(activations.get(i + 1));
                }
            }
        } else {
            ComputationGraph graph = (ComputationGraph) network;
            Map<String, INDArray> activations = graph.feedForward(new INDArray[] {features}, false);
            for (GraphVertex v : graph.getVertices()) {
                if (v.hasLayer() && v.getLayer() instanceof BatchNormalization) {
                    outputs.add(activations.get(v.getVertexName()));
                }
            }
        }
        double worst = 0;
        for (INDArray out : outputs) {
            int[] dims = out.rank() == 2 ? new int[] {0} : new int[] {0, 2, 3};
            worst = Math.max(worst, Transforms.abs(out.mean(dims), true).maxNumber().doubleValue());
            // a unit that is constant on this data (a ReLU that never fires) has no spread to normalise
            for (double std : out.std(false, dims).toDoubleVector()) {
                worst = std < 1e-6 ? worst : Math.max(worst, Math.abs(std - 1));
            }
        }
        return worst;
    }
}
