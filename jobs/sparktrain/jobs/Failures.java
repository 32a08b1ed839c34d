package sparktrain.jobs;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the failures Spark reports from a cluster into one line that names the setting to change. Spark
 * hands the driver an executor's error as text inside "Job aborted due to stage failure: ..." (the
 * executor's exception object stays on the executor), so the causes' messages are what we read.
 */
final class Failures {
    /** An executor that dies of an OutOfMemoryError exits with this code (Spark's SparkExitCode.OOM). */
    private static final Pattern OOM_EXIT = Pattern.compile("exited with code 52\\b");
    private static final Pattern LOST_TASK = Pattern.compile("Lost task [0-9.]+ in stage [0-9.]+ \\(TID \\d+\\)");
    private static final Pattern OFF_HEAP = Pattern.compile(
            "physicalBytes|maxPhysicalBytes|maxBytes|Cannot allocate new|Direct buffer memory|Failed to allocate|off-heap",
            Pattern.CASE_INSENSITIVE);

    static final String HEAP_FIX = "raise spark.executor.memory (the job file's spark.conf, --conf, or conf/spark-defaults.conf)";
    static final String OFF_HEAP_FIX = "raise ND4J's off-heap limits -Dorg.bytedeco.javacpp.maxbytes and"
            + " -Dorg.bytedeco.javacpp.maxphysicalbytes in spark.executor.extraJavaOptions, with spark.executor.memoryOverhead to match";
    static final String DRIVER_FIX = "raise spark.driver.memory (scripts/submit reads it from conf/spark-defaults.conf),"
            + " or SPARKTRAIN_DRIVER_MEMORY for scripts/sparktrain, whose local mode runs the executors in the driver";
    static final String STOPPED_CONTEXT = "the SparkContext stopped before the job ran: on a standalone cluster this"
            + " usually means the application could not register with the master (\"All masters are unresponsive\""
            + " in the log above): check --master and that the cluster's secret is given (scripts/submit takes it from"
            + " the cluster's state dir or SPARKTRAIN_SECRET_FILE; README \"Security\")";

    private Failures() {
    }

    /** The one-line explanation for a failure we recognise, else empty. */
    static Optional<String> explain(Throwable e) {
        String text = messages(e);
        boolean executor = text.contains("Job aborted due to stage failure") || text.contains("ExecutorLostFailure")
                || LOST_TASK.matcher(text).find();
        boolean oomText = text.contains("OutOfMemoryError") || OOM_EXIT.matcher(text).find();
        boolean oomThrown = false;
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            oomThrown |= t instanceof OutOfMemoryError;
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
        if (oomThrown || text.contains("OutOfMemoryError")) {
            String kind = OFF_HEAP.matcher(text).find() ? " (ND4J off-heap: " + OFF_HEAP_FIX + ")" : "";
            return Optional.of("the driver ran out of memory: " + DRIVER_FIX + kind);
        }
        if (text.contains("Cannot call methods on a stopped SparkContext") || text.contains("SparkContext has been shutdown")) {
            return Optional.of(STOPPED_CONTEXT);
        }
        return Optional.empty();
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
