package sparktrain.jobs;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;
import sparktrain.driver.TrainJob;

import java.util.concurrent.Callable;

@Command(name = "train", description = "Train the network a job file describes and write a run directory.")
final class TrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions job;

    @Option(names = "--output", paramLabel = "DIR",
            description = "Run directory (default: output.dir, else runs/<name>-<timestamp>). Must be new or empty.")
    String output;

    @Mixin
    MasterOption master;

    @Option(names = "--resume", paramLabel = "DIR",
            description = "Continue the run in DIR from its newest checkpoint (CONFIG defaults to DIR/job.conf).")
    String resume;

    @Option(names = "--quiet", description = "No progress bar on a terminal: a progress line every log.progress-seconds instead.")
    boolean quiet;

    @Option(names = "--skip-doctor", description = "Skip the checks of 'sparktrain doctor' before training.")
    boolean skipDoctor;

    @Override
    public Integer call() {
        if (resume != null && output != null) {
            throw SparktrainException.usage("--resume and --output both name the run directory: give only --resume");
        }
        TrainJob.Outcome outcome = resume != null
                ? TrainJob.resume(job.loadOr(resume), master.url, resume, new TrainJob.Options(quiet, !skipDoctor))
                : TrainJob.run(job.load(), master.url, output, new TrainJob.Options(quiet, !skipDoctor));
        spec.commandLine().getOut().printf("test %s%noutputs %s%n", outcome.summary(), outcome.outputDirectory());
        spec.commandLine().getOut().flush();
        return ExitCode.OK.code;
    }
}
