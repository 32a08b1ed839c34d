package sparktrain.worker.sharing;

import sparktrain.worker.sharing.LearningRateScaledThreshold;

import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithmReducer;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.FixedThresholdAlgorithm;
import org.junit.jupiter.api.Test;
import sparktrain.worker.model.EpochSchedules;
import sparktrain.testing.Serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;

class LearningRateScaledThresholdTest {
    /** Cosine from 0.002 to 0 over 4 epochs: 0.002, 0.001707, 0.001, 0.000293. */
    private static final EpochSchedules.Cosine COSINE = new EpochSchedules.Cosine(0.002, 0.0, 4, 0);

    @Test
    void fixedThresholdFollowsTheSchedule() {
        LearningRateScaledThreshold t = new LearningRateScaledThreshold(new FixedThresholdAlgorithm(0.01), COSINE, 0.002);
        assertEquals(0.01, t.calculateThreshold(0, 0, null, null, null, null), 1e-12);
        assertEquals(0.005, t.calculateThreshold(100, 2, 0.01, false, 0.005, null), 1e-12);
        assertEquals(0.01 * (1 + Math.cos(Math.PI * 3 / 4)) / 2, t.calculateThreshold(150, 3, 0.005, false, 0.005, null), 1e-12);
    }

    @Test
    void adaptiveThresholdAdaptsAtTheInitialRateAndIsThenScaled() {
        double decay = AdaptiveThresholdAlgorithm.DEFAULT_DECAY_RATE;
        LearningRateScaledThreshold t = new LearningRateScaledThreshold(
                new AdaptiveThresholdAlgorithm(0.01, 1e-3, 1e-2, decay), COSINE, 0.002);
        assertEquals(0.01, t.calculateThreshold(0, 0, null, null, null, null), 1e-12);
        // half-way through the schedule, too many elements were sent: the unscaled threshold rises by 1/decay
        assertEquals(0.01 / decay * 0.5, t.calculateThreshold(1, 2, 0.01, false, 0.05, null), 1e-12);
        // within the sparsity band: kept, still scaled
        assertEquals(0.01 / decay * 0.5, t.calculateThreshold(2, 2, 0.005, false, 0.005, null), 1e-12);
    }

    @Test
    void reducedAndShippedItKeepsScaling() throws Exception {
        LearningRateScaledThreshold t = new LearningRateScaledThreshold(
                new AdaptiveThresholdAlgorithm(0.01, 1e-3, 1e-2, AdaptiveThresholdAlgorithm.DEFAULT_DECAY_RATE),
                COSINE, 0.002);
        t.calculateThreshold(0, 0, null, null, null, null);
        t.calculateThreshold(1, 0, 0.01, false, 0.5, null);
        ThresholdAlgorithmReducer reducer = t.newReducer();
        reducer.add(t);
        ThresholdAlgorithm next = Serialization.roundTrip(reducer.getFinalResult());
        double unscaled = 0.01 / AdaptiveThresholdAlgorithm.DEFAULT_DECAY_RATE;
        assertEquals(unscaled * 0.5, next.calculateThreshold(2, 2, null, false, 0.005, null), 1e-12);
    }
}
