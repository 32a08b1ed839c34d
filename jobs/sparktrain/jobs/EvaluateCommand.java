package sparktrain.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.driver.EvaluateJob;
import sparktrain.driver.SavedModel;

import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "evaluate",
        description = {"Print and write the test metrics of a saved model: on the job's test set (or, with --split"
        + " validation, its validation rows), or with --input on every row of a labelled table or image folder,"
        + " measured by the executors."})
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions job;

    @Mixin
    InputOptions in;

    @Option(names = "--output", paramLabel = "FILE",
            description = "Where to write the metrics as JSON (default: evaluation.json beside the model;"
                    + " evaluation-validation.json with --split validation).")
    String output;

    @Option(names = "--split", paramLabel = "SPLIT",
            description = "test (the default) or validation: which of the job's held-out rows to measure on, as train"
                    + " split them: give the job file and --set seed=N that train ran with (the seed decides the split)."
                    + " Compare settings on validation; read the test set once per reported result.")
    String split;

    @Override
    public Integer call() throws Exception {
        if (split != null && !split.equals("test") && !split.equals("validation")) {
            throw SparktrainException.usage("--split " + split + ": must be test or validation");
        }
        if (split != null && in.input != null) {
            throw SparktrainException.usage("--split " + split + ": not with --input, which measures every row of it");
        }
        boolean validation = "validation".equals(split);
        SavedModel saved = in.input == null ? null : in.read(job);
        Map<String, Object> metrics = saved == null ? EvaluateJob.run(job.load(), in.model, validation)
                : EvaluateJob.everyRow(saved);
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(metrics);
        String file = validation ? "evaluation-validation.json" : "evaluation.json";
        Path target = output != null ? HadoopFiles.path(output)
                : new Path(HadoopFiles.path(saved == null ? in.model : saved.file()).getParent(), file);
        try {
            HadoopFiles.writeAtomically(target, json + "\n");
        } catch (java.io.IOException e) {
            throw HadoopFiles.cannotWrite(target, e);
        }
        spec.commandLine().getOut().println(json);
        spec.commandLine().getOut().flush();
        return ExitCode.OK.code;
    }
}
