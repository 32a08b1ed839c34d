package sparktrain.worker.config;

import java.io.Serializable;

/**
 * What a run shows while it trains and keeps for its report: a progress line every
 * {@code progressSeconds} (log.progress-seconds) when no progress bar is drawn, and DL4J's per-phase
 * training stats (training.collect-stats).
 */
public record MonitorConfig(int progressSeconds, boolean collectStats) implements Serializable {
    public static final MonitorConfig DEFAULT = new MonitorConfig(30, false);

    static MonitorConfig from(Settings s) {
        return new MonitorConfig(s.intAtLeast("log.progress-seconds", 1), s.bool("training.collect-stats"));
    }
}
