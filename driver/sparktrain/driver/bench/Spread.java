package sparktrain.driver.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleUnaryOperator;

/**
 * A configuration's figures over the rounds of {@link FairTiming}, in round order: their median and range. A NaN
 * (a run that did not get there, e.g. never reached a target) sorts above every number.
 */
public record Spread(List<Double> values) {
    public Spread {
        if (values.isEmpty()) {
            throw new IllegalArgumentException("a spread of no figures");
        }
        values = List.copyOf(values);
    }

    public static Spread of(double... values) {
        List<Double> list = new ArrayList<>();
        for (double v : values) {
            list.add(v);
        }
        return new Spread(list);
    }

    /** The middle figure; for an even count the mean of the two middle ones. */
    public double median() {
        List<Double> sorted = sorted();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    public double min() {
        return sorted().get(0);
    }

    public double max() {
        return sorted().get(values.size() - 1);
    }

    /** Each figure transformed, e.g. seconds to samples/s. */
    public Spread map(DoubleUnaryOperator f) {
        return new Spread(values.stream().map(f::applyAsDouble).toList());
    }

    /** Round by round, this figure over {@code other}'s (both from the same rounds). */
    public Spread over(Spread other) {
        if (other.values.size() != values.size()) {
            throw new IllegalArgumentException(values.size() + " figures against " + other.values.size());
        }
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            ratios.add(values.get(i) / other.values.get(i));
        }
        return new Spread(ratios);
    }

    /** "median (min-max)", each figure in {@code format}, e.g. "812 (790-830)". */
    public String format(String format) {
        return Markdown.f(format, median()) + " (" + Markdown.f(format, min()) + "-" + Markdown.f(format, max()) + ")";
    }

    private List<Double> sorted() {
        return values.stream().sorted(Double::compare).toList();
    }
}
