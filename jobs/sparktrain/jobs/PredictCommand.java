package sparktrain.jobs;

import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparktrain.driver.PredictJob;
import sparktrain.driver.SavedModel;
import sparktrain.worker.ExitCode;
import sparktrain.worker.io.HadoopFiles;

import java.util.concurrent.Callable;

@Command(name = "predict",
        description = {"Score every row of a table or image folder with a model train wrote, as a Spark job: the"
                + " executors read the input, score it and write the predictions (--input).",
                "Without --input: a timeseries-lstm model's forecasts for the job's test sequences, with actual values,"
                        + " as CSV."})
final class PredictCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions job;

    @Mixin
    InputOptions in;

    @Option(names = "--output", paramLabel = "URI",
            description = "With --input: a new or empty directory for the predictions (default: predictions beside the"
                    + " model). Without: the CSV file (default: forecasts.csv beside the model).")
    String output;

    @Option(names = "--output-format", paramLabel = "FORMAT", defaultValue = "parquet",
            description = "With --input: parquet (probability as an array) or csv (confidence, the predicted class's"
                    + " probability). Default: ${DEFAULT-VALUE}.")
    String outputFormat;

    @Override
    public Integer call() {
        if (in.input == null) {
            String target = output != null ? output : besideModel("forecasts.csv");
            int sequences = PredictJob.run(job.load(), in.model, target);
            spec.commandLine().getOut().printf("%d forecasts written to %s%n", sequences, target);
        } else {
            SavedModel saved = in.read(job);
            String target = output != null ? output : new Path(HadoopFiles.path(saved.file()).getParent(), "predictions")
                    .toString();
            long rows = PredictJob.everyRow(saved, target, outputFormat);
            spec.commandLine().getOut().printf("%d predictions written to %s%n", rows, target);
        }
        spec.commandLine().getOut().flush();
        return ExitCode.OK.code;
    }

    private String besideModel(String name) {
        return new Path(HadoopFiles.path(in.model).getParent(), name).toString();
    }
}
