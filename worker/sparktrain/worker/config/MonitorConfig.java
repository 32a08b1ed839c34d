package sparktrain.worker.config;

import java.io.Serializable;

/**
 * What a run shows while it trains and keeps for its report: a progress line every
 * {@code progressSeconds} (log.progress-seconds) when no progress bar is drawn, and DL4J's per-phase
 * training stats (training.collect-stats).
 */
public record MonitorConfig(
        @From("log.progress-seconds") int progressSeconds,
        @From("training.collect-stats") boolean collectStats) implements Serializable {
    public static final MonitorConfig DEFAULT = new MonitorConfig(30, false);
}
