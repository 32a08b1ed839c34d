package sparktrain.driver.progress;

/** Where training progress goes: a progress bar on a terminal, or a log line every few seconds. */
public interface ProgressView extends AutoCloseable {

    /**
     * @param trial the sweep trial, "" for none
     * @param totalBatches minibatches in the epoch; 0 when the strategy's rounds are not known in advance
     */
    void epochStarted(String trial, int epoch, long totalBatches);

    /** Where the running epoch stands: minibatches done (approximate: whole rounds), samples/s, last loss (NaN if none). */
    void update(long batchesDone, double samplesPerSecond, double loss);

    void epochEnded();

    /** The epoch's summary line (with its validation metric), after its training and measurement: shown under its bar. */
    void epochSummary(String line);

    @Override
    void close();
}
