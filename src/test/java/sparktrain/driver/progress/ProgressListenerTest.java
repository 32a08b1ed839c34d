package sparktrain.driver.progress;

import org.deeplearning4j.nn.api.Model;
import org.junit.jupiter.api.Test;
import sparktrain.driver.training.TrainingSession;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;
import sparktrain.worker.model.NetworkFactory;
import sparktrain.worker.data.FashionMnist;
import sparktrain.worker.training.TrainingStrategy;
import sparktrain.testing.SparkTestBase;
import sparktrain.testing.TestData;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The progress listener on real parameter-averaging epochs: one update per averaging round, per epoch and trial. */
class ProgressListenerTest extends SparkTestBase {

    /** What the listener told its view, as lines. */
    static final class Recording implements ProgressView {
        final List<String> events = new ArrayList<>();
        final List<Double> losses = new ArrayList<>();

        @Override
        public synchronized void epochStarted(String trial, int epoch, long totalBatches) {
            events.add("start " + trial + " " + epoch + " " + totalBatches);
        }

        @Override
        public synchronized void update(long batchesDone, double samplesPerSecond, double loss) {
            events.add("update " + batchesDone + (samplesPerSecond > 0 ? "" : " no-rate"));
            losses.add(loss);
        }

        @Override
        public synchronized void epochEnded() {
            events.add("end");
        }

        @Override
        public synchronized void epochSummary(String line) {
            events.add("summary " + line);
        }

        @Override
        public void close() {
        }
    }

    @Test
    void oneUpdatePerAveragingRoundAndOnlyForItsOwnTrial() throws Exception {
        JobConfig job = TestData.job("model.type=mlp", "model.hidden-layers=[32]",
                "training.batch-size=16", "training.averaging-frequency=5", "data.train-limit=700",
                "data.validation-fraction=0", "data.test-limit=1", "seed=3");
        Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), FashionMnist.SHAPE);

        Recording plain = new Recording();
        Recording trial = new Recording();
        try (TrainingSession session = TrainingSession.open(job, sc)) {
            assertEquals(40, session.firstMinibatches(40).size());
            TrainingStrategy spark = session.strategy(network, 0, 40, 2);
            // 2 workers x frequency 5 = 10 minibatches per averaging round: 4 rounds per epoch
            ProgressListener forPlain = new ProgressListener(plain, "", () -> 40, spark::batchesPerRound, 16, spark::lastScore);
            ProgressListener forTrial = new ProgressListener(trial, "t007", () -> 40, spark::batchesPerRound, 16, spark::lastScore);
            sc.sc().addSparkListener(forPlain);
            sc.sc().addSparkListener(forTrial);
            try {
                spark.fitEpoch(1);
                spark.fitEpoch(2);
                sc.setLocalProperty(JobNames.TRIAL_PROPERTY, "t007");
                spark.fitEpoch(3);
            } finally {
                sc.setLocalProperty(JobNames.TRIAL_PROPERTY, null);
                sc.sc().listenerBus().waitUntilEmpty();
                sc.sc().removeSparkListener(forPlain);
                sc.sc().removeSparkListener(forTrial);
            }
        }
        List<String> epoch = List.of("update 10", "update 20", "update 30", "update 40", "end");
        List<String> expected = new ArrayList<>();
        expected.add("start  1 40");
        expected.addAll(epoch);
        expected.add("start  2 40");
        expected.addAll(epoch);
        assertEquals(expected, plain.events);
        List<String> expectedTrial = new ArrayList<>(List.of("start t007 3 40"));
        expectedTrial.addAll(epoch);
        assertEquals(expectedTrial, trial.events);
        // the listener hears of a round's end before DL4J stores its score: each update shows the round before
        assertTrue(plain.losses.stream().filter(l -> Double.isFinite(l) && l > 0).count() >= 6,
                "rounds 2 to 4 of each epoch show a loss: " + plain.losses);
    }

    /**
     * With training.averaging-frequency = auto the frequency changes after the first epoch: each epoch's updates
     * advance by that epoch's round (workers x its frequency) and end exactly at the epoch's minibatches.
     */
    @Test
    void roundsFollowTheAutoFrequencyOfTheRunningEpoch() throws Exception {
        JobConfig job = TestData.job("model.type=mlp", "model.hidden-layers=[32]",
                "training.batch-size=16", "training.averaging-frequency=auto", "training.auto-frequency.first=2",
                "training.auto-frequency.max=8", "training.workers=2", "training.epochs=2", "data.train-limit=1280",
                "data.validation-fraction=0", "data.test-limit=1", "seed=3");
        Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), FashionMnist.SHAPE);
        Recording view = new Recording();
        List<Integer> frequencies = new ArrayList<>();
        List<Long> epochBatches = new ArrayList<>();
        try (TrainingSession session = TrainingSession.open(job, sc);
             TrainingStrategy spark = session.strategy(network, 0)) {
            ProgressListener listener = new ProgressListener(view, "", session::epochMinibatches, spark::batchesPerRound,
                    16, spark::lastScore);
            sc.sc().addSparkListener(listener);
            try {
                for (int epoch = 1; epoch <= 2; epoch++) {
                    spark.fitEpoch(epoch);
                    frequencies.add(spark.lastEpochAveragingFrequency());
                    epochBatches.add(session.epochMinibatches());
                    sc.sc().listenerBus().waitUntilEmpty();
                }
            } finally {
                sc.sc().removeSparkListener(listener);
            }
        }
        assertEquals(2, frequencies.get(0));
        assertTrue(frequencies.get(1) != 2, "auto should move a tiny MLP's frequency after epoch 1: " + frequencies);
        List<String> expected = new ArrayList<>();
        for (int epoch = 1; epoch <= 2; epoch++) {
            long total = epochBatches.get(epoch - 1);
            assertTrue(total >= 80 && total <= 81, "1,280 rows in minibatches of 16 over 2 partitions: " + total);
            // DL4J deals the epoch's minibatches into total / (2 workers x frequency) rounds, the rest spread over them
            long rounds = total / (2L * frequencies.get(epoch - 1));
            expected.add("start  " + epoch + " " + total);
            for (long r = 1; r <= rounds; r++) {
                expected.add("update " + Math.round((double) r * total / rounds));
            }
            expected.add("end");
        }
        assertEquals(expected, view.events);
    }

    @Test
    void jobDescriptionsNameTheTrialAndEpoch() {
        assertEquals("sparktrain: epoch 3", JobNames.epoch("", 3));
        assertEquals("sparktrain: trial t003, epoch 2", JobNames.epoch("t003", 2));
        Properties p = new Properties();
        p.setProperty(JobNames.DESCRIPTION_PROPERTY, JobNames.epoch("t003", 2));
        assertEquals(new JobNames.Epoch("t003", 2), JobNames.of(p));
        p.setProperty(JobNames.DESCRIPTION_PROPERTY, "count at Something.java:12");
        assertNull(JobNames.of(p));
    }
}
