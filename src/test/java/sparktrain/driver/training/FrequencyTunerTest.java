package sparktrain.driver.training;

import org.junit.jupiter.api.Test;
import sparktrain.worker.config.AutoFrequencyConfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FrequencyTunerTest {
    private final FrequencyTuner tuner = new FrequencyTuner(new AutoFrequencyConfig(true, 0.1, 10, 1, 50));

    /** Two workers fitting 100 minibatches each at 50 ms, in 20 rounds, in an epoch of 12 s: 7 s of overhead. */
    @Test
    void raisesTheFrequencyWhenCommunicationTakesMoreThanTheTarget() {
        FrequencyTuner.Measured m = new FrequencyTuner.Measured(12.0, 0.05, 200, 0.0, 20, 2);
        assertEquals(0.35, m.overheadPerRound(), 1e-12);
        assertEquals(7.0 / 12, m.communicationShare(), 1e-12);
        // o (1 - s) / (s t) = 0.35 * 0.9 / (0.1 * 0.05) = 63, bounded to 50
        FrequencyTuner.Decision d = tuner.next(5, m);
        assertEquals(50, d.frequency());
        assertTrue(d.reason().contains("58%") && d.reason().contains("bounded to [1, 50]"), d.reason());
    }

    @Test
    void lowersTheFrequencyWhenCommunicationIsCheap() {
        // 0.5 s of overhead over 10 rounds: 50 ms a round; 100 ms a minibatch: f = 0.05 * 0.9 / 0.01 = 4.5 -> 5
        FrequencyTuner.Measured m = new FrequencyTuner.Measured(10.5, 0.1, 200, 0.0, 10, 2);
        assertEquals(5, tuner.next(10, m).frequency());
    }

    @Test
    void perEpochDriverWorkIsNotChargedToTheRounds() {
        FrequencyTuner.Measured withSplit = new FrequencyTuner.Measured(12.5, 0.1, 200, 2.0, 10, 2);
        assertEquals(5, tuner.next(10, withSplit).frequency());
    }

    @Test
    void neverLeavesTheBounds() {
        FrequencyTuner.Measured free = new FrequencyTuner.Measured(10.0, 0.1, 200, 0.0, 10, 2);
        assertEquals(1, tuner.next(10, free).frequency());
        FrequencyTuner.Measured belowResolution = new FrequencyTuner.Measured(10.0, 0.0, 200, 0.0, 10, 2);
        assertEquals(50, tuner.next(10, belowResolution).frequency());
        FrequencyTuner.Measured nothing = new FrequencyTuner.Measured(10.0, 0.0, 0, 0.0, 0, 2);
        assertEquals(7, tuner.next(7, nothing).frequency());
    }
}
