package sparktrain.worker.config;

import com.typesafe.config.ConfigValueType;

import java.io.Serializable;
import java.util.Locale;

/**
 * {@code training.averaging-frequency = auto}: parameter averaging picks its frequency each epoch so that
 * communication (broadcast, task start, aggregation) stays under {@code communication-share} of the epoch.
 *
 * @param first the frequency of the first epoch, before anything has been measured
 */
public record AutoFrequencyConfig(
        @From("training.auto-frequency.enabled") boolean enabled,
        @From("training.auto-frequency.communication-share") double communicationShare,
        @From("training.auto-frequency.first") int first,
        @From("training.auto-frequency.min") int min,
        @From("training.auto-frequency.max") int max) implements Serializable {

    /** training.averaging-frequency = auto, as {@link #readFrequency} reads it. */
    static final int AUTO = 0;

    /** training.averaging-frequency: a whole number >= 1, or auto ({@link #AUTO}). */
    static int readFrequency(Settings s, String path) {
        String text = s.config().hasPath(path) && s.config().getValue(path).valueType() == ConfigValueType.STRING
                ? s.config().getString(path).trim() : null;
        if (text != null && text.toLowerCase(Locale.ROOT).equals("auto")) {
            return AUTO;
        }
        if (text != null && !text.matches("[0-9]+")) {
            s.problem(path, text, "must be a whole number >= 1 or auto");
            return 1;
        }
        return s.intAtLeast(path, 1);
    }
}
