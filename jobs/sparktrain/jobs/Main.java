package sparktrain.jobs;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import sparktrain.worker.ExitCode;
import sparktrain.worker.FatalErrors;
import sparktrain.worker.OneDnn;
import sparktrain.worker.SparktrainException;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/** The {@code sparktrain} command line. Exit codes: README "Exit codes" and {@link ExitCode}. */
@Command(name = "sparktrain", mixinStandardHelpOptions = true, scope = CommandLine.ScopeType.INHERIT,
        versionProvider = VersionProvider.class,
        description = "Train deep networks data-parallel on Apache Spark with Deeplearning4j.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, GenerateCommand.class, PredictCommand.class, SweepCommand.class,
                MakeDataCommand.class, DoctorCommand.class, CheckEquivalenceCommand.class, BenchOverheadCommand.class, BenchCommand.class})
public final class Main implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCode.USAGE.code;
    }

    public static void main(String[] args) {
        // a fatal error on any other thread (Spark's event loops, listeners, DL4J's threads) ends the run too
        boolean verbose = java.util.Arrays.asList(args).contains("--verbose");
        FatalErrors.install(System.err, verbose, Failures::fatal, verbose ? () -> { } : Main::silenceLogs);
        int code = run(args);
        FatalErrors.waitIfExiting();
        System.exit(code);
    }

    /** No more log lines: after a fatal error's line, a stopping Spark would log its tasks' failures with stack traces. */
    private static void silenceLogs() {
        org.apache.logging.log4j.core.config.Configurator.setAllLevels(org.apache.logging.log4j.LogManager.ROOT_LOGGER_NAME,
                org.apache.logging.log4j.Level.OFF);
    }

    public static int run(String... args) {
        return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
    }

    public static int run(PrintWriter out, PrintWriter err, String... args) {
        OneDnn.enable();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler(Main::badUsage);
        cl.setExecutionExceptionHandler(Main::failed);
        try {
            return cl.execute(args);
        } catch (Error e) {
            // picocli hands only Exceptions to the handler; errors such as OutOfMemoryError come here
            FatalErrors.waitIfExiting();
            err.println("sparktrain: error: " + Failures.explain(e).orElseGet(() -> describe(e)));
            err.flush();
            return ExitCode.FAILURE.code;
        }
    }

    private static int badUsage(CommandLine.ParameterException e, String[] args) {
        PrintWriter err = e.getCommandLine().getErr();
        err.println("sparktrain: error: " + e.getMessage());
        e.getCommandLine().usage(err);
        err.flush();
        return ExitCode.USAGE.code;
    }

    private static int failed(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
        // another thread's fatal error may have stopped the SparkContext under this one: its line is the one to print
        FatalErrors.waitIfExiting(stoppedContext(e) ? STOPPED_CONTEXT_WAIT_MILLIS : 0);
        PrintWriter err = cl.getErr();
        boolean verbose = verbose(parsed);
        SparktrainException known = find(e);
        int code;
        if (known != null) {
            known.problems().forEach(p -> err.println("sparktrain: error: " + p));
            code = known.exitCode().code;
        } else if (Failures.explain(e).isPresent()) {
            err.println("sparktrain: error: " + Failures.explain(e).get());
            code = ExitCode.FAILURE.code;
        } else {
            err.println("sparktrain: error: " + describe(e) + (verbose ? "" : " (run with --verbose for the stack trace)"));
            code = ExitCode.FAILURE.code;
        }
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return code;
    }

    /** How long a failure caused by a stopped SparkContext waits for the fatal error that may have stopped it. */
    private static final long STOPPED_CONTEXT_WAIT_MILLIS = 3000;

    private static boolean stoppedContext(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = String.valueOf(t.getMessage());
            if (m.contains("SparkContext was shut down") || m.contains("stopped SparkContext")
                    || m.contains("SparkContext has been shutdown")) {
                return true;
            }
        }
        return false;
    }

    private static boolean verbose(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** Spark and DL4J wrap exceptions thrown in tasks; the one we threw may be a few causes down. */
    static SparktrainException find(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SparktrainException s) {
                return s;
            }
        }
        return null;
    }

    static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? "" : ": " + root.getMessage().lines().findFirst().orElse("");
        return root.getClass().getSimpleName() + message;
    }
}
