package sparktrain.jobs;

import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The messages Spark 3.5 gave the driver in FaultsIT's runs, mapped to the setting to raise. FaultsIT
 * produces the heap case for real on the standalone cluster; these pin the text handling.
 */
class FailuresTest {
    private static final String HEAP = "Job aborted due to stage failure: Task 1 in stage 3.0 failed 1 times, most recent"
            + " failure: Lost task 1.0 in stage 3.0 (TID 29) (127.0.0.1 executor 7): java.lang.OutOfMemoryError: Java heap space\n"
            + "\tat java.base/java.util.Arrays.copyOf(Arrays.java:3537)\n";
    private static final String OFF_HEAP = "Job aborted due to stage failure: Task 0 in stage 0.0 failed 4 times, most recent"
            + " failure: Lost task 0.3 in stage 0.0 (TID 6) (127.0.0.1 executor 3): java.lang.OutOfMemoryError: Physical memory"
            + " usage is too high: physicalBytes (412M) > maxPhysicalBytes (100M)\n";
    private static final String LOST = "Job aborted due to stage failure: Task 0 in stage 5.0 failed 1 times, most recent"
            + " failure: Lost task 0.0 in stage 5.0 (TID 9) (127.0.0.1 executor 2): ExecutorLostFailure (executor 2 exited"
            + " caused by one of the running tasks) Reason: Command exited with code 52\n";

    @Test
    void executorHeapOutOfMemoryNamesExecutorMemory() {
        String line = Failures.explain(new RuntimeException("training failed", new SparkException(HEAP))).orElseThrow();
        assertEquals("an executor ran out of heap memory (OutOfMemoryError: Java heap space) in task 1.0 of stage 3.0"
                + " on executor 7: " + Failures.HEAP_FIX, line);
        assertTrue(line.contains("spark.executor.memory"), line);
    }

    @Test
    void executorOffHeapOutOfMemoryNamesJavaCppLimits() {
        String line = Failures.explain(new SparkException(OFF_HEAP)).orElseThrow();
        assertTrue(line.startsWith("an executor ran out of off-heap memory in task 0.3 of stage 0.0 on executor 3"), line);
        assertTrue(line.contains("-Dorg.bytedeco.javacpp.maxbytes") && line.contains("maxphysicalbytes")
                && line.contains("spark.executor.extraJavaOptions"), line);
    }

    @Test
    void executorThatExitedWithSparksOomCodeNamesBothSettings() {
        String line = Failures.explain(new SparkException(LOST)).orElseThrow();
        assertTrue(line.contains("spark.executor.memory") && line.contains("maxbytes"), line);
        assertTrue(line.lines().count() == 1, line);
    }

    @Test
    void driverOutOfMemoryNamesTheLaunchersVariableOrSparkDriverMemory() {
        String line = Failures.explain(new OutOfMemoryError("Java heap space")).orElseThrow();
        assertTrue(line.startsWith("the driver JVM ran out of heap memory (OutOfMemoryError: Java heap space) in thread \""
                + Thread.currentThread().getName() + "\": raise SPARKTRAIN_DRIVER_MEMORY (the heap scripts/sparktrain gives"
                + " the JVM, default 6g; now "), line);
        System.setProperty("spark.submit.deployMode", "client"); // what spark-submit sets for the application
        try {
            String submitted = Failures.fatal(new OutOfMemoryError("Java heap space"), "dispatcher-event-loop-0");
            assertTrue(submitted.startsWith("the driver JVM ran out of heap memory (OutOfMemoryError: Java heap space) in"
                    + " thread \"dispatcher-event-loop-0\": raise spark.driver.memory (now "), submitted);
            String direct = Failures.fatal(new OutOfMemoryError("Direct buffer memory"), "aeron");
            assertTrue(direct.contains("ran out of direct memory (OutOfMemoryError: Direct buffer memory) in thread \"aeron\""
                    + ": raise -XX:MaxDirectMemorySize (default: the heap size) in spark.driver.extraJavaOptions"), direct);
        } finally {
            System.clearProperty("spark.submit.deployMode");
        }
    }

    @Test
    void javaCppAndOtherFatalErrorsNameTheirSetting() {
        String javacpp = Failures.fatal(new OutOfMemoryError("Physical memory usage is too high: physicalBytes (5G) >"
                + " maxPhysicalBytes (4G)"), "prefetch");
        assertTrue(javacpp.startsWith("the driver JVM ran out of ND4J's off-heap memory (JavaCPP: Physical memory usage is"
                + " too high: physicalBytes (5G) > maxPhysicalBytes (4G)) in thread \"prefetch\": raise"
                + " -Dorg.bytedeco.javacpp.maxbytes and -Dorg.bytedeco.javacpp.maxphysicalbytes in SPARKTRAIN_JAVA_OPTS"), javacpp);
        String stack = Failures.fatal(new StackOverflowError(), "t");
        assertTrue(stack.contains("overflowed a thread's stack (StackOverflowError) in thread \"t\": raise the stack size, -Xss"),
                stack);
        String internal = Failures.fatal(new InternalError("broken"), "t");
        assertTrue(internal.startsWith("the driver JVM failed (InternalError: broken) in thread \"t\""), internal);
    }

    @Test
    void aLocalModeTaskOutOfMemoryIsTheDriversHeap() {
        // local mode: the executor is the driver JVM (spark.executor.killOnFatalError.depth = 0 makes it a task failure)
        String line = Failures.explain(new SparkException("Job aborted due to stage failure: Task 1 in stage 3.0 failed 1"
                + " times, most recent failure: Lost task 1.0 in stage 3.0 (TID 7) (127.0.0.1 executor driver):"
                + " java.lang.OutOfMemoryError: Java heap space\n")).orElseThrow();
        assertTrue(line.startsWith("the driver JVM ran out of heap memory (OutOfMemoryError: Java heap space) in task 1.0 of"
                + " stage 3.0 on executor driver (local mode runs the tasks in the driver JVM): raise SPARKTRAIN_DRIVER_MEMORY"),
                line);
    }

    @Test
    void stoppedContextPointsAtRegistration() {
        String line = Failures.explain(new IllegalStateException("Cannot call methods on a stopped SparkContext.\nThis"
                + " stopped SparkContext was created at:")).orElseThrow();
        assertTrue(line.contains("could not register with the master") && line.contains("secret"), line);
    }

    @Test
    void otherFailuresAreLeftAlone() {
        assertTrue(Failures.explain(new SparkException("Job aborted due to stage failure: Task 0 in stage 1.0 failed 4"
                + " times, most recent failure: Lost task 0.3 in stage 1.0 (TID 7) (127.0.0.1 executor 1):"
                + " java.io.FileNotFoundException: /data/x")).isEmpty());
        assertTrue(Failures.explain(new IllegalArgumentException("bad")).isEmpty());
    }
}
