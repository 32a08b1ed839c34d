package sparktrain.driver.training;

import sparktrain.driver.SparkContexts;

import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.dataset.DataSet;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;
import sparktrain.worker.model.NetworkFactory;
import sparktrain.worker.data.FashionMnist;
import sparktrain.worker.sharing.AeronTraffic;
import sparktrain.worker.training.EpochLoop;
import sparktrain.worker.training.EpochStats;
import sparktrain.driver.training.GradientSharing;
import sparktrain.driver.training.ParameterAveraging;
import sparktrain.worker.training.Scoring;
import sparktrain.worker.training.TrainingStrategy;
import sparktrain.testing.SparkTestBase;
import sparktrain.testing.TestData;
import sparktrain.testing.UdpPorts;

import java.net.DatagramSocket;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both training modes learn, for both network kinds; gradient sharing's traps become clear messages. */
class GradientSharingTest extends SparkTestBase {
    /** Not the default port, which anything else on the machine may hold: DL4J keeps it for the JVM's life. */
    private static final int CONTROLLER_PORT = UdpPorts.freeRange(1);

    private static JobConfig job(String... sets) {
        return TestData.job(sets);
    }

    @ParameterizedTest
    @CsvSource({"averaging,mlp", "averaging,resnet-small"})
    void learnsASmallProblem(String mode, String model) {
        learns(mode, model);
    }

    /**
     * Both network kinds, MultiLayerNetwork and ComputationGraph, learn with gradient sharing. Before local mode
     * trained one partition per epoch, DL4J's SharedTrainingWrapper could leave a task waiting forever
     * (BlockingObserver.waitTillDone) when it attached its data just as the other task finished: see
     * GradientSharing.tasksAtOnce.
     */
    @ParameterizedTest
    @ValueSource(strings = {"mlp", "resnet-small"})
    @Tag("sharing-training")
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void gradientSharingLearnsASmallProblem(String model) {
        learns("sharing", model);
    }

    private void learns(String mode, String model) {
        boolean sharing = mode.equals("sharing");
        JobConfig job = job("training.mode=" + mode, "model.type=" + model, "model.hidden-layers=[64]",
                "model.conv-channels=[8, 16]", "training.batch-size=32", "training.averaging-frequency=5",
                "training.updater=" + (sharing ? "sgd" : "adam"), "training.learning-rate=" + (sharing ? "0.1" : "0.003"),
                "training.sharing.unicast-port=" + (sharing ? 40200 + model.length() : 40123), "training.epochs=2",
                "training.sharing.controller-port=" + CONTROLLER_PORT,
                "training.workers=2", "training.threads-per-worker=1", "data.train-limit=3000", "data.test-limit=1000",
                "seed=11");
        Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), FashionMnist.SHAPE);
        if (model.equals("resnet-small")) {
            assertInstanceOf(ComputationGraph.class, network);
        }
        try (TrainingSession session = TrainingSession.open(job, sc);
             TrainingStrategy strategy = session.strategy(network, 0)) {
            double before = session.trainingLoss(network);
            EpochLoop.Result result = new EpochLoop(session).run(strategy);
            List<EpochStats> h = result.history();
            double fall = model.equals("mlp") ? 0.7 : 0.5;
            assertTrue(h.get(1).trainLoss() < before - fall, mode + " " + model + ": loss should fall from " + before + ": " + h);
            double accuracy = (Double) session.test(result.network()).get("accuracy");
            assertTrue(accuracy > (model.equals("mlp") ? 0.65 : 0.4), mode + " " + model + ": test accuracy " + accuracy);
            if (sharing) {
                // local mode: one JVM, whose DL4J transport is the mesh's root with no peer, so Aeron sends nothing
                // (the cluster's figures: FaultsIT); what the epochs moved is Spark's: the parameters broadcast once,
                // in epoch 1, and each epoch's task results
                assertTrue(AeronTraffic.running(), "DL4J's transport runs in this JVM");
                long aeron = AeronTraffic.total();
                assertTrue(aeron < 16_384, "local mode: no update crosses Aeron, at most the mesh's own messages: " + aeron);
                long parameters = 4 * network.numParams();
                assertTrue(h.get(0).updateBytes() > parameters && h.get(0).updateBytes() < 2 * parameters,
                        "epoch 1: the parameter broadcast and the task results: " + h.get(0));
                assertTrue(h.get(1).updateBytes() > 0 && h.get(1).updateBytes() < parameters,
                        "epoch 2: the task results only: " + h.get(1));
                assertTrue(h.get(1).denseUpdateBytes() > 20 * parameters, "every update dense: " + h.get(1));
            }
        }
    }

    /** The executors' ports are each executor's to find (SharingPorts); the driver binds the controller port. */
    @Test
    void busyControllerPortNamesTheKeyToChange() throws Exception {
        String key = "training.sharing.controller-port";
        try (DatagramSocket taken = new DatagramSocket(0)) {
            int port = taken.getLocalPort();
            JobConfig job = job("training.mode=sharing", key + "=" + port, "training.sharing.unicast-port=" + (port - 1000),
                    "data.train-limit=64",
                    "data.validation-fraction=0", "data.test-limit=1");
            try (TrainingSession session = TrainingSession.open(job, sc)) {
                SparktrainException e = assertThrows(SparktrainException.class, () -> session.strategy(
                        NetworkFactory.build(job.model(), job.training(), 1, FashionMnist.SHAPE), 0));
                assertEquals(ExitCode.USAGE, e.exitCode());
                assertTrue(e.getMessage().contains(key + " = " + port + ": the UDP port is in use"), e.getMessage());
            }
        }
    }

    @Test
    void aeronTimeoutBelowTheLivenessTimeoutIsAClearError() {
        SparktrainException e = assertThrows(SparktrainException.class,
                () -> GradientSharing.requireAeronTimeouts("15000000000", null));
        assertTrue(e.getMessage().contains("aeron.publication.unblock.timeout = 15000000000 ns: must exceed Aeron's client"
                + " liveness timeout (30000000000 ns)"), e.getMessage());
        GradientSharing.requireAeronTimeouts("60000000000", null);
    }

    @Test
    void aeronMisconfigurationInTheExecutorOptionsIsCaughtBeforeSparkStarts() {
        JobConfig job = job("training.mode=sharing",
                "spark.conf.\"spark.executor.extraJavaOptions\"=\"-Daeron.publication.unblock.timeout=1000\"");
        SparktrainException e = assertThrows(SparktrainException.class, () -> SparkContexts.conf(job, null));
        assertTrue(e.getMessage().contains("aeron.publication.unblock.timeout = 1000 ns"), e.getMessage());
    }
}
