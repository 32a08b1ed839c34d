package sparktrain.driver.training;

import org.deeplearning4j.nn.api.Model;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import sparktrain.testing.SparkTestBase;
import sparktrain.testing.TestData;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;
import sparktrain.worker.model.NetworkFactory;
import sparktrain.worker.model.Networks;
import sparktrain.worker.training.EpochLoop;
import sparktrain.worker.training.EpochStats;
import sparktrain.worker.training.TrainingStrategy;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParameterAveragingTest extends SparkTestBase {

    private static JobConfig job(String... sets) {
        return TestData.job(sets);
    }

    /**
     * DL4J's TestCompareParameterAveragingSparkVsSingleMachine, for our seam: one worker must equal one JVM, over
     * four averaging rounds (the parameters leave the worker, are averaged on the driver and broadcast back each
     * time). DL4J deals each round's minibatches at random, so each round is given its five minibatches alone, in
     * the order the single JVM fits them.
     */
    @Test
    void oneWorkerGivesTheSameParametersAsOneJvmOverFourAveragingRounds() {
        JobConfig job = job("model.type=mlp", "model.hidden-layers=[32]", "training.updater=sgd",
                "training.learning-rate=0.05", "training.batch-size=16", "training.averaging-frequency=5",
                "training.workers=1", "data.train-limit=320", "data.validation-fraction=0", "data.test-limit=1");
        try (TrainingSession session = TrainingSession.open(job, sc)) {
            List<DataSet> batches = session.firstMinibatches(Integer.MAX_VALUE);
            assertEquals(20, batches.size());
            Model local = NetworkFactory.build(job.model(), job.training(), job.seed(), session.shape());
            Model distributed = Networks.copy(local);
            INDArray initial = local.params().dup();
            for (int round = 0; round < 4; round++) {
                List<DataSet> five = batches.subList(5 * round, 5 * round + 5);
                session.singleJvm(local, five).fitEpoch(1);
                try (TrainingStrategy spark = session.strategy(distributed, 5 * round, 5 * round + 5, 1)) {
                    spark.fitEpoch(1);
                    assertEquals(1, ((ParameterAveraging) spark).rounds(5), "one averaging round of five minibatches");
                    distributed = spark.network();
                }
            }
            double moved = local.params().sub(initial).norm2Number().doubleValue();
            double difference = local.params().sub(distributed.params()).norm2Number().doubleValue();
            assertTrue(moved > 0.1, "training should move the parameters, moved " + moved);
            assertTrue(difference < 1e-5 * moved, "single JVM and one Spark worker differ by " + difference);
        }
    }

    @Test
    void twoWorkersLearn() {
        JobConfig job = job("model.type=mlp", "model.hidden-layers=[128]", "training.batch-size=32",
                "training.averaging-frequency=5", "training.epochs=3", "training.workers=2",
                "training.threads-per-worker=1", "data.train-limit=4000", "data.test-limit=1000");
        Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), sparktrain.worker.data.FashionMnist.SHAPE);
        try (TrainingSession session = TrainingSession.open(job, sc);
             TrainingStrategy spark = session.strategy(network, 0)) {
            double before = session.trainingLoss(network);
            List<String> summaries = new java.util.ArrayList<>();
            EpochLoop.Result result = new EpochLoop(session).summaryTo(summaries::add).run(spark);
            List<EpochStats> h = result.history();
            assertEquals(3, h.size());
            assertEquals(3, summaries.size(), summaries.toString());
            assertTrue(summaries.get(2).matches("epoch 3/3: \\d{4} samples in [\\d.]+ s \\(\\d+ samples/s\\), loss [\\d.]+,"
                    + " validation accuracy 0\\.\\d{4}, sent [\\d.]+ MB"), summaries.get(2));
            assertTrue(h.get(0).trainLoss() < before - 1.0, "loss should fall from " + before + ": " + h);
            assertTrue(h.get(2).trainLoss() < h.get(0).trainLoss(), "loss should keep falling: " + h);
            double accuracy = (Double) session.test(result.network()).get("accuracy");
            assertTrue(accuracy > 0.75, "test accuracy " + accuracy);
        }
    }

    /** auto measures the first epoch (frequency 10) and moves the frequency; training still learns. */
    @Test
    void autoFrequencyAdjustsAfterTheFirstEpochAndLearns() {
        JobConfig job = job("model.type=mlp", "model.hidden-layers=[64]", "training.batch-size=32",
                "training.averaging-frequency=auto", "training.auto-frequency.max=40", "training.epochs=2",
                "training.workers=2", "training.threads-per-worker=1", "data.train-limit=3000", "data.test-limit=500");
        assertTrue(job.training().autoFrequency().enabled());
        assertEquals(10, job.training().averagingFrequency());
        Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), sparktrain.worker.data.FashionMnist.SHAPE);
        try (TrainingSession session = TrainingSession.open(job, sc);
             TrainingStrategy spark = session.strategy(network, 0)) {
            EpochLoop.Result result = new EpochLoop(session).run(spark);
            int chosen = ((ParameterAveraging) spark).frequency();
            assertTrue(chosen >= 1 && chosen <= 40, "frequency " + chosen);
            // an MLP minibatch fits in about a millisecond, far less than a Spark round: auto must average less often
            assertTrue(chosen > 10, "auto should raise the frequency for a tiny MLP, chose " + chosen);
            double accuracy = (Double) session.test(result.network()).get("accuracy");
            assertTrue(accuracy > 0.7, "test accuracy " + accuracy);
        }
    }

    /**
     * The bytes history.csv gives for averaging are measured from Spark: each round every worker's task sends back
     * its parameters and Adam's two state vectors (3 x 4 x P bytes), and the driver broadcasts as much (in local
     * mode counted once, for the one executor). They must exceed the old model that left the updater state out,
     * and stay under the model with it plus framing.
     */
    @Test
    void averagingTrafficIsMeasuredWithTheUpdaterState() {
        String[] sets = {"model.type=mlp", "model.hidden-layers=[16]", "training.updater=adam", "training.batch-size=16",
                "training.averaging-frequency=5", "training.epochs=2", "training.workers=2",
                "training.threads-per-worker=1", "data.train-limit=640", "data.validation-fraction=0", "data.test-limit=1"};
        JobConfig job = job(sets);
        Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), sparktrain.worker.data.FashionMnist.SHAPE);
        long p = network.numParams();
        assertEquals(784 * 16 + 16 + 16 * 10 + 10, p);
        long workers = 2;
        long rounds = 4; // 640 images, 40 minibatches of 16, 2 workers x 5 per round
        long framing = 16 * 1024; // per task result or broadcast: Spark's task metrics, DL4J's score and configuration
        try (TrainingSession session = TrainingSession.open(job, sc);
             TrainingStrategy spark = session.strategy(network, 0)) {
            EpochLoop.Result result = new EpochLoop(session).run(spark);
            ParameterAveraging averaging = (ParameterAveraging) spark;
            assertEquals(rounds, averaging.rounds(5));
            SparkTraffic.Traffic last = averaging.lastEpochSparkTraffic();
            System.out.printf("measured epoch traffic with Adam state: %s; P = %d; history %s%n", last, p,
                    result.history().stream().map(EpochStats::updateBytes).toList());
            long values = 3 * 4 * p; // parameters and Adam's two moments, as floats
            assertTrue(last.results() >= rounds * workers * values
                            && last.results() <= rounds * workers * (values + framing),
                    "task results " + last.results() + " outside [" + rounds * workers * values + ", "
                            + rounds * workers * (values + framing) + "]");
            // lz4 shrinks the pieces a little (zero biases; Adam's state while it is still zero), here never below half
            assertTrue(last.broadcasts() >= rounds * values / 2 && last.broadcasts() <= rounds * (values + framing),
                    "broadcasts " + last.broadcasts());
            assertEquals(0, last.shuffle(), "two partitions aggregate without a shuffle (the data's own shuffle is not averaging)");
            for (EpochStats epoch : result.history()) {
                long bytes = epoch.updateBytes();
                assertTrue(bytes > ParameterAveraging.model(rounds, 2, 4 * p)
                                && bytes < ParameterAveraging.model(rounds, 2, values) + 3 * rounds * workers * framing,
                        "epoch " + epoch.epoch() + ": " + bytes + " bytes outside (" + ParameterAveraging.model(rounds, 2, 4 * p)
                                + ", " + (ParameterAveraging.model(rounds, 2, values) + 3 * rounds * workers * framing) + ")");
                assertEquals(bytes, epoch.denseUpdateBytes());
            }
        }
        // without averaged updaters only the parameters travel: the task results shrink to a third
        JobConfig parametersOnly = job(java.util.stream.Stream.concat(java.util.Arrays.stream(sets),
                java.util.stream.Stream.of("training.average-updaters=false")).toArray(String[]::new));
        try (TrainingSession session = TrainingSession.open(parametersOnly, sc);
             TrainingStrategy spark = session.strategy(NetworkFactory.build(parametersOnly.model(),
                     parametersOnly.training(), parametersOnly.seed(), sparktrain.worker.data.FashionMnist.SHAPE), 0)) {
            spark.fitEpoch(1);
            SparkTraffic.Traffic traffic = ((ParameterAveraging) spark).lastEpochSparkTraffic();
            System.out.printf("measured epoch traffic without updater state: %s%n", traffic);
            assertTrue(traffic.results() >= rounds * workers * 4 * p
                    && traffic.results() <= rounds * workers * (4 * p + framing), "task results " + traffic.results());
        }
    }

    /**
     * With 6 workers DL4J's tree aggregation sums the workers' results in an extra shuffle before they reach the
     * driver: the measured bytes count what that shuffle read, so the six workers' parameters and Adam state are
     * all there, in the shuffle and in the two partial sums sent to the driver.
     */
    @Test
    void sixWorkersAggregateThroughAShuffleThatIsCounted() {
        JobConfig job = job("model.type=mlp", "model.hidden-layers=[16]", "training.updater=adam",
                "training.batch-size=16", "training.averaging-frequency=5", "training.workers=6",
                "training.threads-per-worker=1", "data.train-limit=480", "data.validation-fraction=0", "data.test-limit=1");
        Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), sparktrain.worker.data.FashionMnist.SHAPE);
        long values = 3 * 4 * network.numParams();
        try (TrainingSession session = TrainingSession.open(job, sc);
             TrainingStrategy spark = session.strategy(network, 0)) {
            spark.fitEpoch(1);
            assertEquals(1, ((ParameterAveraging) spark).rounds(5), "30 minibatches, 6 workers x 5 per round");
            SparkTraffic.Traffic traffic = ((ParameterAveraging) spark).lastEpochSparkTraffic();
            System.out.printf("measured epoch traffic, 6 workers: %s; 12 x P = %d%n", traffic, values);
            // shuffle blocks are lz4-compressed: never below half of the raw floats
            assertTrue(traffic.shuffle() >= 6 * values / 2 && traffic.shuffle() <= 6 * (values + 16 * 1024),
                    "shuffle " + traffic.shuffle() + " should hold 6 workers' " + values + " bytes each");
            assertTrue(traffic.results() >= 2 * values && traffic.results() <= 2 * values + 12 * 16 * 1024,
                    "results " + traffic.results() + " should be 2 partial sums of " + values + " bytes");
        }
    }
}
