package sparktrain.driver.bench;

import sparktrain.worker.SparktrainException;
import sparktrain.worker.data.FashionMnist;
import sparktrain.worker.training.EpochStats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Part 7 (not in the default five): does the driver's memory stay flat as the data grows? scripts/bench writes
 * Fashion-MNIST as Parquet with {@code make-data --copies N} and trains the MLP for one epoch on the 2-worker
 * cluster, client mode, the driver's heap capped at 1 GiB, into {@code RUNS/c<N>/} (with {@code c<N>.gc.log}, the
 * driver's GC log, {@code c<N>.time}, GNU time's report on the driver's process, and {@code c<N>.log}); this part reads
 * them.
 */
public final class ScalePart {
    private static final Pattern AFTER_GC = Pattern.compile("->(\\d+)M\\(");
    private static final Pattern MAX_RSS = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)");
    private static final Pattern TEST_SECONDS = Pattern.compile("test set scored in ([0-9.]+) s");
    private static final Pattern ACCURACY = Pattern.compile("\"accuracy\"\\s*:\\s*([0-9.]+)");

    /** One run over N copies of the training set. */
    record Run(int copies, EpochStats epoch, long heapAfterGcMiB, long rssMiB, double testSeconds, double accuracy) {
        /** What the old driver-side path held: every training minibatch as floats (features and one-hot labels). */
        long floatMinibatchBytes() {
            return epoch.samples() * (long) (FashionMnist.SHAPE.flatSize() + FashionMnist.SHAPE.classes()) * Float.BYTES;
        }
    }

    private ScalePart() {
    }

    public static String run(BenchContext ctx, Path runs, String sizes) {
        List<Run> read = read(runs);
        if (read.size() < 2) {
            throw SparktrainException.usage("bench scale: " + runs + " holds " + read.size() + " runs (c<N>/); need two");
        }
        return render(ctx, sizes, read);
    }

    static List<Run> read(Path dir) {
        try (Stream<Path> runs = Files.list(dir)) {
            List<Run> read = new ArrayList<>();
            for (Path run : runs.filter(p -> Files.isDirectory(p) && p.getFileName().toString().matches("c\\d+")).toList()) {
                read.add(run(run));
            }
            read.sort(Comparator.comparingInt(Run::copies));
            return read;
        } catch (IOException e) {
            throw SparktrainException.usage(dir + ": cannot read the scale runs: " + e.getMessage());
        }
    }

    private static Run run(Path run) throws IOException {
        String name = run.getFileName().toString();
        EpochStats epoch = RunHistory.read("scale", run).get(0);
        long heap = Files.readAllLines(run.resolveSibling(name + ".gc.log")).stream()
                .map(AFTER_GC::matcher).filter(Matcher::find).mapToLong(m -> Long.parseLong(m.group(1))).max().orElse(-1);
        return new Run(Integer.parseInt(name.substring(1)), epoch, heap,
                (long) find(MAX_RSS, run.resolveSibling(name + ".time")) / 1024,
                find(TEST_SECONDS, run.resolveSibling(name + ".log")), find(ACCURACY, run.resolve("metrics.json")));
    }

    private static double find(Pattern p, Path file) throws IOException {
        Matcher m = p.matcher(Files.readString(file));
        if (!m.find()) {
            throw SparktrainException.usage("bench scale: " + file + ": no " + p.pattern());
        }
        return Double.parseDouble(m.group(1));
    }

    static String render(BenchContext ctx, String sizes, List<Run> runs) {
        StringBuilder s = new StringBuilder(ctx.header("The driver's memory as the data grows", sizes));
        s.append("\nThe MLP job (conf/mlp-fashion-mnist.conf, parameter averaging, one epoch) on `make-data fashion-mnist")
                .append(" --format parquet --copies N` (each copy after the first shifted 1-2 pixels), read by the")
                .append(" executors of the 2-worker standalone cluster (1 core, 2 GiB each) in client mode, with the")
                .append(" driver's heap capped at 1 GiB (`spark.driver.memory`). Heap: the largest heap in use after a")
                .append(" garbage collection in the driver's GC log; RSS: GNU time's maximum resident set size of the")
                .append(" driver's process. The old driver-side path held every training minibatch as floats in the")
                .append(" driver's heap. One run per size, in the table's order, each a new driver (no warm-up, no")
                .append(" repeats): single measurements, not medians.\n\n");
        List<List<String>> rows = new ArrayList<>();
        for (Run r : runs) {
            rows.add(List.of(String.valueOf(r.copies()), Markdown.f("%,d", r.epoch().samples()),
                    Markdown.f("%.0f", r.epoch().samplesPerSecond()), Markdown.seconds(r.epoch().seconds()),
                    r.heapAfterGcMiB() + " MiB", r.rssMiB() + " MiB", Markdown.seconds(r.testSeconds()),
                    Markdown.f("%.4f", r.accuracy()), Markdown.bytes(r.floatMinibatchBytes())));
        }
        s.append(Markdown.table(List.of("copies", "training rows", "samples/s", "epoch", "driver heap after GC",
                "driver RSS", "test evaluation", "test accuracy", "old path: minibatches in the driver"), rows));
        Run first = runs.get(0);
        Run last = runs.get(runs.size() - 1);
        s.append(Markdown.f("%nAt %d copies against 1: the driver's heap **%.2fx** (goal: at most 1.2x), samples/s"
                        + " **%.2fx** (goal: at least 0.9x). The old path would have needed %s of minibatches in a"
                        + " 1 GiB heap at %d copies.%n", last.copies(),
                (double) last.heapAfterGcMiB() / first.heapAfterGcMiB(),
                last.epoch().samplesPerSecond() / first.epoch().samplesPerSecond(),
                Markdown.bytes(last.floatMinibatchBytes()), last.copies()));
        return s.toString();
    }
}
