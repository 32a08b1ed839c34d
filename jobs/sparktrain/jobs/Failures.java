package sparktrain.jobs;

import sparktrain.worker.FatalErrors;

import sparktrain.driver.SparkContexts;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the failures Spark reports from a cluster, and the driver JVM's own fatal errors, into one line that names
 * the setting to change. Spark hands the driver an executor's error as text inside "Job aborted due to stage
 * failure: ..." (the executor's exception object stays on the executor), so the causes' messages are what we read.
 */
final class Failures {
    /** An executor that dies of an OutOfMemoryError exits with this code (Spark's SparkExitCode.OOM). */
    private static final Pattern OOM_EXIT = Pattern.compile("exited with code 52\\b");
    /** Local mode's one executor is the driver: "(127.0.0.1 executor driver)". */
    private static final Pattern LOCAL_EXECUTOR = Pattern.compile("executor driver\\)");
    private static final Pattern LOST_TASK = Pattern.compile("Lost task [0-9.]+ in stage [0-9.]+ \\(TID \\d+\\)");
    private static final Pattern OFF_HEAP = Pattern.compile(
            "physicalBytes|maxPhysicalBytes|maxBytes|Cannot allocate new|Direct buffer memory|Failed to allocate|off-heap",
            Pattern.CASE_INSENSITIVE);

    static final String HEAP_FIX = "raise spark.executor.memory (the job file's spark.conf, --conf, or conf/spark-defaults.conf)";
    static final String OFF_HEAP_FIX = "raise ND4J's off-heap limits -Dorg.bytedeco.javacpp.maxbytes and"
            + " -Dorg.bytedeco.javacpp.maxphysicalbytes in spark.executor.extraJavaOptions, with spark.executor.memoryOverhead to match";
    static final String STOPPED_CONTEXT = "the SparkContext stopped before the job ran: on a standalone cluster this"
            + " usually means that " + SparkContexts.NOT_REGISTERED;

    private Failures() {
    }

    /** The one-line explanation for a failure we recognise, else empty. */
    static Optional<String> explain(Throwable e) {
        String text = messages(e);
        boolean executor = text.contains("Job aborted due to stage failure") || text.contains("ExecutorLostFailure")
                || LOST_TASK.matcher(text).find();
        boolean oomText = text.contains("OutOfMemoryError") || OOM_EXIT.matcher(text).find();
        if (executor && oomText && LOCAL_EXECUTOR.matcher(text).find()) {
            // local mode: the "executor" is the driver JVM, whose settings are the ones to raise
            return Optional.of(driver(text, where(text) + " (local mode runs the tasks in the driver JVM)"));
        }
        if (executor && oomText) {
            String where = where(text);
            if (OFF_HEAP.matcher(text).find()) {
                return Optional.of("an executor ran out of off-heap memory" + where + ": " + OFF_HEAP_FIX);
            }
            if (text.contains("Java heap space") || text.contains("GC overhead limit")) {
                return Optional.of("an executor ran out of heap memory (OutOfMemoryError: Java heap space)" + where
                        + ": " + HEAP_FIX);
            }
            return Optional.of("an executor ran out of memory" + where + ": " + HEAP_FIX + "; if ND4J's arrays are"
                    + " the problem, " + OFF_HEAP_FIX);
        }
        VirtualMachineError fatal = FatalErrors.fatal(e);
        if (fatal != null || text.contains("OutOfMemoryError")) {
            return Optional.of(driver(fatal != null ? fatal.getClass().getName() + ": " + fatal.getMessage() : text,
                    " in thread \"" + Thread.currentThread().getName() + "\""));
        }
        if (text.contains("Cannot call methods on a stopped SparkContext") || text.contains("SparkContext has been shutdown")) {
            return Optional.of(STOPPED_CONTEXT);
        }
        return Optional.empty();
    }

    /**
     * The line for a VirtualMachineError in the driver JVM (which in local mode runs the executors' tasks too):
     * what ran out, {@code where}, and the setting to raise, as the launcher takes it: scripts/sparktrain's
     * SPARKTRAIN_DRIVER_MEMORY and SPARKTRAIN_JAVA_OPTS, spark-submit's spark.driver.memory and
     * spark.driver.extraJavaOptions. Ends with where to continue from, when a run registered that.
     */
    static String fatal(Throwable error, String thread) {
        return driver(error.getClass().getName() + ": " + error.getMessage(), " in thread \"" + thread + "\"");
    }

    private static String driver(String text, String where) {
        boolean submitted = System.getProperty("spark.submit.deployMode") != null;
        String options = submitted ? "spark.driver.extraJavaOptions" : "SPARKTRAIN_JAVA_OPTS (scripts/sparktrain)";
        String heap = submitted
                ? "raise spark.driver.memory (now " + heapSize() + "; spark-submit's --driver-memory, --conf or"
                        + " conf/spark-defaults.conf)"
                : "raise SPARKTRAIN_DRIVER_MEMORY (the heap scripts/sparktrain gives the JVM, default 6g; now "
                        + heapSize() + "), e.g. SPARKTRAIN_DRIVER_MEMORY=8g scripts/sparktrain ...";
        String what;
        String fix;
        if (text.contains("Java heap space") || text.contains("GC overhead limit") || text.contains("Requested array size")) {
            what = "ran out of heap memory (OutOfMemoryError: " + firstMatch(text, HEAP_KIND) + ")";
            fix = heap;
        } else if (text.contains("Direct buffer memory")) {
            what = "ran out of direct memory (OutOfMemoryError: Direct buffer memory)";
            fix = "raise -XX:MaxDirectMemorySize (default: the heap size) in " + options + ", or the heap: " + heap;
        } else if (OFF_HEAP.matcher(text).find()) {
            what = "ran out of ND4J's off-heap memory (JavaCPP: " + errorMessage(text) + ")";
            fix = "raise -Dorg.bytedeco.javacpp.maxbytes and -Dorg.bytedeco.javacpp.maxphysicalbytes in " + options;
        } else if (text.contains("Metaspace")) {
            what = "ran out of metaspace (OutOfMemoryError: Metaspace)";
            fix = "raise -XX:MaxMetaspaceSize in " + options;
        } else if (text.contains("unable to create native thread") || text.contains("unable to create new native thread")) {
            what = "could not start a thread (OutOfMemoryError: " + errorMessage(text) + ")";
            fix = "the system refused another thread: raise the process limit (ulimit -u) or free memory";
        } else if (text.contains("OutOfMemoryError")) {
            what = "ran out of memory (OutOfMemoryError: " + errorMessage(text) + ")";
            fix = heap;
        } else if (text.contains("StackOverflowError")) {
            what = "overflowed a thread's stack (StackOverflowError)";
            fix = "raise the stack size, -Xss (e.g. -Xss4m), in " + options;
        } else {
            what = "failed (" + errorMessage(text) + ")";
            fix = "the JVM cannot go on after this error";
        }
        String hint = FatalErrors.resumeHint();
        return "the driver JVM " + what + where + ": " + fix + (hint == null ? "" : "; " + hint);
    }

    private static final Pattern HEAP_KIND = Pattern.compile("Java heap space|GC overhead limit exceeded|Requested array size exceeds VM limit");

    private static String firstMatch(String text, Pattern p) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group() : "";
    }

    private static final Pattern ERROR = Pattern.compile("(\\w*Error)(?:: ([^\\n]*))?");

    /** The error's message ("Metaspace"), or its class when it is no OutOfMemoryError ("InternalError: ..."). */
    private static String errorMessage(String text) {
        Matcher m = ERROR.matcher(text);
        if (!m.find()) {
            return text.lines().findFirst().orElse("").trim();
        }
        return m.group(2) == null ? m.group(1) : m.group(1).equals("OutOfMemoryError") ? m.group(2) : m.group(1) + ": " + m.group(2);
    }

    private static String heapSize() {
        return String.format(java.util.Locale.ROOT, "%.1f GiB", Runtime.getRuntime().maxMemory() / (double) (1L << 30));
    }

    /** " in task 1.0 of stage 3.0 on executor 7" from Spark's "Lost task 1.0 in stage 3.0 (TID 29) (HOST executor 7)". */
    private static String where(String text) {
        Matcher m = Pattern.compile("Lost task ([0-9.]+) in stage ([0-9.]+) \\(TID \\d+\\) \\([^ )]+ executor (\\w+)\\)")
                .matcher(text);
        return m.find() ? " in task " + m.group(1) + " of stage " + m.group(2) + " on executor " + m.group(3) : "";
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            all.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
