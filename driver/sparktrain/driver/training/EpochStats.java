package sparktrain.driver.training;

/** What one epoch measured. Validation values are NaN when there is no validation set. */
public record EpochStats(
        int epoch,
        long samples,
        double seconds,
        double trainLoss,
        double validationLoss,
        double validationAccuracy) {

    public double samplesPerSecond() {
        return seconds > 0 ? samples / seconds : 0;
    }

    public static final String CSV_HEADER =
            "epoch,samples,seconds,samples_per_second,train_loss,validation_loss,validation_accuracy";

    public String csvRow() {
        return String.format(java.util.Locale.ROOT, "%d,%d,%.3f,%.1f,%.6f,%.6f,%.6f",
                epoch, samples, seconds, samplesPerSecond(), trainLoss, validationLoss, validationAccuracy);
    }
}
