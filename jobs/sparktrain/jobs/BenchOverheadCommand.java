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
import sparktrain.driver.bench.FairTiming;
import sparktrain.driver.bench.OverheadBenchmark;
import sparktrain.driver.bench.OverheadBenchmark.Epochs;
import sparktrain.driver.bench.Spread;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "bench-overhead", description = "LeNet epochs in one JVM, with ParallelWrapper and on Spark: a warm-up epoch"
        + " each, then rounds in alternating order; each run's median samples/s with the range, and the ratio.")
final class BenchOverheadCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    JobOptions job;

    @Option(names = "--images", defaultValue = "20000", description = "Training images to use (default ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--master", paramLabel = "URL", description = "Spark master for the Spark run.")
    String master;

    @Option(names = "--runs", split = ",", paramLabel = "RUN", defaultValue = "single,parallel-wrapper,spark",
            description = "What to time: single, parallel-wrapper, spark (default ${DEFAULT-VALUE}).")
    List<String> runs = new ArrayList<>();

    @Option(names = "--repeats", defaultValue = "3", description = "Timed epochs of each run after its warm-up epoch,"
            + " at least 3 (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the measurements as JSON to FILE.")
    String json;

    @Override
    public Integer call() throws IOException {
        for (String run : runs) {
            if (!OverheadBenchmark.RUNS.contains(run)) {
                throw SparktrainException.usage("--runs " + run + ": unknown run; use single, parallel-wrapper or spark");
            }
            if (runs.indexOf(run) != runs.lastIndexOf(run)) {
                throw SparktrainException.usage("--runs " + run + ": named twice; name each run once");
            }
        }
        if (images < 1) {
            throw SparktrainException.usage("--images = " + images + ": must be >= 1");
        }
        if (repeats < FairTiming.MIN_REPEATS) {
            throw SparktrainException.usage("--repeats = " + repeats + ": must be >= " + FairTiming.MIN_REPEATS);
        }
        List<Epochs> results = OverheadBenchmark.measure(job.load(), List.of(), images, master, runs, repeats);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("images %d, a warm-up epoch and %d timed epochs each%n", images, repeats);
        for (Epochs e : results) {
            out.printf("%s (%s): %s samples/s%n", e.run(), e.setup(), e.samplesPerSecond().format("%.0f"));
        }
        // the reference: ParallelWrapper, else the one JVM
        int reference = runs.indexOf("parallel-wrapper") >= 0 ? runs.indexOf("parallel-wrapper") : runs.indexOf("single");
        int spark = runs.indexOf("spark");
        if (reference >= 0 && spark >= 0) {
            Spread ratio = results.get(spark).samplesPerSecond().over(results.get(reference).samplesPerSecond());
            out.printf("ratio of Spark to %s %.3f (round by round %s)%n", results.get(reference).run(),
                    results.get(spark).samplesPerSecond().median() / results.get(reference).samplesPerSecond().median(),
                    ratio.format("%.3f"));
        }
        out.flush();
        if (json != null) {
            String text = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build().writeValueAsString(results);
            HadoopFiles.writeAtomically(HadoopFiles.path(json), text);
        }
        return ExitCode.OK.code;
    }
}
