package sparktrain.driver.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one place the benchmark parts time their configurations: warm-up, alternating rounds, median and range. */
class FairTimingTest {

    @Test
    void warmsUpEachThenAlternatesTheOrderRoundByRound() {
        List<String> calls = new ArrayList<>();
        Map<String, Iterator<Double>> figures = Map.of(
                "A", List.of(10.0, 12.0, 11.0, 30.0).iterator(),
                "B", List.of(20.0, 21.0, 19.0, 22.0).iterator(),
                "C", List.of(5.0, 6.0, 7.0, 8.0).iterator());
        List<Spread> spreads = FairTiming.compare(List.of("A", "B", "C"), 4, c -> calls.add("warm " + c), c -> {
            calls.add(c);
            return figures.get(c).next();
        });
        assertEquals(List.of("warm A", "warm B", "warm C", "A", "B", "C", "C", "B", "A", "A", "B", "C", "C", "B", "A"), calls);
        assertEquals(List.of(10.0, 12.0, 11.0, 30.0), spreads.get(0).values(), "each configuration's figures in round order");
        assertEquals(11.5, spreads.get(0).median(), 1e-12, "even count: the mean of the middle two");
        assertEquals(10.0, spreads.get(0).min());
        assertEquals(30.0, spreads.get(0).max());
        assertEquals(20.5, spreads.get(1).median(), 1e-12);
        assertEquals(6.5, spreads.get(2).median(), 1e-12);
    }

    @Test
    void theDefaultWarmUpIsOneUntimedRunOfEach() {
        List<String> calls = new ArrayList<>();
        double[] next = {0};
        List<Spread> spreads = FairTiming.compare(List.of("A", "B"), 3, c -> {
            calls.add(c);
            return next[0]++;
        });
        assertEquals(List.of("A", "B", "A", "B", "B", "A", "A", "B"), calls);
        // the warm-ups returned 0 and 1; they are not among the figures
        assertEquals(List.of(2.0, 5.0, 6.0), spreads.get(0).values());
        assertEquals(List.of(3.0, 4.0, 7.0), spreads.get(1).values());
        assertEquals(5.0, spreads.get(0).median());
    }

    @Test
    void runsThatWarmUpThemselvesGetNoWarmUpRun() {
        List<String> calls = new ArrayList<>();
        double[] next = {0};
        List<Spread> spreads = FairTiming.rounds(List.of("A", "B"), 3, c -> {
            calls.add(c);
            return next[0]++;
        });
        assertEquals(List.of("A", "B", "B", "A", "A", "B"), calls);
        assertEquals(List.of(0.0, 3.0, 4.0), spreads.get(0).values());
        assertEquals(List.of(1.0, 2.0, 5.0), spreads.get(1).values());
        assertThrows(IllegalArgumentException.class, () -> FairTiming.rounds(List.of("A"), 2, c -> 1.0));
    }

    @Test
    void fewerThanThreeRoundsIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FairTiming.compare(List.of("A"), 2, c -> 1.0));
        assertTrue(e.getMessage().contains("repeats = 2: must be >= 3"), e.getMessage());
    }

    @Test
    void aSpreadFormatsItsMedianAndRangeAndRatiosRoundByRound() {
        Spread seconds = Spread.of(12.5, 10.0, 20.0);
        assertEquals(12.5, seconds.median());
        Spread perSecond = seconds.map(s -> 10_000 / s);
        assertEquals("800 (500-1000)", perSecond.format("%.0f"));
        Spread ratio = perSecond.over(Spread.of(1000, 1000, 400));
        assertEquals(List.of(0.8, 1.0, 1.25), ratio.values());
        assertEquals("1.00 (0.80-1.25)", ratio.format("%.2f"));
        assertThrows(IllegalArgumentException.class, () -> ratio.over(Spread.of(1)));
    }

    @Test
    void aRunThatDidNotGetThereCountsAsSlowerThanAny() {
        Spread reached = Spread.of(Double.NaN, 3, 4);
        assertEquals(4.0, reached.median());
        assertTrue(Double.isNaN(reached.max()));
        assertTrue(Double.isNaN(Spread.of(Double.NaN, Double.NaN, 4).median()));
    }
}
