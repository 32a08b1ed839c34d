package sparktrain.driver.sweep;

import com.typesafe.config.ConfigValue;
import sparktrain.driver.sweep.SweepConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The trials of a sweep: the cartesian product of the grid, times {@code random.trials} samples of the
 * random space when both are given. Keys are taken in name order, so a sweep file always yields the
 * same trials in the same order, and random samples depend only on {@code random.seed}.
 */
public final class SearchSpace {
    private SearchSpace() {
    }

    public static List<Trial> trials(SweepConfig sweep) {
        List<Map<String, ConfigValue>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (Map.Entry<String, List<ConfigValue>> axis : sweep.grid().entrySet()) {
            List<Map<String, ConfigValue>> next = new ArrayList<>();
            for (Map<String, ConfigValue> point : points) {
                for (ConfigValue value : axis.getValue()) {
                    Map<String, ConfigValue> extended = new LinkedHashMap<>(point);
                    extended.put(axis.getKey(), value);
                    next.add(extended);
                }
            }
            points = next;
        }
        if (sweep.randomTrials() > 0) {
            Random random = new Random(sweep.randomSeed());
            List<Map<String, ConfigValue>> sampled = new ArrayList<>();
            for (int i = 0; i < sweep.randomTrials(); i++) {
                Map<String, ConfigValue> sample = new LinkedHashMap<>();
                sweep.space().forEach((key, distribution) -> sample.put(key, distribution.sample(random)));
                for (Map<String, ConfigValue> point : points) {
                    Map<String, ConfigValue> both = new LinkedHashMap<>(point);
                    both.putAll(sample);
                    sampled.add(both);
                }
            }
            points = sampled;
        }
        List<Trial> trials = new ArrayList<>();
        int width = Math.max(3, String.valueOf(points.size()).length());
        for (int i = 0; i < points.size(); i++) {
            trials.add(new Trial(String.format("t%0" + width + "d", i + 1), points.get(i)));
        }
        return trials;
    }
}
