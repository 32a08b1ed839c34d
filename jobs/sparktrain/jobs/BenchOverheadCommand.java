package sparktrain.jobs;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.driver.bench.OverheadBenchmark;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "bench-overhead", description = "One epoch in one JVM, with ParallelWrapper and on Spark: samples/s and ratio.")
final class BenchOverheadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions job;

    @Option(names = "--images", defaultValue = "20000", description = "Training images to use (default ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master for the Spark run.")
    String master;

    @Option(names = "--runs", split = ",", paramLabel = "RUN", defaultValue = "single,spark",
            description = "What to time, in order: single, parallel-wrapper, spark (default ${DEFAULT-VALUE}).")
    List<String> runs = new ArrayList<>();

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the measurements as JSON to FILE.")
    String json;

    @Override
    public Integer call() throws IOException {
        for (String run : runs) {
            if (!OverheadBenchmark.RUNS.contains(run)) {
                throw SparktrainException.usage("--runs " + run + ": unknown run; use single, parallel-wrapper or spark");
            }
        }
        if (images < 1) {
            throw SparktrainException.usage("--images = " + images + ": must be >= 1");
        }
        List<OverheadBenchmark.Measurement> results = OverheadBenchmark.measure(job.load(), images, master, runs);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("images %d%n", images);
        for (OverheadBenchmark.Measurement m : results) {
            out.printf("%s (%s): %.0f samples/s%n", m.run(), m.setup(), m.samplesPerSecond());
        }
        if (results.size() >= 2 && runs.get(0).equals("single")) {
            out.printf("ratio %.3f%n", results.get(results.size() - 1).samplesPerSecond() / results.get(0).samplesPerSecond());
        }
        out.flush();
        if (json != null) {
            String text = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(results);
            HadoopFiles.writeAtomically(HadoopFiles.path(json), text);
        }
        return ExitCode.OK.code;
    }
}
