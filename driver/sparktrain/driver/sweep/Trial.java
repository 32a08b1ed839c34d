package sparktrain.driver.sweep;

import com.typesafe.config.ConfigValue;
import sparktrain.driver.sweep.SweepConfig;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** One point of the search space: an id (t001, ...) and the value of each swept key. */
public record Trial(String id, Map<String, ConfigValue> values) {
    public Trial {
        values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
    }

    /** The trial's values as {@code --set} overrides of the base job file. */
    public List<String> overrides() {
        return values.entrySet().stream().map(e -> SweepConfig.override(e.getKey(), e.getValue())).toList();
    }

    /** e.g. "training.learning-rate=0.001, model.dropout=0.5". */
    public String describe() {
        return values.entrySet().stream().map(e -> e.getKey() + "=" + SweepConfig.render(e.getValue()))
                .collect(Collectors.joining(", "));
    }
}
