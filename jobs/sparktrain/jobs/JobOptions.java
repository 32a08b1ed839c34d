package sparktrain.jobs;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;
import sparktrain.worker.output.RunOutputs;

import java.util.ArrayList;
import java.util.List;

/** What every command that reads a job file takes: the file, --set overrides and --verbose. */
final class JobOptions {
    @Parameters(index = "0", arity = "0..1", paramLabel = "CONFIG",
            description = "The job file (HOCON), a local path or Hadoop URI.")
    String config;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override a job-file key (a HOCON path), e.g. --set training.epochs=3. Repeatable.")
    List<String> overrides = new ArrayList<>();

    @Mixin
    VerboseOption verbose;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    JobConfig load() {
        if (config == null) {
            // a usage error as picocli's own: the line, then the command's usage
            throw new ParameterException(command.commandLine(),
                    "missing the job file: give CONFIG, e.g. conf/lenet-fashion-mnist.conf");
        }
        return JobFiles.load(config, overrides);
    }

    /** The job file given, or else the one a run directory saved (job.conf). */
    JobConfig loadOr(String runDirectory) {
        if (config != null) {
            RunOutputs.open(runDirectory);
            return JobFiles.load(config, overrides);
        }
        RunOutputs.openToResume(runDirectory, RunOutputs.JOB, "train");
        return JobFiles.load(runDirectory + "/" + RunOutputs.JOB, overrides);
    }
}
