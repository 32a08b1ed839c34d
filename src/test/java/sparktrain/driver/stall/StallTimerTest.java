package sparktrain.driver.stall;

import org.junit.jupiter.api.Test;
import sparktrain.worker.config.MonitorConfig;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StallTimerTest {
    private static final long S = TimeUnit.SECONDS.toNanos(1);

    @Test
    void aFixedTimeoutCountsFromTheLastProgress() {
        StallTimer timer = new StallTimer(30_000, 0);
        assertFalse(timer.stalled(29 * S));
        assertTrue(timer.stalled(30 * S));
        timer.progress(25 * S);
        assertFalse(timer.stalled(54 * S));
        assertTrue(timer.stalled(55 * S));
        assertEquals(30 * S, timer.idleNanos(55 * S));
        assertEquals("training.stall-timeout = 30 s", timer.describe());
    }

    @Test
    void autoIsTheLargerOfTenMinutesAndFiveTimesTheLongestWait() {
        StallTimer timer = new StallTimer(MonitorConfig.STALL_AUTO, 0);
        assertEquals(TimeUnit.MINUTES.toNanos(10), timer.timeoutNanos(), "nothing seen yet: the floor");
        timer.progress(60 * S);
        timer.progress(90 * S);
        assertEquals(TimeUnit.MINUTES.toNanos(10), timer.timeoutNanos(), "5 x 60 s is below the floor");
        timer.progress(90 * S + 200 * S);
        assertEquals(1000 * S, timer.timeoutNanos(), "5 x the longest wait, 200 s");
        assertFalse(timer.stalled(290 * S + 999 * S));
        assertTrue(timer.stalled(290 * S + 1000 * S));
        assertTrue(timer.describe().startsWith("training.stall-timeout = auto: 16.7 min"), timer.describe());
    }

    @Test
    void zeroIsOff() {
        StallTimer timer = new StallTimer(0, 0);
        assertTrue(timer.off());
        assertFalse(timer.stalled(TimeUnit.DAYS.toNanos(365)));
    }

    @Test
    void progressReportedLateNeverMovesTheClockBack() {
        StallTimer timer = new StallTimer(10_000, 0);
        timer.progress(8 * S);
        timer.progress(5 * S); // a listener event processed after a later one
        assertTrue(timer.stalled(18 * S));
    }
}
