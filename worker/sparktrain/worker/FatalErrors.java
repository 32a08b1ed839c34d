package sparktrain.worker;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * Ends the process when any thread dies of an OutOfMemoryError or another VirtualMachineError. Such a thread
 * (one of Spark's event loops, a listener, a DL4J, Aeron or progress thread) is simply gone, and whatever waited
 * on it waits forever: a run that prints progress lines at 0% until someone kills it. Installed by the CLI's
 * {@code main} only, never in a JVM that a test or another application owns.
 *
 * <p>The exit is armed in advance: two threads started at install time wait for the error. One prints the one
 * line ({@code sparktrain: error: ...}) and calls {@link System#exit}; the other halts the JVM a few seconds later
 * should the exit hang in a shutdown hook (Spark's stops the SparkContext, whose scheduler may be the thread
 * that died). When the line cannot be built for want of memory, a fixed one is printed, and when nothing can be
 * printed the exit code is still the one asked for: an equivalent of {@code -XX:+ExitOnOutOfMemoryError} that
 * keeps the message and the exit code 1.
 */
public final class FatalErrors {
    /** How long {@link System#exit} may take (Spark's shutdown hooks) before the JVM is halted. */
    static final long HALT_AFTER_SECONDS = 10;
    private static final String FALLBACK = "sparktrain: error: the driver JVM ran out of memory on another thread"
            + " (OutOfMemoryError); raise its memory (SPARKTRAIN_DRIVER_MEMORY, or spark.driver.memory under spark-submit)";

    private static final CountDownLatch FIRED = new CountDownLatch(1);
    private static final AtomicBoolean CLAIMED = new AtomicBoolean();
    private static volatile boolean installed;
    private static volatile Throwable error;
    private static volatile Thread thread;
    private static volatile String line;
    private static volatile int exitCode = ExitCode.FAILURE.code;
    private static volatile Supplier<String> resumeHint = () -> null;

    private FatalErrors() {
    }

    /**
     * From now on a VirtualMachineError that ends any thread ends the process: one line on {@code err}, made by
     * {@code explain} from the error and the thread's name, then exit 1. Other uncaught exceptions are printed
     * as the JVM prints them and leave the process alone.
     *
     * @param verbose also print the error's stack trace
     * @param quiet    run before the line is printed: silences the logs, where Spark's shutdown under running tasks
     *                 would otherwise print stack traces after the line
     */
    public static synchronized void install(PrintStream err, boolean verbose, BiFunction<Throwable, String, String> explain,
                                            Runnable quiet) {
        if (installed) {
            return;
        }
        installed = true;
        Thread exit = new Thread(() -> {
            awaitFired();
            try {
                quiet.run();
            } catch (Throwable e) { // the line matters more than the quiet
                // go on
            }
            try {
                String text = line != null ? line : "sparktrain: error: " + explain.apply(error, thread.getName());
                err.println(text);
                if (verbose && error != null) {
                    error.printStackTrace(err);
                }
            } catch (Throwable e) { // out of memory even for the message
                err.println(FALLBACK);
            }
            err.flush();
            // Spark's shutdown hooks race its own thread pools, and Scala's futures print what a shut-down pool
            // rejected straight to System.err: after the one line the process only ends, so nothing more is printed
            System.setErr(new PrintStream(OutputStream.nullOutputStream()));
            System.exit(exitCode);
        }, "sparktrain-fatal-exit");
        Thread halt = new Thread(() -> {
            awaitFired();
            try {
                Thread.sleep(TimeUnit.SECONDS.toMillis(HALT_AFTER_SECONDS));
            } catch (InterruptedException ignored) {
                // halt now
            }
            Runtime.getRuntime().halt(exitCode);
        }, "sparktrain-fatal-halt");
        for (Thread t : new Thread[] {exit, halt}) {
            t.setDaemon(true);
            t.start();
        }
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (fatal(e) != null) {
                if (CLAIMED.compareAndSet(false, true)) {
                    thread = t;
                    error = fatal(e);
                    FIRED.countDown();
                }
                return;
            }
            // what the JVM prints when no handler is set
            System.err.print("Exception in thread \"" + t.getName() + "\" ");
            e.printStackTrace(System.err);
        });
    }

    /** The VirtualMachineError among {@code e} and its causes, or null. */
    public static VirtualMachineError fatal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof VirtualMachineError v) {
                return v;
            }
        }
        return null;
    }

    /**
     * Ends the process with {@code code} after printing {@code text} (one {@code sparktrain: error:} line), for
     * a run that cannot be stopped any other way (the stall watchdog's last resort). Returns false, doing nothing,
     * when {@link #install} was not called (a test's or another application's JVM).
     */
    public static boolean exit(ExitCode code, String text) {
        if (!installed || !CLAIMED.compareAndSet(false, true)) {
            return installed;
        }
        exitCode = code.code;
        line = "sparktrain: error: " + text;
        FIRED.countDown();
        return true;
    }

    /** True once the process is on its way out because of a fatal error: nothing more may be written. */
    public static boolean exiting() {
        return CLAIMED.get();
    }

    /** Blocks the calling thread for good when the process is exiting (so it prints and writes nothing more). */
    public static void waitIfExiting() {
        waitIfExiting(0);
    }

    /** Waits up to {@code millis} for a fatal error to be reported; if one is (or was), blocks for good. */
    public static void waitIfExiting(long millis) {
        try {
            if (installed && (CLAIMED.get() || FIRED.await(millis, TimeUnit.MILLISECONDS))) {
                new CountDownLatch(1).await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** What a fatal error's line says about where to continue from, e.g. the last checkpoint for train --resume. */
    public static void resumeHint(Supplier<String> hint) {
        resumeHint = hint == null ? () -> null : hint;
    }

    /** The current resume hint ("the last checkpoint is ...: continue from it with ..."), or null. */
    public static String resumeHint() {
        try {
            return resumeHint.get();
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static void awaitFired() {
        while (true) {
            try {
                FIRED.await();
                return;
            } catch (InterruptedException ignored) {
                // only the error ends the wait
            }
        }
    }
}
