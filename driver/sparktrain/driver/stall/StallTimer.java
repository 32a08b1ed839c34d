package sparktrain.driver.stall;

import sparktrain.worker.config.MonitorConfig;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * When a run counts as stalled: nothing has finished for its timeout, which is fixed (training.stall-timeout) or,
 * with {@code auto}, the larger of 10 minutes and 5 times the longest wait between two finishes seen so far.
 * The caller gives the times (System.nanoTime values), so this needs neither a clock nor Spark.
 */
public final class StallTimer {
    static final long AUTO_FLOOR_NANOS = TimeUnit.MINUTES.toNanos(10);
    static final int AUTO_FACTOR = 5;

    private final long fixedNanos;
    private long last;
    private long longest;

    /** @param timeoutMillis training.stall-timeout as {@link MonitorConfig} holds it: auto, 0 (off) or fixed */
    public StallTimer(long timeoutMillis, long now) {
        this.fixedNanos = timeoutMillis == MonitorConfig.STALL_AUTO ? -1 : TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        this.last = now;
    }

    public boolean off() {
        return fixedNanos == 0;
    }

    /** Something finished at {@code now}. */
    public synchronized void progress(long now) {
        longest = Math.max(longest, now - last);
        last = Math.max(last, now);
    }

    public synchronized long timeoutNanos() {
        return fixedNanos >= 0 ? fixedNanos : Math.max(AUTO_FLOOR_NANOS, AUTO_FACTOR * longest);
    }

    /** Nothing has finished for the timeout (never when off). */
    public synchronized boolean stalled(long now) {
        return !off() && now - last >= timeoutNanos();
    }

    /** How long nothing has finished. */
    public synchronized long idleNanos(long now) {
        return now - last;
    }

    /** The timeout as the message gives it: "training.stall-timeout = 30s" or "... = auto: 10 min (5x the longest wait, 12 s)". */
    public synchronized String describe() {
        if (fixedNanos >= 0) {
            return "training.stall-timeout = " + seconds(fixedNanos);
        }
        return "training.stall-timeout = auto: " + seconds(timeoutNanos()) + ", the larger of 10 min and 5x the longest"
                + " wait seen so far (" + seconds(longest) + ")";
    }

    static String seconds(long nanos) {
        double s = nanos / 1e9;
        return s >= 120 ? String.format(Locale.ROOT, "%.1f min", s / 60) : String.format(Locale.ROOT, "%.0f s", s);
    }
}
