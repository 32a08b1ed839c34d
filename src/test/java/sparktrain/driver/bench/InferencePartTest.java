package sparktrain.driver.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The inference part's timing in FairTiming's rounds and its block, from given timings. */
class InferencePartTest {
    private static final Machine MACHINE = new Machine(2, 24L << 30, "cpu", "java", "2026-12-07 09:00 UTC", "abc",
            "Spark 3.5.7, DL4J 1.0.0-M2.1, ND4J 1.0.0-M2.1, Java 17.0.15", "dirty");

    @Test
    void timesEachConfigurationInFairTimingsRoundsAfterAWarmUp() {
        List<String> order = new ArrayList<>();
        List<InferencePart.Timing> timings = InferencePart.time(1_000, List.of(
                new InferencePart.Configuration("a", "set a", () -> order.add("a")),
                new InferencePart.Configuration("b", "set b", () -> {
                    order.add("b");
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        throw new IllegalStateException(e);
                    }
                })));
        assertEquals(List.of("a", "b", "a", "b", "b", "a", "a", "b"), order);
        assertEquals(List.of("a", "b"), timings.stream().map(InferencePart.Timing::name).toList());
        assertEquals("set b", timings.get(1).setup());
        assertEquals(3, timings.get(1).seconds().values().size());
        assertTrue(timings.get(1).seconds().min() >= 0.02, timings.get(1).seconds().toString());
        assertTrue(timings.get(1).rowsPerSecond().max() <= 1_000 / 0.02, timings.get(1).rowsPerSecond().toString());
    }

    @Test
    void theBlockGivesEachRatioAgainstItsGoal() {
        BenchContext ctx = new BenchContext(Path.of("conf"), false, Path.of("docs"), MACHINE, "scripts/bench inference");
        String block = InferencePart.render(ctx, "100,000 rows",
                List.of(new InferencePart.Timing("spark", "s", 100_000, Spread.of(10.0, 10.0, 12.0)),
                        new InferencePart.Timing("jvm", "j", 100_000, Spread.of(20.0, 19.0, 21.0)),
                        new InferencePart.Timing("pinned", "p", 100_000, Spread.of(12.5, 12.5, 12.5))),
                List.of(new InferencePart.Timing("mllib", "m", 100_000, Spread.of(4.0, 4.0, 4.0)),
                        new InferencePart.Timing("ours", "o", 100_000, Spread.of(5.0, 5.0, 5.0))));
        assertTrue(block.contains("(dirty tree)"), block);
        assertTrue(block.contains("| spark | s | 10000 | 8333-10000 | 10.0 s |"), block);
        assertTrue(block.contains("against the one-JVM loop: **2.00x** (goal: at least 1.5x): met."), block);
        assertTrue(block.contains("predict on a session, ND4J's threads not shared out: **1.60x** (goal: at least 1.5x): met."),
                block);
        assertTrue(block.contains("per row: **0.80x** (goal: at least 1.0x): not met."), block);
    }
}
