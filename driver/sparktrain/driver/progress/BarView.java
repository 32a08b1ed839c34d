package sparktrain.driver.progress;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.util.Locale;

/** One terminal progress bar per epoch (me.tongfei:progressbar), with samples/s and the last loss. */
public final class BarView implements ProgressView {
    private ProgressBar bar;

    @Override
    public synchronized void epochStarted(String trial, int epoch, long totalBatches) {
        epochEnded();
        bar = new ProgressBarBuilder()
                .setTaskName((trial.isEmpty() ? "" : trial + " ") + "epoch " + epoch)
                .setInitialMax(totalBatches > 0 ? totalBatches : -1)
                .setUnit(" batches", 1)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(500)
                .continuousUpdate()
                .build();
    }

    @Override
    public synchronized void update(long batchesDone, double samplesPerSecond, double loss) {
        if (bar == null) {
            return;
        }
        bar.stepTo(batchesDone);
        bar.setExtraMessage(String.format(Locale.ROOT, " %.0f samples/s%s", samplesPerSecond,
                Double.isFinite(loss) ? String.format(Locale.ROOT, ", loss %.4f", loss) : ""));
    }

    @Override
    public synchronized void epochEnded() {
        if (bar != null) {
            if (bar.getMax() > 0) {
                bar.stepTo(bar.getMax());
            }
            bar.close();
            bar = null;
        }
    }

    @Override
    public void close() {
        epochEnded();
    }
}
