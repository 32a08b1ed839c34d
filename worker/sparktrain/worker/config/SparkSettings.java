package sparktrain.worker.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.util.Map;
import java.util.TreeMap;

/**
 * Spark settings from the job file; {@code conf} is passed to SparkConf as it is, except settings that
 * would make Spark load code ({@link SparkConfPolicy}).
 */
public record SparkSettings(
        @From("spark.master") String master,
        @From("spark.kryo") boolean kryo,
        @From("spark.conf") Map<String, String> conf) {

    public SparkSettings {
        conf = Map.copyOf(conf);
    }

    /** spark.conf: single values, none that {@link SparkConfPolicy} refuses. */
    static Map<String, String> readConf(Settings s, String path) {
        Map<String, String> conf = new TreeMap<>();
        if (s.config().hasPath(path)) {
            Config section = s.config().getConfig(path);
            for (Map.Entry<String, ConfigValue> e : section.entrySet()) {
                String key = stripQuotes(e.getKey());
                ConfigValue v = e.getValue();
                if (v.valueType() == ConfigValueType.LIST || v.valueType() == ConfigValueType.OBJECT) {
                    s.problem("spark.conf.\"" + key + "\"", v.render(com.typesafe.config.ConfigRenderOptions.concise()), "must be a single value");
                } else {
                    conf.put(key, String.valueOf(v.unwrapped()));
                    SparkConfPolicy.violation(key, String.valueOf(v.unwrapped()))
                            .ifPresent(rule -> s.problem("spark.conf.\"" + key + "\"", v.render(), rule));
                }
            }
        }
        return conf;
    }

    private static String stripQuotes(String key) {
        return key.length() > 1 && key.startsWith("\"") && key.endsWith("\"") ? key.substring(1, key.length() - 1) : key;
    }
}
