package sparktrain.driver.bench;

import org.deeplearning4j.nn.api.Model;
import sparktrain.driver.training.ParameterAveraging;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.data.FashionMnist;
import sparktrain.worker.model.NetworkFactory;
import sparktrain.worker.training.EpochStats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Part 3: the bytes LeNet epochs put on the network of the 2-worker standalone cluster, measured where they leave
 * each process (history.csv's {@code update_bytes}): averaging's are what Spark moved (the parameters and updater
 * state broadcast every round, the workers' results); sharing's are what every JVM's Aeron media driver sent plus
 * what Spark moved. scripts/bench trains both job files into {@code RUNS/averaging/} and {@code RUNS/sharing/}
 * (their logs beside them); this part reads them and puts each mode's model of the traffic beside the measurement.
 */
public final class CommunicationPart {
    /** Training images in a full epoch: Fashion-MNIST's 60,000 less the 10% validation split. */
    public static final long FULL_EPOCH = 54_000;
    private static final Pattern ENCODED = Pattern.compile(
            "gradient sharing, epoch (\\d+): .*DL4J encoded (\\d+) bytes of updates");

    /** One epoch of one mode: the measured bytes and dense equivalent, and what the mode's model says. */
    record Epoch(String mode, EpochStats stats, long model) {
        double modelError() {
            return (double) model / stats.updateBytes() - 1;
        }
    }

    private CommunicationPart() {
    }

    public static String run(BenchContext ctx, Path runs, String sizes) {
        JobConfig averaging = ctx.job("lenet-fashion-mnist.conf");
        Model network = NetworkFactory.build(averaging.model(), averaging.training(), averaging.seed(), FashionMnist.SHAPE);
        long valueBytes = 4 * (network.numParams()
                + ScalingPart.updaterState(network, averaging.training().averageUpdaters()));
        List<Epoch> a = averaging(runs.resolve("averaging"), averaging.training().batchSize(), valueBytes);
        List<Epoch> s = sharing(runs.resolve("sharing"));
        return render(ctx, sizes, network.numParams(), valueBytes / 4 - network.numParams(), a, s);
    }

    /**
     * Each averaging epoch and the model: 2 x rounds x workers x (parameters + updater state) x 4 bytes, with the
     * workers the run's run.json records.
     */
    static List<Epoch> averaging(Path run, int batchPerWorker, long valueBytes) {
        int workers = workers(run);
        List<Epoch> epochs = new ArrayList<>();
        for (EpochStats e : history(run)) {
            long minibatches = e.samples() / batchPerWorker;
            long rounds = ParameterAveraging.rounds(minibatches, (long) workers * e.averagingFrequency());
            epochs.add(new Epoch("averaging", e, ParameterAveraging.model(rounds, workers, valueBytes)));
        }
        return epochs;
    }

    /** Each sharing epoch and the model the byte columns used to hold: DL4J's encoded updates, from the run's log. */
    static List<Epoch> sharing(Path run) {
        List<EpochStats> history = history(run);
        long[] encoded = new long[history.size() + 1];
        Path log = run.resolveSibling(run.getFileName() + ".log");
        try {
            for (String line : Files.readAllLines(log)) {
                Matcher m = ENCODED.matcher(line);
                if (m.find() && Integer.parseInt(m.group(1)) <= history.size()) {
                    encoded[Integer.parseInt(m.group(1))] += Long.parseLong(m.group(2));
                }
            }
        } catch (IOException e) {
            throw SparktrainException.usage("bench communication: " + log + ": " + e.getMessage());
        }
        List<Epoch> epochs = new ArrayList<>();
        for (EpochStats e : history) {
            if (encoded[e.epoch()] == 0) {
                throw SparktrainException.usage("bench communication: " + log + ": no \"DL4J encoded\" line for epoch "
                        + e.epoch());
            }
            epochs.add(new Epoch("sharing", e, encoded[e.epoch()]));
        }
        return epochs;
    }

    private static List<EpochStats> history(Path run) {
        try {
            return RunHistory.read("communication", run);
        } catch (IOException e) {
            throw SparktrainException.usage("bench communication: " + run + ": " + e.getMessage());
        }
    }

    private static int workers(Path run) {
        try {
            return RunHistory.workers("communication", run);
        } catch (IOException e) {
            throw SparktrainException.usage("bench communication: " + run + ": " + e.getMessage());
        }
    }

    static String render(BenchContext ctx, String sizes, long parameters, long updaterState, List<Epoch> averaging,
                         List<Epoch> sharing) {
        List<List<String>> rows = new ArrayList<>();
        for (List<Epoch> mode : List.of(averaging, sharing)) {
            for (Epoch e : mode) {
                EpochStats st = e.stats();
                rows.add(List.of(e.mode(), String.valueOf(st.epoch()), Markdown.f("%,d", st.samples()),
                        Markdown.bytes(st.updateBytes()), Markdown.bytes(e.model()), Markdown.f("%+.0f%%", 100 * e.modelError()),
                        Markdown.bytes(st.denseUpdateBytes()),
                        Markdown.f("%.2f%%", 100.0 * st.updateBytes() / st.denseUpdateBytes())));
            }
        }
        StringBuilder s = new StringBuilder(ctx.header("Communication: bytes per LeNet epoch on the 2-worker cluster", sizes));
        s.append("\nLeNet-5 (conf/lenet-fashion-mnist.conf, and conf/lenet-fashion-mnist-sharing.conf: the same model")
                .append(" and updater) with `scripts/submit train` on `scripts/cluster start --workers 2`: two executor")
                .append(" JVMs of one core each and the driver, exchanging bytes over the loopback network. ")
                .append(Markdown.f("%,d parameters and %,d values of Adam's state (%s together). ", parameters,
                        updaterState, Markdown.bytes(4.0 * (parameters + updaterState))))
                .append("**Measured** (history.csv's `update_bytes`): averaging, what Spark moved for the epoch's jobs")
                .append(" (the broadcasts every executor fetched, the task results, the aggregation's shuffle);")
                .append(" sharing, what every JVM's Aeron media driver sent (its `BYTES_SENT` counter: each")
                .append(" threshold-encoded update to every peer of DL4J's mesh, which the driver relays, with framing,")
                .append(" the mesh's messages and retransmits; not UDP/IP headers) plus what Spark moved. **Models**")
                .append(" beside them, labelled as such: averaging, 2 x rounds x workers x (parameters + updater")
                .append(" state) x 4 bytes; sharing, DL4J's count of the bytes it encoded, once per update (what")
                .append(" history.csv reported before it was measured). Dense: every worker's every update as 32-bit")
                .append(" floats (for averaging the measured bytes themselves). One run per mode, averaging first:")
                .append(" byte counts, not timings.\n\n")
                .append(Markdown.table(List.of("mode", "epoch", "samples", "bytes measured", "model", "model's error",
                        "dense equivalent", "share of dense"), rows));
        for (int i = 0; i < Math.min(averaging.size(), sharing.size()); i++) {
            long a = averaging.get(i).stats().updateBytes();
            long sh = sharing.get(i).stats().updateBytes();
            s.append(Markdown.f("%nEpoch %d: sharing's measured bytes are **%.2f%%** of averaging's (%s against %s;"
                            + " goal: at most 1%%: %s).", i + 1, 100.0 * sh / a, Markdown.bytes(sh), Markdown.bytes(a),
                    100.0 * sh / a <= 1 ? "met" : "not met"));
        }
        return s.append("\n").toString();
    }
}
