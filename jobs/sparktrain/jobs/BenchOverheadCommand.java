package sparktrain.jobs;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sparktrain.core.ExitCode;
import sparktrain.driver.OverheadBenchmark;

import java.util.concurrent.Callable;

@Command(name = "bench-overhead", description = "One epoch in one JVM against one epoch on Spark: samples/s and ratio.")
final class BenchOverheadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions job;

    @Option(names = "--images", defaultValue = "20000", description = "Training images to use (default ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master for the Spark run.")
    String master;

    @Override
    public Integer call() {
        OverheadBenchmark.Result r = OverheadBenchmark.run(job.load(), images, master);
        spec.commandLine().getOut().printf("images %d%nsingle JVM: %.0f samples/s%nspark (%s): %.0f samples/s%nratio %.3f%n",
                r.images(), r.singleJvmSamplesPerSecond(), r.spark(), r.sparkSamplesPerSecond(), r.ratio());
        spec.commandLine().getOut().flush();
        return ExitCode.OK.code;
    }
}
