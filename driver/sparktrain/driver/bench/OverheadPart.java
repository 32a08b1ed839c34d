package sparktrain.driver.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.nd4j.linalg.dataset.DataSet;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.JobConfig;
import sparktrain.driver.bench.OverheadBenchmark;
import sparktrain.driver.bench.OverheadBenchmark.Measurement;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Part 1: the same LeNet epoch in one JVM, with ParallelWrapper, with Spark local[2] averaging and sharing,
 * and (measured before by scripts/bench on the standalone cluster, read from a JSON file) on two executors.
 */
public final class OverheadPart {
    private OverheadPart() {
    }

    public static String run(BenchContext ctx, Path clusterResult) {
        int images = ctx.size(10_000, 1_000);
        JobConfig averaging = ctx.job("lenet-fashion-mnist.conf");
        JobConfig sharing = ctx.job("lenet-fashion-mnist-sharing.conf");
        List<Measurement> runs = new ArrayList<>(OverheadBenchmark.measure(averaging, images, BenchContext.MASTER,
                List.of("single", "parallel-wrapper", "spark")));
        runs.add(OverheadBenchmark.spark(sharing, images, BenchContext.MASTER, strategy -> { }));
        String cluster = "not measured (scripts/bench runs it under `flock /tmp/sparktrain-ports.lock` with"
                + " scripts/cluster and scripts/submit)";
        if (clusterResult != null && Files.exists(clusterResult)) {
            List<Measurement> c = read(clusterResult);
            runs.addAll(c);
            cluster = "2 workers of 1 core each (scripts/cluster start --workers 2), client mode, read from "
                    + clusterResult.getFileName();
        }
        return render(ctx, images, runs, cluster);
    }

    static String render(BenchContext ctx, int images, List<Measurement> runs, String cluster) {
        double base = runs.get(0).samplesPerSecond();
        List<List<String>> rows = new ArrayList<>();
        for (Measurement m : runs) {
            rows.add(List.of(m.run(), m.setup(), Markdown.f("%.0f", m.samplesPerSecond()),
                    Markdown.f("%.2f", m.samplesPerSecond() / base)));
        }
        return ctx.header("Overhead: one LeNet epoch, five ways", Markdown.f("%,d training images, one epoch each", images))
                + "\nLeNet-5 (conf/lenet-fashion-mnist.conf; sharing: conf/lenet-fashion-mnist-sharing.conf, the same model and updater), the same"
                + " images, batch 32 per worker, timed from the first minibatch to the last (data loading and Spark start-up"
                + " excluded). Cluster: " + cluster + ".\n\n"
                + Markdown.table(List.of("run", "setup", "samples/s", "ratio to one JVM"), rows);
    }

    static List<Measurement> read(Path json) {
        try {
            return List.of(JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build()
                    .readValue(Files.readString(json), Measurement[].class));
        } catch (IOException e) {
            throw SparktrainException.badData(json + ": not the JSON bench-overhead --json writes (" + e.getMessage()
                    + "); run scripts/bench overhead again");
        }
    }
}
