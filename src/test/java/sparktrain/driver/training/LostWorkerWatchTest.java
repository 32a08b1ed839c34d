package sparktrain.driver.training;

import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaFutureAction;
import org.junit.jupiter.api.Test;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;
import sparktrain.testing.SparkTestBase;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LostWorkerWatchTest extends SparkTestBase {

    @Test
    void aFailedTaskIsNamedInAnErrorWithExitFive() {
        try (LostWorkerWatch watch = LostWorkerWatch.start(sc)) {
            Exception failed = assertThrows(Exception.class, () -> sc.parallelize(List.of(1, 2), 2).foreach(i -> {
                if (i == 2) {
                    throw new IllegalStateException("worker " + i + " broke");
                }
            }));
            awaitListenerBus();
            assertTrue(watch.failed(), "the watch should have seen the failed task");
            SparktrainException error = watch.error(2, failed);
            assertEquals(ExitCode.WORKER_LOST, error.exitCode());
            String message = error.problems().get(0);
            assertTrue(message.startsWith("epoch 2: a worker failed during gradient sharing (task 1 on executor driver:")
                    && message.contains("IllegalStateException: worker 2 broke"), message);
        }
    }

    @Test
    void successfulTasksAreNotFailures() {
        try (LostWorkerWatch watch = LostWorkerWatch.start(sc)) {
            assertEquals(3, sc.parallelize(List.of(1, 2, 3), 3).count());
            awaitListenerBus();
            assertFalse(watch.failed());
        }
    }

    private static final CountDownLatch OTHER_RUNNING = new CountDownLatch(1);
    private static final CountDownLatch WATCHED_RUNNING = new CountDownLatch(1);
    private static final CountDownLatch RELEASE = new CountDownLatch(1);
    private static final AtomicLong WATCHED_TASK = new AtomicLong(-1);

    /**
     * A job of another group (another trial, say) runs on one core while the watched group's task on the other is
     * lost (killed, as when its executor goes): the watched job is cancelled, the other job goes on and finishes.
     */
    @Test
    void cancelsOnlyItsOwnJobGroup() throws Exception {
        ExecutorService other = Executors.newSingleThreadExecutor();
        try {
            Future<Long> otherJob = other.submit(() -> {
                sc.setJobGroup("another-trial", "another trial", true);
                return sc.parallelize(List.of(1), 1).map(i -> {
                    OTHER_RUNNING.countDown();
                    return RELEASE.await(60, TimeUnit.SECONDS) ? i : -1;
                }).count();
            });
            assertTrue(OTHER_RUNNING.await(60, TimeUnit.SECONDS), "the other group's task started");
            try (LostWorkerWatch watch = LostWorkerWatch.start(sc)) {
                // like a DL4J worker whose rerun waits forever: only a cancel ends it
                JavaFutureAction<List<Integer>> watched = sc.parallelize(List.of(1), 1).map(i -> {
                    WATCHED_TASK.set(TaskContext.get().taskAttemptId());
                    WATCHED_RUNNING.countDown();
                    return RELEASE.await(60, TimeUnit.SECONDS) ? i : -1;
                }).collectAsync();
                assertTrue(WATCHED_RUNNING.await(60, TimeUnit.SECONDS), "the watched task started");
                sc.sc().killTaskAttempt(WATCHED_TASK.get(), true, "executor lost");
                ExecutionException cancelled = assertThrows(ExecutionException.class, () -> watched.get(30, TimeUnit.SECONDS));
                assertTrue(cancelled.getCause().getMessage().contains("cancelled part of cancelled job group"), cancelled.getCause().getMessage());
                assertTrue(watch.failed());
                assertFalse(otherJob.isDone(), "the other group's job still runs");
            }
            RELEASE.countDown();
            assertEquals(1L, otherJob.get(30, TimeUnit.SECONDS));
        } finally {
            RELEASE.countDown();
            other.shutdown();
        }
    }

    /** Spark's listener bus delivers task events asynchronously. */
    private static void awaitListenerBus() {
        try {
            sc.sc().listenerBus().waitUntilEmpty(60_000);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("Spark's listener bus did not drain in 60 s", e);
        }
    }
}
