package sparktrain.driver.bench;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;

/**
 * How every benchmark part compares configurations: each one runs once untimed first (its warm-up: the JIT,
 * oneDNN's primitives, the page cache), in the order given; then all of them run in rounds, forward and backward
 * in turn (A B C, C B A, A B C, ...), so that none always runs first, last or after the same neighbour while the
 * machine's load drifts; at least {@link #MIN_REPEATS} rounds. Each configuration's figure is the median of its
 * rounds with the min-max ({@link Spread}).
 */
public final class FairTiming {
    private static final Logger log = LoggerFactory.getLogger(FairTiming.class);
    public static final int MIN_REPEATS = 3;

    private FairTiming() {
    }

    /** The configurations' indexes in the order round {@code round} (from 0) runs them. */
    static List<Integer> order(int configurations, int round) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < configurations; i++) {
            order.add(i);
        }
        if (round % 2 == 1) {
            Collections.reverse(order);
        }
        return order;
    }

    /** {@link #compare(List, int, Consumer, ToDoubleFunction)} with one untimed run of {@code measure} as the warm-up. */
    public static <C> List<Spread> compare(List<C> configurations, int repeats, ToDoubleFunction<? super C> measure) {
        return compare(configurations, repeats, c -> measure.applyAsDouble(c), measure);
    }

    /**
     * Warms up each configuration, then measures each {@code repeats} times in alternating order.
     *
     * @param measure one run of a configuration: its figure (seconds, samples/s; NaN when it did not get there)
     * @return each configuration's figures, in the order of {@code configurations}, each in the order of its rounds
     */
    public static <C> List<Spread> compare(List<C> configurations, int repeats, Consumer<? super C> warmUp,
                                           ToDoubleFunction<? super C> measure) {
        requireRepeats(repeats);
        for (C c : configurations) {
            log.info("warm-up: {}", c);
            warmUp.accept(c);
        }
        return rounds(configurations, repeats, measure);
    }

    /**
     * Measures each configuration {@code repeats} times in alternating order, with no warm-up of its own: for runs
     * that warm up themselves (each one a fresh application that trains a warm-up epoch first).
     */
    public static <C> List<Spread> rounds(List<C> configurations, int repeats, ToDoubleFunction<? super C> measure) {
        requireRepeats(repeats);
        List<List<Double>> figures = new ArrayList<>();
        configurations.forEach(c -> figures.add(new ArrayList<>()));
        for (int round = 0; round < repeats; round++) {
            for (int i : order(configurations.size(), round)) {
                double figure = measure.applyAsDouble(configurations.get(i));
                log.info(String.format(Locale.ROOT, "round %d of %d: %s: %.4g", round + 1, repeats, configurations.get(i),
                        figure));
                figures.get(i).add(figure);
            }
        }
        return figures.stream().map(Spread::new).toList();
    }

    private static void requireRepeats(int repeats) {
        if (repeats < MIN_REPEATS) {
            throw new IllegalArgumentException("repeats = " + repeats + ": must be >= " + MIN_REPEATS);
        }
    }
}
