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
import sparktrain.worker.io.HadoopFiles;
import sparktrain.driver.EvaluateJob;

import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "evaluate", description = "Print and write the test metrics of a saved model.")
final class EvaluateCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions job;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "A model.zip written by train.")
    String model;

    @Option(names = "--output", paramLabel = "FILE",
            description = "Where to write the metrics as JSON (default: evaluation.json beside the model).")
    String output;

    @Override
    public Integer call() throws Exception {
        Map<String, Object> metrics = EvaluateJob.run(job.load(), model);
        String json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(metrics);
        Path target = output != null ? HadoopFiles.path(output)
                : new Path(HadoopFiles.path(model).getParent(), "evaluation.json");
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
