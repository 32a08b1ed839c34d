package sparktrain.driver.progress;

import org.apache.spark.api.java.JavaSparkContext;
import sparktrain.worker.config.JobConfig;

import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * A training's progress display for as long as it trains: a progress bar per epoch on an interactive
 * terminal in local mode, else a log line every log.progress-seconds. Closing it detaches the listener.
 */
public final class Progress implements AutoCloseable {
    private final JavaSparkContext sc;
    private final ProgressListener listener;
    private final ProgressView view;

    private Progress(JavaSparkContext sc, ProgressListener listener, ProgressView view) {
        this.sc = sc;
        this.listener = listener;
        this.view = view;
    }

    /**
     * @param quiet no progress bar even on a terminal
     * @param loss the driver's latest training score of the network
     * @param batchesPerRound minibatches one training job of the running epoch fits; 0 when unknown
     */
    public static Progress start(JavaSparkContext sc, JobConfig job, LongSupplier batchesPerEpoch, boolean quiet,
                                 DoubleSupplier loss, LongSupplier batchesPerRound) {
        boolean bar = !quiet && System.console() != null && sc.isLocal();
        ProgressView view = bar ? new BarView() : new LogView(job.monitor().progressSeconds());
        ProgressListener listener = new ProgressListener(view, sc.getLocalProperty(JobNames.TRIAL_PROPERTY),
                batchesPerEpoch, batchesPerRound, job.training().batchSize(), loss);
        sc.sc().addSparkListener(listener);
        return new Progress(sc, listener, view);
    }

    /** The epoch loop's summary line of an epoch (EpochLoop.summaryTo): closes the epoch's bar and shows it below. */
    public void epochSummary(String line) {
        listener.epochDone();
        view.epochSummary(line);
    }

    @Override
    public void close() {
        sc.sc().removeSparkListener(listener);
        view.close();
    }
}
