package sparktrain.jobs;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;
import sparktrain.driver.GenerateJob;

import java.util.concurrent.Callable;

@Command(name = "generate", description = "Sample text from a char-lstm model (and the vocabulary.json beside it).")
final class GenerateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A char-lstm model.zip written by train.")
    String model;

    @Option(names = "--length", paramLabel = "N", defaultValue = "500", description = "Characters to sample (default: ${DEFAULT-VALUE}).")
    int length;

    @Option(names = "--temperature", paramLabel = "T", defaultValue = "0.8",
            description = "Below 1 picks likelier characters, above 1 more surprising ones (default: ${DEFAULT-VALUE}).")
    double temperature;

    @Option(names = "--prime", paramLabel = "TEXT", defaultValue = "",
            description = "Text to start from; printed before the sample (default: a newline, not printed).")
    String prime;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seeds the sampling (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        if (length < 0) {
            throw SparktrainException.usage("--length " + length + ": must be >= 0");
        }
        if (!(temperature > 0) || !Double.isFinite(temperature)) {
            throw SparktrainException.usage("--temperature " + temperature + ": must be > 0");
        }
        String text = GenerateJob.run(model, length, temperature, prime, seed);
        spec.commandLine().getOut().println(text);
        spec.commandLine().getOut().flush();
        return ExitCode.OK.code;
    }
}
