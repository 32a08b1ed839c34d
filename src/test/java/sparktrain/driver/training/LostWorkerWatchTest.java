package sparktrain.driver.training;

import org.junit.jupiter.api.Test;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;
import sparktrain.testing.SparkTestBase;

import java.util.List;

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

    /** Spark's listener bus delivers task events asynchronously. */
    private static void awaitListenerBus() {
        try {
            sc.sc().listenerBus().waitUntilEmpty(60_000);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("Spark's listener bus did not drain in 60 s", e);
        }
    }
}
