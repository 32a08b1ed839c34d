package sparktrain.driver.progress;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;

/**
 * One terminal progress bar per epoch (me.tongfei:progressbar), with samples/s and the last loss, and the epoch's
 * summary line under it when it is done.
 */
public final class BarView implements ProgressView {
    private final PrintStream out;
    private ProgressBar bar;
    private LineConsumer barLine;

    /** Bars on stderr, where the log goes too. */
    public BarView() {
        this(System.err);
    }

    BarView(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void epochStarted(String trial, int epoch, long totalBatches) {
        epochEnded();
        barLine = new LineConsumer(out);
        bar = new ProgressBarBuilder()
                .setTaskName((trial.isEmpty() ? "" : trial + " ") + "epoch " + epoch)
                .setInitialMax(totalBatches > 0 ? totalBatches : -1)
                .setUnit(" batches", 1)
                .setStyle(ProgressBarStyle.ASCII)
                // one bar at a time, redrawn in place after a carriage return: the library's default on a terminal
                // moves the cursor up a line to redraw, over whatever was printed under the bar since
                .setConsumer(barLine)
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
            // the last draw and the line's end here and now: the library's close() draws on its own thread, and
            // returns without waiting for it when this thread is interrupted; its draws after the end are dropped
            bar.refresh();
            barLine.close();
            bar.close();
            bar = null;
        }
    }

    @Override
    public synchronized void epochSummary(String line) {
        epochEnded();
        out.println(line);
        out.flush();
    }

    @Override
    public void close() {
        epochEnded();
    }

    /** The bar's line: redrawn after a carriage return until it is ended, once. */
    private static final class LineConsumer extends ConsoleProgressBarConsumer {
        private boolean ended;

        LineConsumer(PrintStream out) {
            super(out);
        }

        @Override
        public synchronized void accept(String rendered) {
            if (!ended) {
                super.accept(rendered);
            }
        }

        @Override
        public synchronized void close() {
            if (!ended) {
                ended = true;
                super.close();
            }
        }
    }
}
