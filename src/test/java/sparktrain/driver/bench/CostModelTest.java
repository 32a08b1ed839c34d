package sparktrain.driver.bench;

import org.junit.jupiter.api.Test;
import sparktrain.driver.bench.CostModel.Calibration;
import sparktrain.driver.bench.CostModel.Mode;
import sparktrain.driver.bench.CostModel.Workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The cost model's arithmetic, against numbers worked out by hand. */
class CostModelTest {
    private static final Workload W = new Workload("m", 1000, 0, 1000, 32, 10);

    @Test
    void stepsAndRoundsRoundUp() {
        assertEquals(32, CostModel.steps(W, 1));   // ceil(1000 / 32)
        assertEquals(4, CostModel.rounds(W, 1));   // ceil(32 / 10)
        assertEquals(16, CostModel.steps(W, 2));   // ceil(1000 / 64)
        assertEquals(2, CostModel.rounds(W, 2));
        assertEquals(1, CostModel.steps(W, 64));
        assertThrows(IllegalArgumentException.class, () -> CostModel.steps(W, 0));
        assertThrows(IllegalArgumentException.class, () -> new Workload("m", 0, 0, 1000, 32, 10));
    }

    @Test
    void averagingAddsComputeRoundCostsAndTheParametersBothWays() {
        Calibration c = new Calibration(0.001, 0.1, 0.05, 0, 1);
        // compute 16 x 32 x 0.001 = 0.512; per round 0.1 + 2 x 0.05 + 2 x 2 x 4000 B / 1e6 B/s = 0.216; 2 rounds
        assertEquals(0.512 + 2 * 0.216, CostModel.averagingSeconds(W, c, 2, 1e6), 1e-9);
        // in-process: no network term
        assertEquals(0.512 + 2 * 0.2, CostModel.averagingSeconds(W, c, 2, CostModel.IN_PROCESS), 1e-9);
        assertEquals(CostModel.averagingSeconds(W, c, 2, 1e6), CostModel.seconds(Mode.AVERAGING, W, c, 2, 1e6), 0);
    }

    @Test
    void averagingShipsTheUpdaterStateWithTheParameters() {
        Calibration c = new Calibration(0.001, 0.1, 0.05, 0, 1);
        Workload adam = new Workload("m", 1000, 2000, 1000, 32, 10);
        assertEquals(12_000, adam.averagedBytes(), 0); // 4 x (1000 + 2000)
        // per round 0.1 + 2 x 0.05 + 2 x 2 x 12,000 B / 1e6 B/s = 0.248; 2 rounds
        assertEquals(0.512 + 2 * 0.248, CostModel.averagingSeconds(adam, c, 2, 1e6), 1e-9);
        assertEquals(0.512 + 2 * 0.2, CostModel.averagingSeconds(adam, c, 2, CostModel.IN_PROCESS), 1e-9,
                "in-process, the state costs nothing either");
        Calibration sharing = new Calibration(0.001, 0, 0, 0.002, 0.01);
        assertEquals(CostModel.sharingSeconds(W, sharing, 3, 100), CostModel.sharingSeconds(adam, sharing, 3, 100), 0,
                "sharing sends updates, never the updater state");
        assertEquals(2000, adam.withSamples(54_000).updaterState());
        assertThrows(IllegalArgumentException.class, () -> new Workload("m", 1000, -1, 1000, 32, 10));
    }

    @Test
    void sharingTakesTheLongerOfComputingAndReceiving() {
        Calibration c = new Calibration(0.001, 0, 0, 0.002, 0.01);
        // 3 executors: ceil(1000 / 96) = 11 steps of max(32 x 0.001 + 0.002, 2 x 0.01 x 4000 / B)
        assertEquals(11 * 0.034, CostModel.sharingSeconds(W, c, 3, 1e6), 1e-9);
        assertEquals(11 * 0.8, CostModel.sharingSeconds(W, c, 3, 100), 1e-9);
        assertEquals(32 * 0.034, CostModel.sharingSeconds(W, c, 1, 100), 1e-9, "one executor receives nothing");
    }

    @Test
    void efficiencyIsOneWhenNothingButComputeCosts() {
        Workload even = new Workload("m", 1000, 0, 6400, 32, 10);
        Calibration computeOnly = new Calibration(0.001, 0, 0, 0, 0.01);
        assertEquals(1.0, CostModel.efficiency(Mode.AVERAGING, even, computeOnly, 2, CostModel.IN_PROCESS), 1e-12);
        assertEquals(1.0, CostModel.efficiency(Mode.SHARING, even, computeOnly, 4, CostModel.IN_PROCESS), 1e-12);
        Calibration withRounds = new Calibration(0.001, 0.5, 0.1, 0, 1);
        double e2 = CostModel.efficiency(Mode.AVERAGING, even, withRounds, 2, CostModel.TEN_GBIT);
        double e64 = CostModel.efficiency(Mode.AVERAGING, even, withRounds, 64, CostModel.TEN_GBIT);
        assertTrue(e2 < 1 && e64 < e2, "round costs make efficiency fall with executors: " + e2 + ", " + e64);
    }

    @Test
    void calibrationReproducesTheEpochItCameFrom() {
        Workload measured = new Workload("m", 431_080, 0, 3200, 32, 10); // 100 steps, 10 rounds on one executor
        Calibration a = CostModel.averaging(measured, 20.0, 12.0, 3.0);
        assertEquals(12.0 / 3200, a.computeSecondsPerSample(), 1e-12);
        assertEquals(0.3, a.aggregateSecondsPerExecutor(), 1e-12);
        assertEquals(0.5, a.roundSeconds(), 1e-12);  // (20 - 12 - 3) / 10
        assertEquals(20.0, CostModel.averagingSeconds(measured, a, 1, CostModel.IN_PROCESS), 1e-9);

        Calibration s = CostModel.sharing(measured, 16.0, a.computeSecondsPerSample(), 0.005);
        assertEquals(0.04, s.stepOverheadSeconds(), 1e-12); // (16 - 12) / 100
        assertEquals(16.0, CostModel.sharingSeconds(measured, s, 1, CostModel.TEN_GBIT), 1e-9);
        assertEquals(0.005, s.encodedFraction(), 0);
        Calibration cheaper = CostModel.sharing(measured, 8.0, a.computeSecondsPerSample(), 0.005);
        assertEquals(-0.04, cheaper.stepOverheadSeconds(), 1e-12, "SGD's step cheaper than Adam's: (8 - 12) / 100");
        assertEquals(8.0, CostModel.sharingSeconds(measured, cheaper, 1, CostModel.TEN_GBIT), 1e-9);
    }
}
