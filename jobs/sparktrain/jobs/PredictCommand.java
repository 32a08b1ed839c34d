package sparktrain.jobs;

import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparktrain.worker.ExitCode;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.driver.PredictJob;

import java.util.concurrent.Callable;

@Command(name = "predict",
        description = "Write a timeseries-lstm model's forecasts for the job's test sequences, with actual values, as CSV.")
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions job;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A timeseries-lstm model.zip written by train.")
    String model;

    @Option(names = "--output", paramLabel = "FILE",
            description = "Where to write the CSV (default: forecasts.csv beside the model).")
    String output;

    @Override
    public Integer call() {
        String target = output != null ? output
                : new Path(HadoopFiles.path(model).getParent(), "forecasts.csv").toString();
        int sequences = PredictJob.run(job.load(), model, target);
        spec.commandLine().getOut().printf("%d forecasts written to %s%n", sequences, target);
        spec.commandLine().getOut().flush();
        return ExitCode.OK.code;
    }
}
