package sparktrain.jobs;

import picocli.CommandLine.Option;

/** {@code --verbose}: {@link Main} prints the stack trace of a failure when a command was given it. */
final class VerboseOption {
    @Option(names = "--verbose", description = "Print stack traces with errors.")
    boolean verbose;
}
