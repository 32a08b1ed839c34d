package sparktrain.core.config;

import java.io.Serializable;
import java.util.List;

/** Where the data comes from and how it is split. {@code path} is a Hadoop URI. */
public record DataConfig(String type, String path, double validationFraction, int trainLimit, int testLimit)
        implements Serializable {

    public static final List<String> TYPES = List.of("fashion-mnist");

    static DataConfig from(Settings s) {
        return new DataConfig(
                s.choice("data.type", TYPES),
                s.string("data.path"),
                s.doubleIn("data.validation-fraction", 0.0, 1.0, true),
                s.intAtLeast("data.train-limit", 0),
                s.intAtLeast("data.test-limit", 0));
    }
}
