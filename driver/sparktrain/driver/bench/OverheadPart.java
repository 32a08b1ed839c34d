package sparktrain.driver.bench;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.JobConfig;
import sparktrain.driver.bench.OverheadBenchmark.Epochs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Part 1: the same LeNet epochs in one JVM, with ParallelWrapper (the peer on one machine), with Spark local[2]
 * averaging and sharing, all in this JVM in {@link FairTiming}'s alternating rounds, and (measured before by
 * scripts/bench on the standalone cluster, read from a JSON file) on two executors.
 */
public final class OverheadPart {
    static final int REPEATS = 5;
    static final double GOAL = 0.95;

    private OverheadPart() {
    }

    public static String run(BenchContext ctx, Path clusterResult) {
        int images = ctx.size(10_000, 1_000);
        JobConfig averaging = ctx.job("lenet-fashion-mnist.conf");
        JobConfig sharing = ctx.job("lenet-fashion-mnist-sharing.conf");
        List<Epochs> runs = new ArrayList<>(OverheadBenchmark.measure(averaging, List.of(sharing), images,
                BenchContext.MASTER, List.of("single", "parallel-wrapper", "spark"), REPEATS));
        String cluster = "not measured (scripts/bench runs it under `flock /tmp/sparktrain-ports.lock` with"
                + " scripts/cluster and scripts/submit)";
        if (clusterResult != null && Files.exists(clusterResult)) {
            List<Epochs> c = read(clusterResult);
            runs.addAll(c);
            cluster = "2 workers of 1 core each (scripts/cluster start --workers 2), client mode, in a driver JVM of its own"
                    + " with its own warm-up epoch and " + c.get(0).seconds().size() + " timed epochs, read from "
                    + clusterResult.getFileName();
        }
        return render(ctx, images, runs, cluster);
    }

    static String render(BenchContext ctx, int images, List<Epochs> runs, String cluster) {
        Epochs single = find(runs, "single JVM");
        Epochs wrapper = find(runs, "ParallelWrapper");
        List<List<String>> rows = new ArrayList<>();
        for (Epochs e : runs) {
            double median = e.samplesPerSecond().median();
            rows.add(List.of(e.run(), e.setup(), e.samplesPerSecond().format("%.0f"),
                    wrapper == null ? "-" : Markdown.f("%.2f", median / wrapper.samplesPerSecond().median()),
                    single == null ? "-" : Markdown.f("%.2f", median / single.samplesPerSecond().median())));
        }
        int repeats = runs.get(0).seconds().size();
        StringBuilder s = new StringBuilder(ctx.header("Overhead: LeNet epochs, five ways", Markdown.f("%,d training"
                + " images; a warm-up epoch, then %d timed epochs per configuration", images, repeats)));
        s.append("\nLeNet-5 (conf/lenet-fashion-mnist.conf; sharing: conf/lenet-fashion-mnist-sharing.conf, the same model")
                .append(" and updater), the same images, batch 32 per worker, each epoch timed from the first minibatch")
                .append(" to the last (data loading and Spark start-up excluded). The first four run in one JVM, each as")
                .append(" one training going on epoch by epoch: a warm-up epoch each, then ").append(repeats)
                .append(" rounds in alternating order (forward, backward, ...). samples/s: the median epoch's, with the")
                .append(" slowest and fastest. Ratios are of the medians. Cluster: ").append(cluster).append(".\n\n")
                .append(Markdown.table(List.of("run", "setup", "samples/s: median (min-max)", "ratio to ParallelWrapper",
                        "ratio to one JVM"), rows));
        Epochs spark = find(runs, "Spark " + BenchContext.MASTER + " averaging");
        if (wrapper != null && spark != null) {
            Spread ratio = spark.samplesPerSecond().over(wrapper.samplesPerSecond());
            double median = spark.samplesPerSecond().median() / wrapper.samplesPerSecond().median();
            s.append(Markdown.f("%nSpark %s averaging against ParallelWrapper, the peer on one machine: **%.3fx** (round by"
                            + " round %s); goal at least %.2fx: %s.%n", BenchContext.MASTER, median, ratio.format("%.2f"), GOAL,
                    median >= GOAL ? "met" : "not met"));
        }
        return s.toString();
    }

    private static Epochs find(List<Epochs> runs, String run) {
        return runs.stream().filter(e -> e.run().equals(run)).findFirst().orElse(null);
    }

    static List<Epochs> read(Path json) {
        try {
            return List.of(JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build()
                    .readValue(Files.readString(json), Epochs[].class));
        } catch (IOException e) {
            throw SparktrainException.badData(json + ": not the JSON bench-overhead --json writes (" + e.getMessage()
                    + "); run scripts/bench overhead again");
        }
    }
}
