package sparktrain.worker.model;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;
import sparktrain.worker.model.EpochSchedules;
import sparktrain.worker.model.InputShape;
import sparktrain.worker.model.NetworkFactory;
import sparktrain.worker.model.Networks;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkFactoryTest {
    private static final InputShape SHAPE = new InputShape(28, 28, 1, 10);

    private static JobConfig job(String... sets) {
        return JobFiles.parse("", "test", List.of(sets));
    }

    /** Spark ships the configuration to the workers as JSON: every model and schedule must survive it. */
    @ParameterizedTest
    @CsvSource({"mlp,constant", "lenet5,step", "lenet5,exponential", "resnet-small,cosine", "mlp,one-cycle"})
    void configurationSurvivesJson(String type, String schedule) {
        JobConfig job = job("model.type=" + type, "training.schedule.type=" + schedule, "model.batch-norm=true",
                "model.dropout=0.3", "model.conv-channels=[8, 16]");
        Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), SHAPE);
        if (network instanceof MultiLayerNetwork mln) {
            MultiLayerConfiguration conf = mln.getLayerWiseConfigurations();
            assertEquals(conf, MultiLayerConfiguration.fromJson(conf.toJson()));
        } else {
            ComputationGraphConfiguration conf = ((ComputationGraph) network).getConfiguration();
            assertEquals(conf, ComputationGraphConfiguration.fromJson(conf.toJson()));
        }
        assertArrayEquals(new long[] {3, 10}, Networks.output(network, Nd4j.rand(3, 784)).shape());
    }

    /** Guards the ND4J natives with oneDNN and the shim that lets DL4J find them (OneDnn, Nd4jCpu). */
    @Test
    void convolutionsRunThroughOneDnn() {
        JobConfig job = job("model.type=lenet5", "model.batch-norm=true");
        MultiLayerNetwork lenet = (MultiLayerNetwork) NetworkFactory.build(job.model(), job.training(), job.seed(), SHAPE);
        assertTrue(lenet.getLayer(0).getHelper() instanceof MKLDNNConvHelper,
                "conv layer helper: " + lenet.getLayer(0).getHelper() + " (the linux-x86_64-onednn natives missing?)");
        assertTrue(lenet.getLayer(1).getHelper() instanceof MKLDNNBatchNormHelper, "" + lenet.getLayer(1).getHelper());
    }

    @Test
    void resnetHeadIsGlobalPoolingOrFlattenedDense() {
        ComputationGraph pooled = (ComputationGraph) NetworkFactory.build(job("model.type=resnet-small",
                "model.conv-channels=[8, 16]", "model.dense-size=0").model(), job().training(), 1, SHAPE);
        ComputationGraph flat = (ComputationGraph) NetworkFactory.build(job("model.type=resnet-small",
                "model.conv-channels=[8, 16]", "model.dense-size=32", "model.global-pooling=false").model(),
                job().training(), 1, SHAPE);
        assertEquals(16 * 10 + 10, pooled.getLayer("output").numParams());
        assertEquals(7 * 7 * 16 * 32 + 32, flat.getLayer("dense").numParams());
        assertEquals(32 * 10 + 10, flat.getLayer("output").numParams());
        assertArrayEquals(new long[] {2, 10}, Networks.output(flat, Nd4j.rand(2, 784)).shape());
        assertNull(flat.getLayer("dense").conf().getLayer().getIDropout());
    }

    @Test
    void featureDropoutDropsTheConvolutionalFeaturesBeforeTheDenseLayer() {
        ComputationGraph resnet = (ComputationGraph) NetworkFactory.build(job("model.type=resnet-small",
                "model.conv-channels=[8, 16]", "model.dense-size=32", "model.global-pooling=false",
                "model.feature-dropout=0.25").model(), job().training(), 1, SHAPE);
        assertEquals(0.75, ((Dropout) resnet.getLayer("dense").conf().getLayer().getIDropout()).getP());
        MultiLayerNetwork lenet = (MultiLayerNetwork) NetworkFactory.build(
                job("model.feature-dropout=0.25").model(), job().training(), 1, SHAPE);
        Layer dense = lenet.getLayer(lenet.getnLayers() - 2);
        assertTrue(dense.conf().getLayer() instanceof org.deeplearning4j.nn.conf.layers.DenseLayer);
        assertEquals(0.75, ((Dropout) dense.conf().getLayer().getIDropout()).getP());
    }

    @Test
    void sameSeedSameWeights() {
        JobConfig job = job();
        Model a = NetworkFactory.build(job.model(), job.training(), job.seed(), SHAPE);
        Model b = NetworkFactory.build(job.model(), job.training(), job.seed(), SHAPE);
        assertEquals(a.params(), b.params());
    }

    @Test
    void cosineAnnealsToTheMinimumAndOneCycleWarmsUp() {
        EpochSchedules.Cosine cosine = new EpochSchedules.Cosine(0.01, 0.0001, 10, 0);
        assertEquals(0.01, cosine.valueAt(0, 0), 1e-12);
        assertEquals(0.00505, cosine.valueAt(0, 5), 1e-9);
        assertEquals(0.0001, cosine.valueAt(0, 10), 1e-12);
        EpochSchedules.Cosine oneCycle = new EpochSchedules.Cosine(0.01, 0.0, 10, 2);
        assertEquals(0.001, oneCycle.valueAt(0, 0), 1e-12);
        assertTrue(oneCycle.valueAt(0, 1) < oneCycle.valueAt(0, 2));
        assertEquals(0.01, oneCycle.valueAt(0, 2), 1e-12);
        assertTrue(oneCycle.valueAt(0, 9) < 0.001);
    }
}
