package sparktrain.testing;

import sparktrain.jobs.Main;

import java.io.PrintWriter;
import java.io.StringWriter;

/** The sparktrain CLI in this JVM, as a user runs it: its exit code and what it printed. */
public final class Cli {
    private Cli() {
    }

    public record Run(int code, String out, String err) {
    }

    public static Run sparktrain(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Run(code, out.toString(), err.toString());
    }
}
