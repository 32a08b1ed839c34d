package sparktrain.driver.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The inference part's timing order, medians and block, from given timings. */
class InferencePartTest {
    private static final Machine MACHINE = new Machine(2, 24L << 30, "cpu", "java", "2026-12-07 09:00 UTC", "abc",
            "Spark 3.5.7, DL4J 1.0.0-M2.1, ND4J 1.0.0-M2.1, Java 17.0.15", "dirty");

    @Test
    void warmsEachRunUpThenAlternatesTheOrderEveryRound() {
        List<String> order = new ArrayList<>();
        List<List<Double>> seconds = InferencePart.alternate(List.of(() -> order.add("a"), () -> order.add("b")), 3);
        assertEquals(List.of("a", "b", "a", "b", "b", "a", "a", "b"), order);
        order.clear();
        InferencePart.alternate(List.of(() -> order.add("a"), () -> order.add("b"), () -> order.add("c")), 2);
        assertEquals(List.of("a", "b", "c", "a", "b", "c", "c", "b", "a"), order);
        assertEquals(3, seconds.get(0).size());
        assertEquals(3, seconds.get(1).size());
    }

    @Test
    void ratesRowsByTheMedianRunWithTheSlowestAndFastest() {
        InferencePart.Timing t = new InferencePart.Timing("x", "y", 100_000, List.of(20.0, 10.0, 25.0));
        assertEquals(20.0, t.medianSeconds());
        assertEquals(5000, t.rowsPerSecond(), 1e-9);
        assertEquals("4000-10000", t.range());
        assertEquals(15.0, new InferencePart.Timing("x", "y", 1, List.of(10.0, 20.0)).medianSeconds());
    }

    @Test
    void theBlockGivesEachRatioAgainstItsGoal() {
        BenchContext ctx = new BenchContext(Path.of("conf"), false, Path.of("docs"), MACHINE, "scripts/bench inference");
        String block = InferencePart.render(ctx, "100,000 rows",
                List.of(new InferencePart.Timing("spark", "s", 100_000, List.of(10.0, 10.0, 12.0)),
                        new InferencePart.Timing("jvm", "j", 100_000, List.of(20.0, 19.0, 21.0)),
                        new InferencePart.Timing("pinned", "p", 100_000, List.of(12.5, 12.5, 12.5))),
                List.of(new InferencePart.Timing("mllib", "m", 100_000, List.of(4.0, 4.0, 4.0)),
                        new InferencePart.Timing("ours", "o", 100_000, List.of(5.0, 5.0, 5.0))));
        assertTrue(block.contains("(dirty tree)"), block);
        assertTrue(block.contains("| spark | s | 10000 | 8333-10000 | 10.0 s |"), block);
        assertTrue(block.contains("against the one-JVM loop: **2.00x** (goal: at least 1.5x): met."), block);
        assertTrue(block.contains("predict on a session, ND4J's threads not shared out: **1.60x** (goal: at least 1.5x): met."),
                block);
        assertTrue(block.contains("per row: **0.80x** (goal: at least 1.0x): not met."), block);
    }
}
