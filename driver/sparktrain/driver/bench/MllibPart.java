package sparktrain.driver.bench;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.api.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.driver.SparkContexts;
import sparktrain.driver.training.TrainingSession;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.data.FashionMnist;
import sparktrain.worker.data.MlRows;
import sparktrain.worker.model.NetworkFactory;
import sparktrain.worker.model.Networks;
import sparktrain.worker.training.TrainingStrategy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Part 2: Spark MLlib's MultilayerPerceptronClassifier at its best against our {@code mlp}
 * (conf/mlp-fashion-mnist.conf: the same layer sizes) and our {@code lenet5} (conf/lenet-fashion-mnist.conf: a
 * network MLlib cannot build), same images, same master. All are selected on a validation split of the training
 * images only: each trains until its validation accuracy has not improved for {@link #PATIENCE} steps (MLlib: a
 * step of L-BFGS iterations, warm-started from the previous step's weights; ours: an epoch) or reaches its cap,
 * and each one's best-validation model reads the test set once, at the end. MLlib's block size is tuned first.
 * The comparison: the training seconds each needs to reach MLlib's best validation accuracy.
 */
public final class MllibPart {
    private static final Logger log = LoggerFactory.getLogger(MllibPart.class);
    /** Steps (MLlib) or epochs (ours) without a better validation accuracy before training stops. */
    static final int PATIENCE = 3;
    static final int[] BLOCK_SIZES = {32, 128, 512, 1024};
    static final double RATIO_GOAL = 3;
    static final double POINTS_GOAL = 3;

    /**
     * A point of a validation curve: after {@code done} iterations (MLlib) or epochs (ours), with the training
     * seconds spent so far.
     */
    record Point(int done, double seconds, double validation) {
    }

    /** MLlib's seconds per L-BFGS iteration at one block size (mean of two timed fits of a step). */
    record Tuning(int blockSize, double secondsPerIteration) {
    }

    /**
     * One of our models on the same images.
     *
     * @param model    the job's model type
     * @param setup    how it trained: the strategy and the job's main settings
     * @param epochCap its epochs at most
     * @param curve    its validation curve, epoch by epoch
     * @param test     the test accuracy of its best-validation network
     */
    record Ours(String model, String setup, int epochCap, List<Point> curve, double test) {
        Point best() {
            return MllibPart.best(curve);
        }

        Point last() {
            return curve.get(curve.size() - 1);
        }
    }

    /**
     * @param mllib     MLlib's validation curve, step by step
     * @param oneFit    one fit from scratch of the best step's iterations: the steps without their restarts
     * @param mllibTest the test accuracy of MLlib's best-validation model (the best step's, or the one fit's if better)
     * @param ours      our models, the one with MLlib's layer sizes first
     */
    record Outcome(int[] layers, long trainImages, long validationImages, long testImages, List<Tuning> tuning,
                   int stepIterations, int iterationCap, List<Point> mllib, Point oneFit, double mllibTest,
                   List<Ours> ours) {
        /** MLlib's best validation point, stepped or the one fit when that is better. */
        Point mllibBest() {
            return oneFit.validation() > best(mllib).validation() ? oneFit : best(mllib);
        }

        /** MLlib's best validation accuracy: the accuracy ours has to reach. */
        double target() {
            return mllibBest().validation();
        }

        /** MLlib's sooner way to its best validation accuracy: the first step reaching it, or the one fit. */
        Point mllibAtTarget() {
            Point stepped = reaching(mllib, target());
            return stepped == null || oneFit.validation() >= target() && oneFit.seconds() < stepped.seconds()
                    ? oneFit : stepped;
        }

        /** The first point of one of ours at MLlib's best validation accuracy, or null when it never got there. */
        Point atTarget(Ours one) {
            return reaching(one.curve(), target());
        }

        /** How many times sooner one of ours reached MLlib's best validation accuracy; NaN when it did not. */
        double ratio(Ours one) {
            Point at = atTarget(one);
            return at == null ? Double.NaN : mllibAtTarget().seconds() / at.seconds();
        }

        /** One of ours's test accuracy less MLlib's, in points. */
        double points(Ours one) {
            return 100 * (one.test() - mllibTest);
        }

        int blockSize() {
            return fastest(tuning).blockSize();
        }
    }

    private MllibPart() {
    }

    /** The first point with the highest validation accuracy. */
    static Point best(List<Point> curve) {
        Point best = curve.get(0);
        for (Point p : curve) {
            if (p.validation() > best.validation()) {
                best = p;
            }
        }
        return best;
    }

    /** The first point whose validation accuracy reaches {@code target}, or null. */
    static Point reaching(List<Point> curve, double target) {
        return curve.stream().filter(p -> p.validation() >= target).findFirst().orElse(null);
    }

    /** Whether the last {@code patience} points have not improved on the best one before them. */
    static boolean stalled(List<Point> curve, int patience) {
        return !curve.isEmpty() && curve.size() - 1 - curve.indexOf(best(curve)) >= patience;
    }

    static Tuning fastest(List<Tuning> tuning) {
        Tuning fastest = tuning.get(0);
        for (Tuning t : tuning) {
            if (t.secondsPerIteration() < fastest.secondsPerIteration()) {
                fastest = t;
            }
        }
        return fastest;
    }

    public static String run(BenchContext ctx) {
        // the first N of Fashion-MNIST's training images, a seeded 37.5% of them held out: ~10,000 + ~6,000
        int images = ctx.size(16_000, 3_200);
        String[] split = {"data.train-limit=" + images, "data.validation-fraction=0.375"};
        JobConfig mlp = ctx.job("mlp-fashion-mnist.conf", split);
        JobConfig lenet = ctx.job("lenet-fashion-mnist.conf", split);
        return render(ctx, measure(mlp, lenet, ctx.size(20, 5), ctx.size(800, 15), ctx.size(40, 3)));
    }

    /**
     * @param job      our mlp, whose layer sizes MLlib takes; its Spark settings start the context
     * @param lenet    our LeNet, trained for its own job's epochs at most (its schedule spans them)
     * @param step     L-BFGS iterations per MLlib step
     * @param cap      MLlib's iterations at most
     * @param epochCap our mlp's epochs at most
     */
    static Outcome measure(JobConfig job, JobConfig lenet, int step, int cap, int epochCap) {
        int[] layers = layers(job);
        try (JavaSparkContext sc = SparkContexts.start(job, BenchContext.MASTER);
             TrainingSession session = TrainingSession.open(job, sc)) {
            int workers = session.workers();
            SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
            Dataset<Row> train = frame(spark, session.data().train(), workers).cache();
            Dataset<Row> validation = frame(spark, session.data().validation(), workers).cache();
            Dataset<Row> test = frame(spark, session.data().test(), workers).cache();
            long trainImages = train.count();
            long validationImages = validation.count();
            long testImages = test.count();

            // MLlib: a warm-up, its block size by the time per iteration, then steps until validation stalls
            mllib(layers, 128, step, job.seed(), null).fit(train);
            List<Tuning> tuning = tune(layers, train, step, job.seed());
            int block = fastest(tuning).blockSize();
            List<Point> mllib = new ArrayList<>();
            MultilayerPerceptronClassificationModel model = null;
            MultilayerPerceptronClassificationModel bestModel = null;
            int iterations = 0;
            double seconds = 0;
            while (iterations < cap && !stalled(mllib, PATIENCE)) {
                int requested = Math.min(step, cap - iterations);
                long start = System.nanoTime();
                model = mllib(layers, block, requested, job.seed(),
                        model == null ? null : model.weights()).fit(train);
                seconds += (System.nanoTime() - start) / 1e9;
                int done = model.summary().objectiveHistory().length - 1; // the history starts at the initial loss
                iterations += done;
                mllib.add(new Point(iterations, seconds, accuracy(model, validation)));
                log.info("MLlib: {} iterations after {} s: validation accuracy {}", iterations, seconds,
                        mllib.get(mllib.size() - 1).validation());
                if (best(mllib) == mllib.get(mllib.size() - 1)) {
                    bestModel = model;
                }
                if (done < requested) {
                    break; // L-BFGS converged (its tolerance) before the step's iterations
                }
            }
            // the same iterations in one fit: what the steps' restarts (and each fit's restacking) cost MLlib
            long start = System.nanoTime();
            MultilayerPerceptronClassificationModel one = mllib(layers, block, best(mllib).done(), job.seed(), null).fit(train);
            Point oneFit = new Point(best(mllib).done(), (System.nanoTime() - start) / 1e9, accuracy(one, validation));
            log.info("MLlib: one fit of {} iterations in {} s: validation accuracy {}", oneFit.done(), oneFit.seconds(),
                    oneFit.validation());
            double mllibTest = accuracy(oneFit.validation() > best(mllib).validation() ? one : bestModel, test);
            train.unpersist();
            validation.unpersist();
            test.unpersist();

            Ours mlp = ours(session, epochCap, "dropout " + job.model().dropout());
            Ours cnn;
            try (TrainingSession lenetSession = TrainingSession.open(lenet, sc)) {
                cnn = ours(lenetSession, lenet.training().epochs(), lenet.model().convChannels() + " channels, "
                        + (lenet.model().batchNorm() ? "batch norm, " : "") + "dropout " + lenet.model().dropout()
                        + ", " + lenet.training().schedule().type() + " schedule over " + lenet.training().epochs()
                        + " epochs");
            }
            return new Outcome(layers, trainImages, validationImages, testImages, tuning, step, cap, mllib, oneFit,
                    mllibTest, List.of(mlp, cnn));
        }
    }

    /** A warm-up epoch of a network thrown away, then epochs until validation stalls or the cap. */
    private static Ours ours(TrainingSession session, int epochCap, String settings) {
        JobConfig job = session.job();
        Supplier<Model> network = () -> NetworkFactory.build(job.model(), job.training(), job.seed(), session.shape());
        try (TrainingStrategy warmUp = session.strategy(network.get(), 0)) {
            warmUp.fitEpoch(1);
        }
        List<Point> curve = new ArrayList<>();
        Model bestNetwork = null;
        try (TrainingStrategy strategy = session.strategy(network.get(), 0)) {
            double total = 0;
            for (int epoch = 1; epoch <= epochCap && !stalled(curve, PATIENCE); epoch++) {
                long begin = System.nanoTime();
                strategy.fitEpoch(epoch);
                total += (System.nanoTime() - begin) / 1e9;
                curve.add(new Point(epoch, total, session.validate(strategy.network()).value()));
                log.info("{}: epoch {} after {} s: validation accuracy {}", job.model().type(), epoch, total,
                        curve.get(curve.size() - 1).validation());
                if (best(curve) == curve.get(curve.size() - 1)) {
                    bestNetwork = Networks.copy(strategy.network());
                }
            }
            double test = (Double) session.test(bestNetwork).get("accuracy");
            String setup = strategy.describe() + ", " + job.training().updater() + ", " + settings;
            return new Ours(job.model().type(), setup, epochCap, curve, test);
        }
    }

    /** Each block size timed twice over {@code iterations} iterations, the order reversed the second time. */
    private static List<Tuning> tune(int[] layers, Dataset<Row> train, int iterations, long seed) {
        double[] seconds = new double[BLOCK_SIZES.length];
        for (int round = 0; round < 2; round++) {
            for (int k = 0; k < BLOCK_SIZES.length; k++) {
                int i = round == 0 ? k : BLOCK_SIZES.length - 1 - k;
                long start = System.nanoTime();
                MultilayerPerceptronClassificationModel m = mllib(layers, BLOCK_SIZES[i], iterations, seed, null).fit(train);
                seconds[i] += (System.nanoTime() - start) / 1e9 / (m.summary().objectiveHistory().length - 1);
            }
        }
        List<Tuning> tuning = new ArrayList<>();
        for (int i = 0; i < BLOCK_SIZES.length; i++) {
            tuning.add(new Tuning(BLOCK_SIZES[i], seconds[i] / 2));
            log.info("MLlib: block size {}: {} s per iteration", BLOCK_SIZES[i], seconds[i] / 2);
        }
        return tuning;
    }

    private static MultilayerPerceptronClassifier mllib(int[] layers, int block, int iterations, long seed, Vector from) {
        MultilayerPerceptronClassifier c = new MultilayerPerceptronClassifier().setLayers(layers).setSolver("l-bfgs")
                .setBlockSize(block).setMaxIter(iterations).setSeed(seed);
        return from == null ? c : c.setInitialWeights(from);
    }

    private static double accuracy(MultilayerPerceptronClassificationModel model, Dataset<Row> rows) {
        return new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(model.transform(rows));
    }

    private static int[] layers(JobConfig job) {
        List<Integer> hidden = job.model().hiddenLayers();
        int[] layers = new int[hidden.size() + 2];
        layers[0] = FashionMnist.SIDE * FashionMnist.SIDE;
        for (int i = 0; i < hidden.size(); i++) {
            layers[i + 1] = hidden.get(i);
        }
        layers[layers.length - 1] = FashionMnist.CLASSES;
        return layers;
    }

    static String render(BenchContext ctx, Outcome o) {
        StringBuilder layers = new StringBuilder();
        for (int l : o.layers()) {
            layers.append(layers.length() == 0 ? "" : "-").append(l);
        }
        StringBuilder tuning = new StringBuilder();
        for (Tuning t : o.tuning()) {
            tuning.append(tuning.length() == 0 ? "" : ", ").append(Markdown.f("%d: %.3f s", t.blockSize(), t.secondsPerIteration()));
        }
        Point mllibBest = o.mllibBest();
        Point mllibAt = o.mllibAtTarget();
        Point mllibLast = o.mllib().get(o.mllib().size() - 1);
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("Spark MLlib MultilayerPerceptronClassifier",
                Markdown.f("L-BFGS, block %d, sigmoid, %d iterations in steps of %d (%s)", o.blockSize(), mllibLast.done(),
                        o.stepIterations(), stalled(o.mllib(), PATIENCE) ? "validation stalled"
                                : mllibLast.done() >= o.iterationCap() ? "the cap" : "L-BFGS converged"),
                Markdown.f("%.4f after %d iterations%s", mllibBest.validation(), mllibBest.done(),
                        mllibBest == o.oneFit() ? " in one fit" : ""),
                Markdown.f("%s (%s)", Markdown.seconds(mllibAt.seconds()), mllibAt == o.oneFit()
                        ? "one fit of " + mllibAt.done() + " iterations" : "steps, " + mllibAt.done() + " iterations"),
                Markdown.f("%.4f", o.mllibTest())));
        String caps = o.ours().stream().map(one -> "our " + one.model() + " up to " + one.epochCap() + " epochs")
                .collect(Collectors.joining(", "));
        StringBuilder curves = new StringBuilder();
        StringBuilder goals = new StringBuilder();
        for (Ours one : o.ours()) {
            Point at = o.atTarget(one);
            rows.add(List.of("sparktrain " + one.model(), one.setup() + ", " + one.last().done() + " epochs ("
                            + (stalled(one.curve(), PATIENCE) ? "validation stalled"
                            : one.last().done() >= one.epochCap() ? "the cap" : "neither stalled nor at the cap") + ")",
                    Markdown.f("%.4f after epoch %d", one.best().validation(), one.best().done()),
                    at == null ? "not reached in " + one.last().done() + " epochs"
                            : Markdown.f("%s (epoch %d)", Markdown.seconds(at.seconds()), at.done()),
                    Markdown.f("%.4f", one.test())));
            curves.append("\n\nOur ").append(one.model()).append(" (epoch: accuracy at cumulative training time): ")
                    .append(curve(one.curve())).append('.');
            String ratio = at == null
                    ? Markdown.f("did not reach MLlib's best validation accuracy (%.4f) in %d epochs: the goal (at least"
                    + " %.0fx sooner) is not met", o.target(), one.last().done(), RATIO_GOAL)
                    : Markdown.f("reached MLlib's best validation accuracy (%.4f) **%.2fx** sooner (goal: at least %.0fx):"
                    + " %s", o.target(), o.ratio(one), RATIO_GOAL, o.ratio(one) >= RATIO_GOAL ? "met" : "not met");
            goals.append(Markdown.f("- Our %s %s; test accuracy of the best-validation models: ours %.4f, MLlib %.4f,"
                            + " **%+.2f points** (goal: at least %.0f above): %s.\n", one.model(), ratio, one.test(),
                    o.mllibTest(), o.points(one), POINTS_GOAL, o.points(one) >= POINTS_GOAL ? "met" : "not met"));
        }
        return ctx.header("A peer on Spark: MLlib's multilayer perceptron at its best against ours",
                Markdown.f("%,d training and %,d validation images (the first %,d of Fashion-MNIST's training set, split by"
                                + " seeded hash), the full %,d-image test set; MLlib up to %d iterations, %s",
                        o.trainImages(), o.validationImages(), o.trainImages() + o.validationImages(), o.testImages(),
                        o.iterationCap(), caps))
                + "\nLayers " + layers + " for MLlib and our mlp (conf/mlp-fashion-mnist.conf), beside them our lenet5"
                + " (conf/lenet-fashion-mnist.conf, a convolutional network, which MLlib cannot build; trained in the"
                + " mlp's SparkContext), master " + BenchContext.MASTER + ", the same training and validation images."
                + " All are selected on validation accuracy only: each trains until it has not improved for "
                + PATIENCE + " steps (MLlib: a step of " + o.stepIterations() + " L-BFGS iterations, each warm-started from"
                + " the previous step's weights; ours: an epoch) or reaches its cap, and each one's best-validation model"
                + " reads the test set once, at the end. Times are training only (data cached; validation after each step"
                + " or epoch not counted), after an untimed warm-up fit of each, one run each.\n\n"
                + "MLlib's block size, by seconds per iteration (mean of two fits of " + o.stepIterations()
                + " iterations each, the order reversed the second time; L-BFGS computes full-batch gradients, so the"
                + " block size changes the speed, not the result): " + tuning + "; chosen: " + o.blockSize() + ".\n\n"
                + Markdown.table(List.of("model", "setup", "best validation accuracy", "time to MLlib's best validation accuracy",
                "test accuracy"), rows)
                + "\nMLlib's validation curve (iterations: accuracy at cumulative training time): " + curve(o.mllib())
                + Markdown.f(". The best step's %d iterations again in one fit from scratch (no restarts, the data"
                        + " stacked once): %s, validation accuracy %.4f.", o.oneFit().done(),
                Markdown.seconds(o.oneFit().seconds()), o.oneFit().validation())
                + curves + "\n\n" + goals;
    }

    private static String curve(List<Point> points) {
        StringBuilder s = new StringBuilder();
        for (Point p : points) {
            s.append(s.length() == 0 ? "" : ", ")
                    .append(Markdown.f("%d: %.4f at %s", p.done(), p.validation(), Markdown.seconds(p.seconds())));
        }
        return s.toString();
    }

    /** Rows of (label, features), as MLlib's classifiers read them, converted where they lie. */
    static Dataset<Row> frame(SparkSession spark, JavaRDD<sparktrain.worker.data.Row> rows, int partitions) {
        return spark.createDataFrame(rows.map(new MlRows()), MlRows.SCHEMA).repartition(partitions);
    }
}
