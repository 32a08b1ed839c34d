package sparktrain.worker.config;

import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;

import java.io.Serializable;
import java.util.Locale;

/**
 * What a run shows while it trains and keeps for its report: a progress line every
 * {@code progressSeconds} (log.progress-seconds) when no progress bar is drawn, and DL4J's per-phase
 * training stats (training.collect-stats); and how long it may go without finishing anything before it is
 * stopped as stalled (training.stall-timeout).
 *
 * @param stallTimeoutMillis {@link #STALL_AUTO}, 0 (off), or a fixed timeout
 */
public record MonitorConfig(
        @From("log.progress-seconds") int progressSeconds,
        @From("training.collect-stats") boolean collectStats,
        @From("training.stall-timeout") long stallTimeoutMillis) implements Serializable {
    public static final MonitorConfig DEFAULT = new MonitorConfig(30, false, MonitorConfig.STALL_AUTO);
    /** training.stall-timeout = auto: the larger of 10 minutes and 5 times the longest round seen so far. */
    public static final long STALL_AUTO = -1;

    /** training.stall-timeout: auto, 0 (off), or a duration with its unit of at least a second ("30s", "10m"). */
    static long readStallTimeout(Settings s, String path) {
        if (!s.config().hasPath(path)) {
            return STALL_AUTO;
        }
        ConfigValueType type = s.config().getValue(path).valueType();
        String text = String.valueOf(s.config().getValue(path).unwrapped()).trim();
        if (type == ConfigValueType.STRING && text.toLowerCase(Locale.ROOT).equals("auto")) {
            return STALL_AUTO;
        }
        if (text.equals("0")) {
            return 0;
        }
        if (type == ConfigValueType.NUMBER || text.matches("[0-9.]+")) {
            s.problem(path, text, "give a unit, e.g. 30s or 10m (or 0 = off, or auto)");
            return STALL_AUTO;
        }
        try {
            long millis = s.config().getDuration(path).toMillis();
            if (millis < 1000) {
                s.problem(path, text, "must be at least 1s (or 0 = off, or auto)");
                return STALL_AUTO;
            }
            return millis;
        } catch (ConfigException e) {
            s.problem(path, text, "must be auto, 0 (off) or a duration such as 30s, 10m or 1h");
            return STALL_AUTO;
        }
    }
}
