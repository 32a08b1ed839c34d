package sparktrain.jobs;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparktrain.worker.ExitCode;
import sparktrain.driver.doctor.Equivalence;

import java.util.concurrent.Callable;

@Command(name = "check-equivalence", description = "Train a few steps in one JVM and on one Spark worker from the same"
        + " seed; exit 0 when the parameters agree within the tolerance, 1 otherwise.")
final class CheckEquivalenceCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions job;

    @Option(names = "--steps", defaultValue = "20", description = "Minibatches to train (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--tolerance", defaultValue = "1e-3",
            description = "Largest parameter difference, relative to the largest parameter change, that still agrees"
                    + " (default ${DEFAULT-VALUE}).")
    double tolerance;

    @Mixin
    MasterOption master;

    @Override
    public Integer call() {
        Equivalence.Result result = Equivalence.run(job.load(), master.url, steps, tolerance);
        spec.commandLine().getOut().print(result.report());
        spec.commandLine().getOut().flush();
        return result.agrees() ? ExitCode.OK.code : ExitCode.FAILURE.code;
    }
}
