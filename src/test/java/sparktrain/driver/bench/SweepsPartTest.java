package sparktrain.driver.bench;

import org.junit.jupiter.api.Test;
import sparktrain.driver.sweep.SweepJob;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sweeps part's block from given rounds: medians with ranges, and the rounds' best trials. */
class SweepsPartTest {
    private static final Machine MACHINE = new Machine(2, 24L << 30, "cpu", "java", "2026-12-07 14:00 UTC", "abc",
            "Spark 3.5.7, DL4J 1.0.0-M2.1, ND4J 1.0.0-M2.1, Java 17.0.15", "clean");

    private static SweepJob.Outcome outcome(String best, double accuracy) {
        return new SweepJob.Outcome("d", 8, Map.of("completed", 8), best, "lr=0.001", "accuracy", accuracy, Map.of(), 8, 8);
    }

    @Test
    void theBlockGivesMediansWithRangesAndTheRatioRoundByRound() {
        BenchContext ctx = new BenchContext(Path.of("conf"), false, Path.of("docs"), MACHINE, "scripts/bench sweeps");
        SweepJob.Outcome a = outcome("t001", 0.8475);
        String block = SweepsPart.render(ctx, 4_000, 500, 1, List.of(
                new SweepsPart.Timing("trial-parallel", Spread.of(150, 140, 160), List.of(a, a, a)),
                new SweepsPart.Timing("distributed", Spread.of(100, 140, 128), List.of(a, outcome("t005", 0.8125), a))));
        assertTrue(block.contains("| trial-parallel | 8 | 150 (140-160) s | 18.8 (17.5-20.0) s | t001 (lr=0.001): 0.8475 (3 of 3 rounds) |"),
                block);
        assertTrue(block.contains("| distributed | 8 | 128 (100-140) s |"), block);
        assertTrue(block.contains("t001 (lr=0.001): 0.8475 (2 of 3 rounds); t005 (lr=0.001): 0.8125 (1 of 3 rounds) |"),
                block);
        assertTrue(block.contains("sweeps 500 images untimed (its warm-up), then both run 3 times"), block);
        // round by round 1.50, 1.00, 1.25
        assertTrue(block.contains("Trial-parallel took **1.25x** the time of distributed (round by round 1.25 (1.00-1.50);"),
                block);
    }

    @Test
    void eachBestTrialIsNamedOnceWithItsRange() {
        SweepJob.Outcome a = outcome("t001", 0.8475);
        assertEquals("t001 (lr=0.001): 0.8475 (3 of 3 rounds)", SweepsPart.best(List.of(a, a, a)));
        assertEquals("t002 (lr=0.001): 0.8131-0.8155 (2 of 3 rounds); t005 (lr=0.001): 0.8058 (1 of 3 rounds)",
                SweepsPart.best(List.of(outcome("t002", 0.8131), outcome("t005", 0.8058), outcome("t002", 0.8155))));
    }
}
