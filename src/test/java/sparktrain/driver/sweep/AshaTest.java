package sparktrain.driver.sweep;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ASHA's rungs and its promotion rule (Li et al., Algorithm 2), on scripted sequences of results. */
class AshaTest {
    /**
     * Plays a table of {arrival, what the worker that frees up takes next}: an arrival is "trial rung metric", or
     * "-" for a worker that frees up without one (a trial that ended); the take is "trial@rung" for a promotion
     * (then recorded) or "new" for a new trial.
     */
    private static void play(Asha asha, String[][] table) {
        for (String[] row : table) {
            if (!row[0].equals("-")) {
                String[] a = row[0].split(" ");
                asha.arrive(a[0], Integer.parseInt(a[1]), Double.parseDouble(a[2]));
            }
            Optional<Asha.Event> next = asha.next(trial -> true);
            assertEquals(row[1], next.map(e -> e.trial() + "@" + e.rung()).orElse("new"), "after " + row[0]);
            next.ifPresent(e -> asha.promote(e.trial(), e.rung()));
        }
    }

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
    void aRungPromotesItsTopFloorNOverEtaAndTheOthersWaitUntilTheRungGrows() {
        Asha asha = new Asha(1, 3, true); // rungs at epochs 1 and 3
        play(asha, new String[][] {
                {"t1 1 0.78", "new"},    // 1 at rung 1: the top 0 go on, so t1 waits (no first-comer rule)
                {"t2 1 0.60", "new"},    // 2: top 0
                {"t3 1 0.80", "t3@1"},   // 3: top 1 is t3
                {"t3 3 0.85", "new"},    // rung 3 has 1: top 0; rung 1's top 1 is t3, promoted already
                {"t4 1 0.70", "new"},    // rung 1 has 4: top 1
                {"t5 1 0.65", "new"},    // 5: top 1
                {"t6 1 0.62", "t1@1"},   // 6: top 2 = t3, t1: t1, waiting since the start, goes on now
                {"t1 3 0.83", "new"},    // rung 3 has 2: top 0; rung 1's top 2 are promoted
                {"t7 1 0.90", "t7@1"},   // rung 1 has 7: top 2 = t7, t3
                {"t7 3 0.84", "t3@3"},   // rung 3 has 3: top 1 = t3 (0.85)
                {"t8 1 0.79", "new"},    // rung 1 has 8: top 2 = t7, t3, both promoted; t8 is third and waits
                {"t9 1 0.50", "t8@1"},   // 9: top 3 = t7, t3, t8: t8 goes on as the rung grows
                {"-", "new"},            // another free worker: nothing promotable
        });
        assertEquals(9, asha.summary().get(1)[0]);
        assertEquals(4, asha.summary().get(1)[1], "t3, t1, t7, t8 went on from epoch 1");
        assertEquals(List.of(3, 1), List.of(asha.summary().get(3)[0], asha.summary().get(3)[1]));
        assertEquals("rank 5 of 9, the top 3 go on", asha.standing("t4", 1));
    }

    @Test
    void aFreeWorkerTakesTheHighestRungsBestPromotableTrialFirst() {
        Asha asha = new Asha(1, 2, true); // rungs at 1, 2, 4
        for (String[] a : new String[][] {{"t1", "0.5"}, {"t2", "0.6"}, {"t3", "0.9"}, {"t4", "0.8"}}) {
            asha.arrive(a[0], 1, Double.parseDouble(a[1]));
        }
        asha.promote("t3", 1);
        asha.promote("t4", 1);
        asha.arrive("t3", 2, 0.70);
        asha.arrive("t5", 1, 0.95);   // rung 1 has 5: top 2 = t5, t3: t5 is promotable
        asha.arrive("t4", 2, 0.75);   // rung 2 has 2: top 1 = t4 is promotable
        // two workers free (the search has no new trials): rung 2 first, although t5's metric is higher
        play(asha, new String[][] {{"-", "t4@2"}, {"-", "t5@1"}, {"-", "new"}});
    }

    @Test
    void lowerIsBetterForLossesAndNoMetricNeverGoesOn() {
        Asha asha = new Asha(1, 2, false);
        play(asha, new String[][] {
                {"t1 1 NaN", "new"},
                {"t2 1 NaN", "new"},     // top 1 of 2 is a NaN: nothing goes on
                {"t3 1 2.0", "t3@1"},    // top 1 of 3 is the lowest loss, 2.0
                {"t4 1 1.5", "t4@1"},    // top 2 of 4: t4, t3
                {"t5 1 2.5", "new"},
        });
    }

    @Test
    void tiesGoToTheEarlierArrival() {
        Asha asha = new Asha(1, 2, true);
        play(asha, new String[][] {{"t2 1 0.7", "new"}, {"t1 1 0.7", "t2@1"}, {"t3 1 0.1", "new"}, {"t4 1 0.1", "t1@1"}});
    }

    @Test
    void replayingTheEventsRebuildsTheRungsWithTheirPromotions() {
        Asha live = new Asha(1, 3, true);
        play(live, new String[][] {
                {"t1 1 0.60", "new"}, {"t2 1 0.50", "new"}, {"t3 1 0.55", "t1@1"},
                // t1 went on as the best of 3; later arrivals push it out of the top 2 of 6
                {"t4 1 0.90", "t4@1"}, {"t5 1 0.80", "new"}, {"t6 1 0.70", "t5@1"},
        });
        Asha replayed = new Asha(1, 3, true);
        live.events().forEach(replayed::apply);
        assertEquals(live.events(), replayed.events());
        assertTrue(replayed.promoted("t1", 1), "an earlier promotion stands although t1 is no longer in the top 2");
        assertEquals(Optional.empty(), replayed.next(t -> true), "nothing is promotable, as in the live run");
        // the arrivals alone, decided afresh, would promote only t4 and t5: t1's promotion would be reversed
        Asha afresh = new Asha(1, 3, true);
        live.events().stream().filter(e -> e.kind().equals(Asha.ARRIVED)).forEach(afresh::apply);
        play(afresh, new String[][] {{"-", "t4@1"}, {"-", "t5@1"}, {"-", "new"}});
        assertFalse(afresh.promoted("t1", 1));
    }

    @Test
    void contradictoryEventsAreRefused() {
        Asha asha = new Asha(1, 3, true);
        assertThrows(IllegalArgumentException.class, () -> asha.promote("t1", 1), "promoted without reaching the rung");
        asha.arrive("t1", 1, 0.5);
        assertThrows(IllegalArgumentException.class, () -> asha.arrive("t1", 1, 0.6), "reached twice");
        asha.promote("t1", 1);
        assertThrows(IllegalArgumentException.class, () -> asha.promote("t1", 1), "promoted twice");
        assertThrows(IllegalArgumentException.class, () -> asha.apply(new Asha.Event("stopped", "t1", 1, 0.5)));
        assertEquals(2, asha.events().size());
    }

    @Test
    void trialsThatNoLongerWaitAreNotOffered() {
        Asha asha = new Asha(1, 2, true);
        asha.arrive("t1", 1, 0.9);
        asha.arrive("t2", 1, 0.8);
        assertEquals(Optional.empty(), asha.next(t -> !t.equals("t1")), "t1 finished or runs: not offered");
    }
}
