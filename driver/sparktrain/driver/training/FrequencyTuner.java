package sparktrain.driver.training;

import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.stats.EventStats;
import sparktrain.worker.config.AutoFrequencyConfig;

import java.util.List;
import java.util.Locale;

/**
 * Chooses parameter averaging's frequency for the next epoch from the last one's measured times
 * ({@code training.averaging-frequency = auto}). A round costs a fixed overhead o (broadcast, task start,
 * aggregation, the slower first fit after a broadcast) plus f minibatch fits of t seconds each, so communication's share of the epoch is
 * o / (o + f t); the smallest f that keeps it under the target s is o (1 - s) / (s t). The smallest,
 * because averaging more often converges better.
 */
final class FrequencyTuner {
    /** DL4J's per-minibatch fit events on the workers, and its per-epoch split work on the driver. */
    static final String FIT = "ParameterAveragingWorkerFitTimesMs";
    static final String ROUNDS = "ParameterAveragingMasterAggregateTimesMs";
    static final List<String> PER_EPOCH = List.of("ParameterAveragingMasterCountRddSizeTimesMs",
            "ParameterAveragingMasterSplitTimesMs", "ParameterAveragingMasterRepartitionTimesMs",
            "parameterAveragingMasterExportTimesMs");

    /**
     * One epoch as measured.
     *
     * @param fitPerMinibatch a worker's steady-state fit time for one minibatch: the median of DL4J's fit events,
     *                        since the first fit after each broadcast is slower and that belongs to the round
     * @param perEpochSeconds driver work done once an epoch whatever the frequency (counting, splitting)
     */
    record Measured(double epochSeconds, double fitPerMinibatch, long minibatches, double perEpochSeconds, long rounds,
                    int workers) {
        /** Everything in the epoch that is not steady-state fitting, spread over the rounds. */
        double overheadPerRound() {
            return communicationSeconds() / rounds;
        }

        double communicationShare() {
            return communicationSeconds() / epochSeconds;
        }

        private double communicationSeconds() {
            return Math.max(0, epochSeconds - perEpochSeconds - fitPerMinibatch * minibatches / workers);
        }
    }

    record Decision(int frequency, String reason) {
    }

    private final AutoFrequencyConfig config;

    FrequencyTuner(AutoFrequencyConfig config) {
        this.config = config;
    }

    Decision next(int current, Measured m) {
        if (m.minibatches <= 0 || m.rounds <= 0 || m.epochSeconds <= 0) {
            return new Decision(current, "nothing measured");
        }
        double s = config.communicationShare();
        double o = m.overheadPerRound();
        double t = m.fitPerMinibatch();
        // a fit below the stats' millisecond resolution: any round is expensive next to it
        int wanted = t <= 0 ? Integer.MAX_VALUE : (int) Math.min(Integer.MAX_VALUE, Math.ceil(o * (1 - s) / (s * t)));
        int frequency = Math.max(config.min(), Math.min(config.max(), wanted));
        String reason = String.format(Locale.ROOT,
                "communication took %.0f%% of the epoch at frequency %d (%.0f ms a round against %.1f ms a minibatch"
                        + " fit); target %.0f%%%s", 100 * m.communicationShare(), current, 1000 * o, 1000 * t, 100 * s,
                frequency != wanted ? ", bounded to [" + config.min() + ", " + config.max() + "]" : "");
        return new Decision(frequency, reason);
    }

    /** Reads an epoch's times from DL4J's training stats, or null when they lack the fit events. */
    static Measured measure(SparkTrainingStats stats, double epochSeconds, long roundsIfUnrecorded, int workers) {
        List<EventStats> fits = events(stats, FIT);
        if (fits.isEmpty()) {
            return null;
        }
        long[] millis = fits.stream().mapToLong(EventStats::getDurationMs).sorted().toArray();
        double median = millis.length % 2 == 1 ? millis[millis.length / 2]
                : (millis[millis.length / 2 - 1] + millis[millis.length / 2]) / 2.0;
        double fitPerMinibatch = median > 0 ? median : java.util.Arrays.stream(millis).average().orElse(0);
        long perEpochMillis = PER_EPOCH.stream().flatMap(k -> events(stats, k).stream())
                .mapToLong(EventStats::getDurationMs).sum();
        List<EventStats> rounds = events(stats, ROUNDS);
        return new Measured(epochSeconds, fitPerMinibatch / 1000.0, fits.size(), perEpochMillis / 1000.0,
                rounds.isEmpty() ? roundsIfUnrecorded : rounds.size(), workers);
    }

    private static List<EventStats> events(SparkTrainingStats stats, String key) {
        if (stats == null || !stats.getKeySet().contains(key)) {
            return List.of();
        }
        List<EventStats> events = stats.getValue(key);
        return events == null ? List.of() : events;
    }
}
