package sparktrain.worker.model;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;
import sparktrain.worker.model.InputShape;
import sparktrain.worker.model.NetworkFactory;
import sparktrain.worker.model.Networks;
import sparktrain.worker.data.FashionMnist;
import sparktrain.worker.tasks.ClassificationTask;
import sparktrain.worker.tasks.Task;
import sparktrain.worker.data.Row;
import sparktrain.worker.training.LocalSession;
import sparktrain.testing.TestData;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The LSTM networks, gradient normalisation, TBPTT and the classification losses. */
class LstmNetworkTest {

    private static JobConfig job(String... sets) {
        return JobFiles.parse("", "test", List.of(sets));
    }

    /** Spark ships the configuration to the workers as JSON: every new setting must survive it. */
    @ParameterizedTest
    @CsvSource({"text,char-lstm,mcxent,clip-element,25", "sine,timeseries-lstm,mse,none,0",
            "sine,timeseries-lstm,mae,renormalize-l2-layer,10"})
    void lstmConfigurationsSurviveJson(String data, String type, String loss, String normalization, int tbptt) {
        JobConfig job = job("data.type=" + data, "model.type=" + type, "model.loss=" + loss,
                "model.hidden-layers=[16, 8]", "model.dropout=0.2", "training.gradient-normalization=" + normalization,
                "training.tbptt-length=" + tbptt);
        InputShape shape = InputShape.sequence(30, type.equals("char-lstm") ? 1 : 3, type.equals("char-lstm") ? 40 : 3);
        MultiLayerNetwork network = (MultiLayerNetwork) NetworkFactory.build(job.model(), job.training(), job.seed(), shape);
        MultiLayerConfiguration conf = network.getLayerWiseConfigurations();
        assertEquals(conf, MultiLayerConfiguration.fromJson(conf.toJson()));
        assertEquals(tbptt > 0 ? BackpropType.TruncatedBPTT : BackpropType.Standard, conf.getBackpropType());
        if (tbptt > 0) {
            assertEquals(tbptt, conf.getTbpttBackLength());
        }

        // indices for the character model, values for the series; an output at every step either way
        var input = type.equals("char-lstm") ? Nd4j.createFromArray(new float[][][] {{{1, 5, 39, 0}}})
                : Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 3, 4);
        long outputs = type.equals("char-lstm") ? 40 : 3;
        assertArrayEquals(new long[] {1, outputs, 4}, Networks.output(network, input).shape());
    }

    @Test
    void theLstmJobFilesAreValid() {
        JobConfig text = JobFiles.load(Path.of("conf/char-lstm-fortunes.conf").toAbsolutePath().toString(), List.of());
        assertEquals("char-lstm", text.model().type());
        assertEquals("mcxent", text.model().loss());
        JobConfig sine = JobFiles.load(Path.of("conf/timeseries-lstm-sine.conf").toAbsolutePath().toString(), List.of());
        assertEquals("timeseries-lstm", sine.model().type());
        assertEquals("mse", sine.model().loss());
    }

    @Test
    void hingeLossConfigurationSurvivesJsonAndLearns() {
        JobConfig job = job("model.type=mlp", "model.hidden-layers=[64]", "model.loss=hinge",
                "training.gradient-normalization=clip-l2-layer", "training.gradient-threshold=2", "training.batch-size=32",
                "training.epochs=2");
        Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), FashionMnist.SHAPE);
        MultiLayerConfiguration conf = ((MultiLayerNetwork) network).getLayerWiseConfigurations();
        assertEquals(conf, MultiLayerConfiguration.fromJson(conf.toJson()));

        ClassificationTask task = new ClassificationTask(FashionMnist.SHAPE, FashionMnist.CLASS_NAMES, false, false, 0,
                null);
        List<Row> test = TestData.fashionRows("t10k", 1000);
        LocalSession session = new LocalSession(job, task, TestData.fashionRows("train", 3000), test, 0);
        double before = session.trainingLoss(network);
        var strategy = session.strategy(network, 0);
        strategy.fitEpoch(1);
        strategy.fitEpoch(2);
        Task.Measure measured = session.validate(network);
        assertTrue(session.trainingLoss(network) < before / 2, "hinge loss should fall from " + before);
        assertTrue(measured.value() > 0.7, "accuracy with hinge loss " + measured.value());
    }
}
