package sparktrain.driver.sweep;

import org.junit.jupiter.api.Test;
import sparktrain.driver.sweep.Asha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ASHA's rungs and its stop-or-continue decisions. */
class AshaTest {
    @Test
    void rungsGrowByTheReductionFactorBelowTheLastEpoch() {
        Asha asha = new Asha(1, 3, true);
        assertEquals(1, asha.nextStop(0, 10));
        assertEquals(3, asha.nextStop(1, 10));
        assertEquals(9, asha.nextStop(3, 10));
        assertEquals(10, asha.nextStop(9, 10));
        assertTrue(asha.isRung(3, 10));
        assertFalse(asha.isRung(2, 10));
        assertFalse(asha.isRung(10, 10), "the last epoch is the end, not a rung");
        Asha late = new Asha(2, 2, true);
        assertEquals(2, late.nextStop(0, 8));
        assertEquals(4, late.nextStop(2, 8));
        assertEquals(8, late.nextStop(4, 8));
    }

    @Test
    void keepsTheBestThirdOfWhatTheRungHasSeen() {
        Asha asha = new Asha(1, 3, true);
        assertTrue(asha.promote(1, 0.70), "the first trial at a rung always goes on");
        assertFalse(asha.promote(1, 0.60), "2 seen, keep 1: 0.60 is not the best");
        assertTrue(asha.promote(1, 0.80), "3 seen, keep 1: 0.80 is the best");
        assertFalse(asha.promote(1, 0.75), "4 seen, keep 1");
        assertFalse(asha.promote(1, 0.72), "5 seen, keep 1");
        assertTrue(asha.promote(1, 0.79), "6 seen, keep 2: 0.79 is second");
        assertFalse(asha.promote(1, Double.NaN), "no metric never goes on");
    }

    @Test
    void lowerIsBetterForLosses() {
        Asha asha = new Asha(1, 2, false);
        assertTrue(asha.promote(1, 2.0));
        assertTrue(asha.promote(1, 1.5), "2 seen, keep 1: 1.5 is the lowest");
        assertFalse(asha.promote(1, 2.5));
        assertTrue(asha.promote(2, 9.0), "rungs are separate");
    }
}
