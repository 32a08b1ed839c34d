package sparktrain.worker.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/** Training, validation and test items, split at random (seeded) by the given fractions. */
public record SequenceSplit<T>(List<T> train, List<T> validation, List<T> test) {

    public static <T> SequenceSplit<T> of(List<T> items, double validationFraction, double testFraction, long seed) {
        List<T> shuffled = new ArrayList<>(items);
        Collections.shuffle(shuffled, new Random(seed));
        int test = (int) Math.round(shuffled.size() * testFraction);
        int validation = (int) Math.round(shuffled.size() * validationFraction);
        return new SequenceSplit<>(List.copyOf(shuffled.subList(test + validation, shuffled.size())),
                List.copyOf(shuffled.subList(test, test + validation)), List.copyOf(shuffled.subList(0, test)));
    }

    /** Only the first {@code trainLimit} training and {@code testLimit} test items (0 = all). */
    public SequenceSplit<T> limit(int trainLimit, int testLimit) {
        return new SequenceSplit<>(first(train, trainLimit), validation, first(test, testLimit));
    }

    private static <T> List<T> first(List<T> items, int limit) {
        return limit > 0 && limit < items.size() ? items.subList(0, limit) : items;
    }
}
