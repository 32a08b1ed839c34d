package sparktrain.jobs;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;
import sparktrain.driver.sweep.SweepConfig;
import sparktrain.driver.sweep.SweepJob;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "sweep", description = "Train the trials of a sweep file (grid and/or random search, optional ASHA)"
        + " and write trials.csv, sweep.json, a run directory per trial and best/.")
final class SweepCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SWEEP_FILE", description = "The sweep file (HOCON).")
    String sweepFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a sweep key (e.g. parallelism=1) or a"
            + " job-file key for every trial (e.g. data.train-limit=5000). Repeatable.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--output", paramLabel = "DIR", description = "Sweep directory (default: output.dir, else"
            + " runs/sweep-<name>-<timestamp>). Must be new or empty.")
    String output;

    @Option(names = "--resume", paramLabel = "DIR", description = "Finish the sweep in DIR: runs only the trials"
            + " that did not finish.")
    String resume;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master; overrides spark-submit and the base job's spark.master.")
    String master;

    @Option(names = "--skip-doctor", description = "Skip the checks of 'sparktrain doctor' before the sweep.")
    boolean skipDoctor;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        SweepJob.Outcome outcome;
        if (resume != null) {
            if (sweepFile != null || output != null || !overrides.isEmpty()) {
                throw SparktrainException.usage("--resume " + resume + " runs the sweep as it was planned: give no"
                        + " SWEEP_FILE, --output or --set with it");
            }
            outcome = SweepJob.resume(resume, master);
        } else {
            if (sweepFile == null) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "missing the sweep file: give SWEEP_FILE, e.g. conf/sweep-lenet-fashion-mnist.conf");
            }
            outcome = SweepJob.run(SweepConfig.load(sweepFile, overrides), master, output, !skipDoctor);
        }
        spec.commandLine().getOut().println(outcome.summary());
        spec.commandLine().getOut().flush();
        return ExitCode.OK.code;
    }
}
