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
public record AutoFrequencyConfig(boolean enabled, double communicationShare, int first, int min, int max)
        implements Serializable {

    static final String KEY = "training.averaging-frequency";

    static AutoFrequencyConfig from(Settings s) {
        AutoFrequencyConfig c = new AutoFrequencyConfig(
                isAuto(s),
                s.doubleIn("training.auto-frequency.communication-share", 0.01, 0.9, false),
                s.intAtLeast("training.auto-frequency.first", 1),
                s.intAtLeast("training.auto-frequency.min", 1),
                s.intAtLeast("training.auto-frequency.max", 1));
        if (c.min > c.max) {
            s.problem("training.auto-frequency.min", c.min, "must be <= training.auto-frequency.max (" + c.max + ")");
        } else if (c.first < c.min || c.first > c.max) {
            s.problem("training.auto-frequency.first", c.first,
                    "must be in [training.auto-frequency.min, training.auto-frequency.max] = [" + c.min + ", " + c.max + "]");
        }
        return c;
    }

    /** The frequency to start from: the fixed one, or {@code first} when auto. */
    static int frequency(Settings s, AutoFrequencyConfig auto) {
        if (auto.enabled) {
            return auto.first;
        }
        String text = quotedValue(s);
        if (text != null && !text.matches("[0-9]+")) {
            s.problem(KEY, text, "must be a whole number >= 1 or auto");
            return 1;
        }
        return s.intAtLeast(KEY, 1);
    }

    private static boolean isAuto(Settings s) {
        String text = quotedValue(s);
        return text != null && text.toLowerCase(Locale.ROOT).equals("auto");
    }

    /** The key's value when HOCON read it as a string (auto, or a number in quotes), trimmed; else null. */
    private static String quotedValue(Settings s) {
        return s.config().hasPath(KEY) && s.config().getValue(KEY).valueType() == ConfigValueType.STRING
                ? s.config().getString(KEY).trim() : null;
    }
}
