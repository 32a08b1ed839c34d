package sparktrain.worker.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueType;

import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads typed values from a resolved job file and collects every problem instead of stopping at the
 * first, so a user fixes a job file in one round. Each reader names the key, the value and the rule.
 * The values read by {@link Key} are kept, and {@link #bind} builds the config records from them by name.
 */
public final class Settings {
    /** The origin description of the defaults built from the declarations (see {@link Keys#defaults()}). */
    static final String DEFAULTS_ORIGIN = "sparktrain defaults";

    private final Config config;
    /** The message prefix of a problem with a default value: "" for a job file, the sweep file for a sweep's. */
    private final String defaultsAt;
    private final List<String> problems = new ArrayList<>();
    private final Map<String, Object> values = new HashMap<>();

    public Settings(Config config) {
        this(config, "");
    }

    /** Settings whose problems with a default value are named as {@code defaultsAt}'s. */
    public Settings(Config config, String defaultsAt) {
        this.config = config;
        this.defaultsAt = defaultsAt.isEmpty() ? "" : defaultsAt + ": ";
    }

    public Config config() {
        return config;
    }

    public List<String> problems() {
        return problems;
    }

    /** Reads {@code key} by its rule and keeps the value for {@link #get} and {@link #bind}. */
    public <T> T read(Key<T> key) {
        T value = key.reader().read(this, key.path());
        values.put(key.path(), value);
        return value;
    }

    /** The value of a key read before. */
    @SuppressWarnings("unchecked")
    public <T> T get(Key<T> key) {
        if (!values.containsKey(key.path())) {
            throw new IllegalStateException(key.path() + " is read after a key that needs it: declare it earlier");
        }
        return (T) values.get(key.path());
    }

    /**
     * A config record built from the values read: each component takes the value of the key its
     * {@link From} names; a component that is a record is bound the same way.
     */
    public <R extends Record> R bind(Class<R> type) {
        RecordComponent[] components = type.getRecordComponents();
        Class<?>[] types = new Class<?>[components.length];
        Object[] arguments = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            From from = c.getAnnotation(From.class);
            String where = type.getSimpleName() + "." + c.getName();
            if (from == null && c.getType().isRecord()) {
                arguments[i] = bind(c.getType().asSubclass(Record.class));
            } else if (from == null) {
                throw new IllegalStateException(where + " names no key: annotate it @From(\"the.key\")");
            } else if (!values.containsKey(from.value())) {
                throw new IllegalStateException(where + " is @From(\"" + from.value() + "\"), which no declared key holds");
            } else if (!MethodType.methodType(c.getType()).wrap().returnType().isInstance(values.get(from.value()))) {
                throw new IllegalStateException(where + " is a " + c.getType().getSimpleName() + " but " + from.value()
                        + " holds " + values.get(from.value()).getClass().getSimpleName());
            } else {
                arguments[i] = values.get(from.value());
            }
        }
        try {
            Constructor<R> constructor = type.getDeclaredConstructor(types);
            return constructor.newInstance(arguments);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(type.getSimpleName() + ": " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(type.getSimpleName() + ": " + e, e);
        }
    }

    public void problem(String key, Object value, String rule) {
        problems.add(where(key) + key + " = " + value + ": " + rule);
    }

    /**
     * Where the value of {@code key} was set, as a message prefix: "job.conf: line 7: " for a job file,
     * "--set: " for an override, the defaults' place (nothing unless given) for a default.
     */
    public String where(String key) {
        ConfigOrigin origin;
        try {
            origin = config.hasPath(key) ? config.getValue(key).origin() : null;
        } catch (ConfigException e) {
            origin = null;
        }
        if (origin == null || origin.resource() != null || origin.description().equals(DEFAULTS_ORIGIN)) {
            return defaultsAt;
        }
        String line = origin.lineNumber() > 0 ? ": line " + origin.lineNumber() : "";
        if (origin.filename() != null) {
            return origin.filename() + line + ": ";
        }
        String description = origin.description().replaceFirst(": [0-9]+$", "");
        return description.startsWith("--set") ? "--set: " : description + line + ": ";
    }

    public String string(String key) {
        try {
            return config.getString(key);
        } catch (ConfigException e) {
            problems.add(where(key) + key + ": " + typeProblem(key, "a string"));
            return "";
        }
    }

    /** A lower-case word that must be one of {@code allowed}. */
    public String choice(String key, Collection<String> allowed) {
        String value = string(key).toLowerCase(Locale.ROOT);
        if (!allowed.contains(value) && config.hasPath(key)) {
            problem(key, config.getValue(key).unwrapped(), "must be one of " + String.join(", ", allowed));
        }
        return value;
    }

    public boolean bool(String key) {
        try {
            return config.getBoolean(key);
        } catch (ConfigException e) {
            problems.add(where(key) + key + ": " + typeProblem(key, "true or false"));
            return false;
        }
    }

    public int intAtLeast(String key, int min) {
        return intIn(key, min, Integer.MAX_VALUE);
    }

    public int intIn(String key, int min, int max) {
        int value;
        try {
            value = config.getInt(key);
        } catch (ConfigException e) {
            problems.add(where(key) + key + ": " + typeProblem(key, "a whole number"));
            return min;
        }
        if (value < min || value > max) {
            problem(key, value, max == Integer.MAX_VALUE ? "must be >= " + min : "must be in [" + min + ", " + max + "]");
        }
        return value;
    }

    public long longValue(String key) {
        try {
            return config.getLong(key);
        } catch (ConfigException e) {
            problems.add(where(key) + key + ": " + typeProblem(key, "a whole number"));
            return 0;
        }
    }

    /** A finite number in [min, max] (or [min, max) when {@code maxExclusive}). */
    public double doubleIn(String key, double min, double max, boolean maxExclusive) {
        double value;
        try {
            value = config.getDouble(key);
        } catch (ConfigException e) {
            problems.add(where(key) + key + ": " + typeProblem(key, "a number"));
            return min;
        }
        boolean above = maxExclusive ? value >= max : value > max;
        if (!Double.isFinite(value) || value < min || above) {
            problem(key, value, "must be in [" + min + ", " + max + (maxExclusive ? ")" : "]"));
        }
        return value;
    }

    public double positive(String key) {
        double value;
        try {
            value = config.getDouble(key);
        } catch (ConfigException e) {
            problems.add(where(key) + key + ": " + typeProblem(key, "a number"));
            return 1;
        }
        if (!(value > 0) || !Double.isFinite(value)) {
            problem(key, value, "must be > 0");
        }
        return value;
    }

    /** A list of strings; a single string is a list of one. */
    public List<String> strings(String key) {
        try {
            if (config.hasPath(key) && config.getValue(key).valueType() == ConfigValueType.STRING) {
                return List.of(config.getString(key));
            }
            return List.copyOf(config.getStringList(key));
        } catch (ConfigException e) {
            problems.add(where(key) + key + ": " + typeProblem(key, "a name or a list of names, e.g. [a, b]"));
            return List.of();
        }
    }

    public List<Integer> positiveInts(String key, boolean allowEmpty) {
        List<Integer> values;
        try {
            values = config.getIntList(key);
        } catch (ConfigException e) {
            problems.add(where(key) + key + ": " + typeProblem(key, "a list of whole numbers, e.g. [256, 128]"));
            return List.of();
        }
        if (values.isEmpty() && !allowEmpty) {
            problem(key, "[]", "must list at least one size");
        }
        for (int v : values) {
            if (v < 1) {
                problem(key, values, "every size must be >= 1");
                break;
            }
        }
        return values;
    }

    private String typeProblem(String key, String expected) {
        if (!config.hasPathOrNull(key)) {
            return "missing, expected " + expected;
        }
        if (config.getIsNull(key)) {
            return "null, expected " + expected;
        }
        ConfigValueType type = config.getValue(key).valueType();
        return "found " + type.name().toLowerCase(Locale.ROOT) + " " + config.getValue(key).render(ConfigRenderOptions.concise())
                + ", expected " + expected;
    }
}
