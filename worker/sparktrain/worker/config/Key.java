package sparktrain.worker.config;

import java.util.List;
import java.util.function.Predicate;

/**
 * One key of a job file, declared once (in {@link JobKeys}): its path, its default, the rule its value
 * follows and the line docs/job-file.md's table shows. The rule is the reader: it reads the value from
 * {@link Settings} and reports what is wrong with it there, so that every problem of a file is reported
 * together. A reader may look at keys declared before its own ({@link Settings#get}), which is how a rule
 * between two keys is written: on the later of the two.
 *
 * <p>A key without a default is a derived value (the first averaging frequency, say): computed from other
 * keys for the config records, never written in a job file, absent from the defaults and the README.
 */
public record Key<T>(String path, Object defaultValue, String doc, Reader<T> reader) {

    /** Reads and checks a value, reporting problems to {@code s}; returns a stand-in value on a problem. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(Settings s, String path);
    }

    /** A rule on a value that already follows its key's own rule, e.g. one between two keys. */
    @FunctionalInterface
    public interface Check<T> {
        void check(Settings s, String path, T value);
    }

    public boolean derived() {
        return defaultValue == null;
    }

    public static Key<String> string(String path, String defaultValue, String doc) {
        return new Key<>(path, defaultValue, doc, Settings::string);
    }

    /** A lower-case word, one of {@code allowed}. */
    public static Key<String> choice(String path, String defaultValue, List<String> allowed, String doc) {
        return new Key<>(path, defaultValue, doc, (s, p) -> s.choice(p, allowed));
    }

    public static Key<Boolean> bool(String path, boolean defaultValue, String doc) {
        return new Key<>(path, defaultValue, doc, Settings::bool);
    }

    public static Key<Long> longValue(String path, long defaultValue, String doc) {
        return new Key<>(path, defaultValue, doc, Settings::longValue);
    }

    public static Key<Integer> intAtLeast(String path, int defaultValue, int min, String doc) {
        return new Key<>(path, defaultValue, doc, (s, p) -> s.intAtLeast(p, min));
    }

    public static Key<Integer> intIn(String path, int defaultValue, int min, int max, String doc) {
        return new Key<>(path, defaultValue, doc, (s, p) -> s.intIn(p, min, max));
    }

    /** A finite number > 0. */
    public static Key<Double> positive(String path, double defaultValue, String doc) {
        return new Key<>(path, defaultValue, doc, Settings::positive);
    }

    /** A finite number in [min, max], or [min, max) when {@code maxExclusive}. */
    public static Key<Double> doubleIn(String path, double defaultValue, double min, double max, boolean maxExclusive,
                                       String doc) {
        return new Key<>(path, defaultValue, doc, (s, p) -> s.doubleIn(p, min, max, maxExclusive));
    }

    /** A finite number >= min. */
    public static Key<Double> doubleAtLeast(String path, double defaultValue, double min, String doc) {
        return doubleIn(path, defaultValue, min, Double.MAX_VALUE, false, doc);
    }

    /** A list of sizes, each >= 1. */
    public static Key<List<Integer>> sizes(String path, List<Integer> defaultValue, boolean allowEmpty, String doc) {
        return new Key<>(path, defaultValue, doc, (s, p) -> s.positiveInts(p, allowEmpty));
    }

    /** A key whose value only its own reader understands. */
    public static <T> Key<T> custom(String path, Object defaultValue, Reader<T> reader, String doc) {
        return new Key<>(path, defaultValue, doc, reader);
    }

    /** A value computed from keys declared before it, for the config records. */
    public static <T> Key<T> derived(String name, Reader<T> reader) {
        return new Key<>(name, null, null, reader);
    }

    /** This key with one more rule, checked when its value follows the rules before. */
    public Key<T> and(Check<T> check) {
        Reader<T> first = reader;
        return new Key<>(path, defaultValue, doc, (s, p) -> {
            int before = s.problems().size();
            T value = first.read(s, p);
            if (s.problems().size() == before) {
                check.check(s, p, value);
            }
            return value;
        });
    }

    /** This key with one more rule: {@code path = value: rule} unless {@code ok}. */
    public Key<T> and(Predicate<T> ok, String rule) {
        return and((s, p, value) -> {
            if (!ok.test(value)) {
                s.problem(p, value instanceof String ? "\"" + value + "\"" : value, rule);
            }
        });
    }
}
