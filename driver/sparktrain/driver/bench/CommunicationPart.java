package sparktrain.driver.bench;

import org.nd4j.linalg.dataset.DataSet;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.model.NetworkFactory;
import sparktrain.driver.bench.OverheadBenchmark;
import sparktrain.driver.bench.OverheadBenchmark.Measurement;
import sparktrain.worker.data.FashionMnist;

import java.util.List;

/**
 * Part 3: the bytes one LeNet epoch puts on the wire under averaging (measured from Spark: the parameters and
 * updater state down and back up every round) and under sharing (measured too: what Aeron sent plus what Spark moved),
 * counted as history.csv counts them ({@code update_bytes}, {@code dense_update_bytes}), and scaled to a full epoch of
 * 54,000 images.
 */
public final class CommunicationPart {
    /** Training images in a full epoch: Fashion-MNIST's 60,000 less the 10% validation split. */
    public static final long FULL_EPOCH = 54_000;

    private CommunicationPart() {
    }

    public static String run(BenchContext ctx) {
        int images = ctx.size(5_000, 640);
        JobConfig averaging = ctx.job("lenet-fashion-mnist.conf");
        JobConfig sharing = ctx.job("lenet-fashion-mnist-sharing.conf");
        Measurement a = OverheadBenchmark.spark(averaging, images, BenchContext.MASTER, strategy -> { });
        Measurement s = OverheadBenchmark.spark(sharing, images, BenchContext.MASTER, strategy -> { });
        long parameters = NetworkFactory.build(averaging.model(), averaging.training(), averaging.seed(),
                FashionMnist.SHAPE).numParams();
        return render(ctx, images, parameters, averaging.training().averagingFrequency(), a, s);
    }

    static String render(BenchContext ctx, int images, long parameters, int frequency, Measurement a, Measurement s) {
        double scale = (double) FULL_EPOCH / a.samples();
        double avgBytes = a.traffic().bytes() * scale;
        double shareBytes = s.traffic().bytes() * scale;
        double shareDense = s.traffic().denseBytes() * scale;
        List<List<String>> rows = List.of(
                List.of("averaging, frequency " + frequency + ", Adam", Markdown.bytes(a.traffic().bytes()),
                        Markdown.bytes(avgBytes), Markdown.bytes(a.traffic().denseBytes() * scale), "100%", "1"),
                List.of("sharing, adaptive threshold, Adam", Markdown.bytes(s.traffic().bytes()), Markdown.bytes(shareBytes),
                        Markdown.bytes(shareDense), Markdown.f("%.2f%%", 100.0 * s.traffic().bytes() / s.traffic().denseBytes()),
                        Markdown.f("%.0f", s.traffic().compressionRatio())));
        return ctx.header("Communication: bytes per LeNet epoch", Markdown.f("%,d training images per measured epoch,"
                        + " scaled linearly to a full %,d-image epoch", images, FULL_EPOCH))
                + "\nLeNet-5 has " + Markdown.f("%,d", parameters) + " parameters (" + Markdown.bytes(4.0 * parameters)
                + "); Spark " + BenchContext.MASTER + ", 2 workers, batch 32 per worker. Averaging's bytes are measured from Spark (the"
                + " task results and the broadcasts of every round: parameters and Adam's updater state, down and back;"
                + " in local mode serialized but not leaving the JVM). Sharing's bytes are measured too: what every JVM's Aeron"
                + " media driver sent (its own BYTES_SENT counter: each threshold-encoded update to every peer of DL4J's"
                + " mesh, with framing, the mesh's messages and retransmits) plus what Spark moved for the epoch (the"
                + " parameters broadcast in the first epoch, each worker's updater state as its task result); in local"
                + " mode DL4J trains one model in one JVM and Aeron sends nothing. Sharing's dense equivalent is every"
                + " worker's every update as 32-bit floats. Counted by the same code that fills history.csv's update_bytes"
                + " and dense_update_bytes.\n\n"
                + Markdown.table(List.of("mode", "bytes, measured epoch", "bytes per full epoch", "dense equivalent",
                "share of dense", "compression (dense / sent)"), rows)
                + Markdown.f("%nSharing sends %.0fx fewer bytes per epoch than averaging (%s against %s per full epoch).%n",
                avgBytes / shareBytes, Markdown.bytes(shareBytes), Markdown.bytes(avgBytes));
    }
}
