package sparktrain.worker.sharing;

import sparktrain.worker.sharing.WorkerEpoch;

import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;
import sparktrain.worker.model.InputShape;
import sparktrain.worker.model.NetworkFactory;
import sparktrain.testing.Serialization;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class WorkerEpochTest {
    private static final InputShape SHAPE = new InputShape(28, 28, 1, 10);

    private static JobConfig job(String... sets) {
        return JobFiles.parse("", "test", List.of(sets));
    }

    @Test
    void theMarkedEpochBecomesTheNetworksEpochCountAsAFitStarts() throws Exception {
        Iterator<DataSet> none = Collections.emptyIterator();
        assertSame(none, new WorkerEpoch.Marker(4).call(none));
        assertEquals(4, WorkerEpoch.current());

        WorkerEpoch listener = Serialization.roundTrip(new WorkerEpoch());
        MultiLayerNetwork lenet = (MultiLayerNetwork) NetworkFactory.build(job().model(), job().training(), 1, SHAPE);
        listener.onEpochStart(lenet);
        assertEquals(4, lenet.getEpochCount());

        ComputationGraph resnet = (ComputationGraph) NetworkFactory.build(job("model.type=resnet-small",
                "model.conv-channels=[4]").model(), job().training(), 1, SHAPE);
        new WorkerEpoch.Marker(2).call(none);
        listener.onEpochStart(resnet);
        assertEquals(2, resnet.getEpochCount());
    }
}
