package sparktrain.worker.training;

/**
 * What one epoch measured. Validation values are NaN when there is no validation set; the averaging
 * frequency is 0 when the strategy does not average parameters.
 */
public record EpochStats(
        int epoch,
        long samples,
        double seconds,
        double trainLoss,
        double validationLoss,
        double validationMetric,
        long updateBytes,
        long denseUpdateBytes,
        int averagingFrequency) {

    public double samplesPerSecond() {
        return seconds > 0 ? samples / seconds : 0;
    }

    /** The history.csv header; the validation metric's column is named after it, e.g. validation_accuracy. */
    public static String csvHeader(String metric) {
        return "epoch,samples,seconds,samples_per_second,train_loss,validation_loss,validation_" + metric
                + ",update_bytes,dense_update_bytes,averaging_frequency";
    }

    /**
     * Reads back a {@link #csvRow()} (samples per second is derived, so it is skipped); rows written before the
     * averaging frequency was recorded read as 0.
     */
    public static EpochStats fromCsvRow(String row) {
        String[] f = row.split(",");
        return new EpochStats(Integer.parseInt(f[0]), Long.parseLong(f[1]), Double.parseDouble(f[2]),
                Double.parseDouble(f[4]), Double.parseDouble(f[5]), Double.parseDouble(f[6]), Long.parseLong(f[7]),
                Long.parseLong(f[8]), f.length > 9 ? Integer.parseInt(f[9]) : 0);
    }

    public String csvRow() {
        return String.format(java.util.Locale.ROOT, "%d,%d,%.3f,%.1f,%.6f,%.6f,%.6f,%d,%d,%d",
                epoch, samples, seconds, samplesPerSecond(), trainLoss, validationLoss, validationMetric,
                updateBytes, denseUpdateBytes, averagingFrequency);
    }
}
