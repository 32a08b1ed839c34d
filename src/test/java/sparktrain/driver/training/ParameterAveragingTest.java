package sparktrain.driver.training;

import org.deeplearning4j.nn.api.Model;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;
import sparktrain.worker.model.NetworkFactory;
import sparktrain.worker.model.Networks;
import sparktrain.worker.data.FashionMnist;
import sparktrain.worker.tasks.FashionMnistTask;
import sparktrain.worker.training.EpochLoop;
import sparktrain.worker.training.EpochStats;
import sparktrain.worker.training.Scoring;
import sparktrain.worker.training.TrainingStrategy;
import sparktrain.testing.SparkTestBase;
import sparktrain.testing.TestData;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParameterAveragingTest extends SparkTestBase {

    private static JobConfig job(String... sets) {
        return JobFiles.parse("", "test", List.of(sets));
    }

    /** DL4J's TestCompareParameterAveragingSparkVsSingleMachine, for our seam: one worker must equal one JVM. */
    @Test
    void oneWorkerGivesTheSameParametersAsOneJvm() {
        JobConfig job = job("model.type=mlp", "model.hidden-layers=[32]", "training.updater=sgd",
                "training.learning-rate=0.05", "training.batch-size=16", "training.averaging-frequency=20");
        FashionMnist.Splits data = FashionMnist.load(TestData.fashionMnist(), 320, 1, 0.0, 3);
        List<DataSet> batches = data.train().minibatches(16);

        Model local = NetworkFactory.build(job.model(), job.training(), job.seed(), FashionMnistTask.SHAPE);
        Model distributed = Networks.copy(local);
        INDArray initial = local.params().dup();

        try (TrainingSession session = TrainingSession.open(job, sc, new FashionMnistTask(data));
             TrainingStrategy spark = session.strategy(distributed, batches, 1)) {
            session.singleJvm().strategy(local, batches, null).fitEpoch(1);
            spark.fitEpoch(1);
            INDArray fromSpark = spark.network().params();
            double moved = local.params().sub(initial).norm2Number().doubleValue();
            double difference = local.params().sub(fromSpark).norm2Number().doubleValue();
            assertTrue(moved > 0.1, "training should move the parameters, moved " + moved);
            assertTrue(difference < 1e-5 * moved, "single JVM and one Spark worker differ by " + difference);
        }
    }

    @Test
    void twoWorkersLearn() {
        JobConfig job = job("model.type=mlp", "model.hidden-layers=[128]", "training.batch-size=32",
                "training.averaging-frequency=5", "training.epochs=3", "training.workers=2",
                "training.threads-per-worker=1");
        FashionMnist.Splits data = FashionMnist.load(TestData.fashionMnist(), 4000, 1000, 0.1, 5);
        Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), FashionMnistTask.SHAPE);
        try (TrainingSession session = TrainingSession.open(job, sc, new FashionMnistTask(data));
             TrainingStrategy spark = session.strategy(network, 0)) {
            double before = session.trainingLoss(network);
            EpochLoop.Result result = new EpochLoop(session).run(spark);
            List<EpochStats> h = result.history();
            assertEquals(3, h.size());
            assertTrue(h.get(0).trainLoss() < before - 1.0, "loss should fall from " + before + ": " + h);
            assertTrue(h.get(2).trainLoss() < h.get(0).trainLoss(), "loss should keep falling: " + h);
            double accuracy = Scoring.evaluate(result.network(), data.test().minibatches(500)).accuracy();
            assertTrue(accuracy > 0.75, "test accuracy " + accuracy);
        }
    }

    /** auto measures the first epoch (frequency 10) and moves the frequency; training still learns. */
    @Test
    void autoFrequencyAdjustsAfterTheFirstEpochAndLearns() {
        JobConfig job = job("model.type=mlp", "model.hidden-layers=[64]", "training.batch-size=32",
                "training.averaging-frequency=auto", "training.auto-frequency.max=40", "training.epochs=2",
                "training.workers=2", "training.threads-per-worker=1");
        assertTrue(job.training().autoFrequency().enabled());
        assertEquals(10, job.training().averagingFrequency());
        FashionMnist.Splits data = FashionMnist.load(TestData.fashionMnist(), 3000, 500, 0.1, 5);
        Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), FashionMnistTask.SHAPE);
        try (TrainingSession session = TrainingSession.open(job, sc, new FashionMnistTask(data));
             TrainingStrategy spark = session.strategy(network, 0)) {
            EpochLoop.Result result = new EpochLoop(session).run(spark);
            int chosen = ((ParameterAveraging) spark).frequency();
            assertTrue(chosen >= 1 && chosen <= 40, "frequency " + chosen);
            // an MLP minibatch fits in about a millisecond, far less than a Spark round: auto must average less often
            assertTrue(chosen > 10, "auto should raise the frequency for a tiny MLP, chose " + chosen);
            double accuracy = Scoring.evaluate(result.network(), data.test().minibatches(500)).accuracy();
            assertTrue(accuracy > 0.7, "test accuracy " + accuracy);
        }
    }
}
