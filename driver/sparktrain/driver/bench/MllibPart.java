package sparktrain.driver.bench;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.api.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.model.NetworkFactory;
import sparktrain.driver.SparkContexts;
import sparktrain.driver.training.TrainingSession;
import sparktrain.worker.data.FashionMnist;
import sparktrain.worker.data.MlRows;
import sparktrain.worker.training.TrainingStrategy;

import java.util.ArrayList;
import java.util.List;

/**
 * Part 2: Spark MLlib's MultilayerPerceptronClassifier (L-BFGS) against our {@code mlp}
 * (conf/mlp-fashion-mnist.conf) with the same layer sizes, on the same images and the same master.
 * Ours trains epoch by epoch; after each one its test accuracy is measured, to find when it first
 * reaches MLlib's final test accuracy.
 */
public final class MllibPart {
    private static final Logger log = LoggerFactory.getLogger(MllibPart.class);

    /** Our test accuracy after an epoch and the training seconds spent so far. */
    record Epoch(int epoch, double cumulativeSeconds, double testAccuracy) {
    }

    record Outcome(int[] layers, int trainImages, int testImages, int maxIter, double mllibSeconds,
                   double mllibAccuracy, List<Epoch> ours, String strategy) {
        /** The first epoch whose test accuracy reaches MLlib's, or null. */
        Epoch reached() {
            return ours.stream().filter(e -> e.testAccuracy() >= mllibAccuracy).findFirst().orElse(null);
        }
    }

    private MllibPart() {
    }

    public static String run(BenchContext ctx) {
        int images = ctx.size(10_000, 2_000);
        int maxIter = ctx.size(50, 10);
        int epochs = ctx.size(6, 2);
        JobConfig job = ctx.job("mlp-fashion-mnist.conf", "training.epochs=" + epochs);
        return render(ctx, measure(job, images, maxIter, epochs));
    }

    static Outcome measure(JobConfig job, int images, int maxIter, int epochs) {
        List<Integer> hidden = job.model().hiddenLayers();
        int[] layers = new int[hidden.size() + 2];
        layers[0] = FashionMnist.SIDE * FashionMnist.SIDE;
        for (int i = 0; i < hidden.size(); i++) {
            layers[i + 1] = hidden.get(i);
        }
        layers[layers.length - 1] = FashionMnist.CLASSES;

        JobConfig sized = job.with("data.train-limit = " + images, "data.validation-fraction = 0");
        try (JavaSparkContext sc = SparkContexts.start(sized, BenchContext.MASTER);
             TrainingSession session = TrainingSession.open(sized, sc)) {
            int workers = session.workers();
            SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
            Dataset<Row> train = frame(spark, session.data().train(), workers).cache();
            Dataset<Row> test = frame(spark, session.data().test(), workers).cache();
            train.count();
            test.count();
            long start = System.nanoTime();
            MultilayerPerceptronClassificationModel mllib = new MultilayerPerceptronClassifier()
                    .setLayers(layers).setMaxIter(maxIter).setBlockSize(128).setSeed(job.seed()).fit(train);
            double mllibSeconds = (System.nanoTime() - start) / 1e9;
            double mllibAccuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
                    .evaluate(mllib.transform(test));
            log.info("MLlib: {} iterations in {} s, test accuracy {}", maxIter, mllibSeconds, mllibAccuracy);
            train.unpersist();
            test.unpersist();

            Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), session.shape());
            List<Epoch> ours = new ArrayList<>();
            try (TrainingStrategy strategy = session.strategy(network, 0)) {
                double total = 0;
                for (int epoch = 1; epoch <= epochs; epoch++) {
                    long begin = System.nanoTime();
                    strategy.fitEpoch(epoch);
                    total += (System.nanoTime() - begin) / 1e9;
                    double accuracy = (Double) session.test(strategy.network()).get("accuracy");
                    log.info("ours: epoch {} after {} s: test accuracy {}", epoch, total, accuracy);
                    ours.add(new Epoch(epoch, total, accuracy));
                }
                return new Outcome(layers, (int) session.trainExamples(), (int) session.data().testRows(), maxIter,
                        mllibSeconds, mllibAccuracy, ours, strategy.describe());
            }
        }
    }

    static String render(BenchContext ctx, Outcome o) {
        StringBuilder layers = new StringBuilder();
        for (int l : o.layers()) {
            layers.append(layers.length() == 0 ? "" : "-").append(l);
        }
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("Spark MLlib MultilayerPerceptronClassifier", "L-BFGS, " + o.maxIter() + " iterations, block 128, sigmoid",
                Markdown.f("%.4f", o.mllibAccuracy()), Markdown.seconds(o.mllibSeconds()), "-"));
        Epoch reached = o.reached();
        Epoch last = o.ours().get(o.ours().size() - 1);
        rows.add(List.of("sparktrain mlp", o.strategy() + ", Adam, ReLU, dropout 0.2",
                Markdown.f("%.4f after %d epochs", last.testAccuracy(), last.epoch()),
                Markdown.seconds(last.cumulativeSeconds()),
                reached == null ? "not reached in " + last.epoch() + " epochs"
                        : Markdown.f("epoch %d, %s (%.1fx sooner)", reached.epoch(), Markdown.seconds(reached.cumulativeSeconds()),
                        o.mllibSeconds() / reached.cumulativeSeconds())));
        StringBuilder perEpoch = new StringBuilder();
        for (Epoch e : o.ours()) {
            perEpoch.append(perEpoch.length() == 0 ? "" : ", ")
                    .append(Markdown.f("%d: %.4f at %s", e.epoch(), e.testAccuracy(), Markdown.seconds(e.cumulativeSeconds())));
        }
        String verdict = reached == null ? "Ours did not reach MLlib's accuracy: the goal (at least 2x sooner) is not met."
                : o.mllibSeconds() / reached.cumulativeSeconds() >= 2
                ? Markdown.f("Ours reached MLlib's final test accuracy %.1fx sooner: the goal (at least 2x) is met.",
                o.mllibSeconds() / reached.cumulativeSeconds())
                : Markdown.f("Ours reached MLlib's final test accuracy only %.1fx sooner: the goal (at least 2x) is not met.",
                o.mllibSeconds() / reached.cumulativeSeconds());
        return ctx.header("A peer on Spark: MLlib's multilayer perceptron against ours",
                Markdown.f("%,d training images, the full %,d-image test set, MLlib %d iterations, ours up to %d epochs",
                        o.trainImages(), o.testImages(), o.maxIter(), o.ours().size()))
                + "\nLayers " + layers + " for both, master " + BenchContext.MASTER + ", the same training images (the first N of"
                + " Fashion-MNIST's training set) and the official test set. Times are training only (data already cached;"
                + " ours excludes the test evaluation after each epoch).\n\n"
                + Markdown.table(List.of("model", "setup", "test accuracy", "training time", "ours reaches MLlib's accuracy"), rows)
                + "\nOurs per epoch (test accuracy at cumulative training time): " + perEpoch + ".\n\n" + verdict + "\n";
    }

    /** Rows of (label, features), as MLlib's classifiers read them, converted where they lie. */
    static Dataset<Row> frame(SparkSession spark, JavaRDD<sparktrain.worker.data.Row> rows, int partitions) {
        return spark.createDataFrame(rows.map(new MlRows()), MlRows.SCHEMA).repartition(partitions);
    }
}
