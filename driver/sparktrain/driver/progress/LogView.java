package sparktrain.driver.progress;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.worker.training.EpochLoop;

import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** For logs and cluster runs: one line every {@code seconds} while an epoch runs (log.progress-seconds). */
public final class LogView implements ProgressView {
    private static final Logger log = LoggerFactory.getLogger("sparktrain.progress");
    /** The summary lines keep the logger they had before the views showed them. */
    private static final Logger epochs = LoggerFactory.getLogger(EpochLoop.class);

    private final ScheduledExecutorService timer;
    private String name;
    private long total;
    private long done;
    private double samplesPerSecond;
    private double loss = Double.NaN;
    private long started;

    public LogView(int seconds) {
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sparktrain-progress");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(this::logLine, seconds, seconds, TimeUnit.SECONDS);
    }

    @Override
    public synchronized void epochStarted(String trial, int epoch, long totalBatches) {
        name = (trial.isEmpty() ? "" : "trial " + trial + ", ") + "epoch " + epoch;
        total = totalBatches;
        done = 0;
        samplesPerSecond = 0;
        loss = Double.NaN;
        started = System.nanoTime();
    }

    @Override
    public synchronized void update(long batchesDone, double samplesPerSecond, double loss) {
        this.done = batchesDone;
        this.samplesPerSecond = samplesPerSecond;
        this.loss = loss;
    }

    @Override
    public synchronized void epochEnded() {
        name = null;
    }

    @Override
    public void epochSummary(String line) {
        epochs.info(line);
    }

    synchronized void logLine() {
        if (name == null) {
            return;
        }
        log.info(line());
    }

    synchronized String line() {
        double seconds = (System.nanoTime() - started) / 1e9;
        if (total == 0 && done == 0) { // e.g. gradient sharing: one Spark job per epoch, nothing to count until it ends
            return String.format(Locale.ROOT, "%s: training, %.0f s", name, seconds);
        }
        String batches = total > 0
                ? String.format(Locale.ROOT, "%.0f%% (%d of %d minibatches)", 100.0 * done / total, done, total)
                : done + " minibatches";
        return String.format(Locale.ROOT, "%s: %s, %.0f s, %.0f samples/s%s", name, batches, seconds, samplesPerSecond,
                Double.isFinite(loss) ? String.format(Locale.ROOT, ", loss %.4f", loss) : "");
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
