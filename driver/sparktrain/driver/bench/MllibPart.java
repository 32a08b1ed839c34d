package sparktrain.driver.bench;

import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.IntToDoubleFunction;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * Part 2: Spark MLlib's MultilayerPerceptronClassifier at its best against our {@code mlp}
 * (conf/mlp-fashion-mnist.conf: the same layer sizes) and our {@code lenet5} (conf/lenet-fashion-mnist.conf: a
 * network MLlib cannot build), same images, same master. All are selected on a validation split of the training
 * images only: each trains until its validation accuracy has not improved for {@link #PATIENCE} steps (MLlib: a
 * step of L-BFGS iterations, warm-started from the previous step's weights; ours: an epoch) or reaches its cap,
 * and each one's best-validation model reads the test set once, at the end. MLlib's block size is tuned first;
 * then, after a warm-up of each, {@link FairTiming}'s alternating rounds. The comparison, round by round: the
 * training seconds each needs to reach that round's MLlib's best validation accuracy, and the test accuracies.
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
     * One training to its end in one round.
     *
     * @param curve  the validation curve, step by step (MLlib) or epoch by epoch (ours)
     * @param oneFit MLlib only (else null): one fit from scratch of the best step's iterations, the steps without
     *               their restarts
     * @param test   the test accuracy of the best-validation model (MLlib: the best step's, or the one fit's if better)
     */
    record Fit(List<Point> curve, Point oneFit, double test) {
        /** The first point with the best validation accuracy, the one fit's when that is better. */
        Point best() {
            Point stepped = MllibPart.best(curve);
            return oneFit != null && oneFit.validation() > stepped.validation() ? oneFit : stepped;
        }

        Point last() {
            return curve.get(curve.size() - 1);
        }

        /** The sooner point reaching {@code target}: on the curve, or the one fit; null when neither does. */
        Point reaching(double target) {
            Point stepped = MllibPart.reaching(curve, target);
            return oneFit != null && oneFit.validation() >= target && (stepped == null || oneFit.seconds() < stepped.seconds())
                    ? oneFit : stepped;
        }
    }

    /**
     * One of our models on the same images.
     *
     * @param model    the job's model type
     * @param jobFile  the job file it trained with (its split and seed the mlp's)
     * @param kryo     whether its job alone would serialize with Kryo (here all share the mlp's SparkContext)
     * @param setup    how it trained: the strategy and the job's main settings
     * @param epochCap its epochs at most
     * @param fits     its training in each round
     */
    record Ours(String model, String jobFile, boolean kryo, String setup, int epochCap, List<Fit> fits) {
    }

    /**
     * @param blas  the BLAS MLlib's layers multiply with ({@link #mllibBlas()})
     * @param mllib MLlib's training in each round
     * @param ours  our models, the one with MLlib's layer sizes first
     */
    record Outcome(int[] layers, long trainImages, long validationImages, long testImages, String blas,
                   List<Tuning> tuning, int stepIterations, int iterationCap, List<Fit> mllib, List<Ours> ours) {
        int rounds() {
            return mllib.size();
        }

        /** A round's MLlib's best validation accuracy: the accuracy ours have to reach in that round. */
        double target(int round) {
            return mllib.get(round).best().validation();
        }

        /** The seconds a training of a round took to reach the round's target; NaN when it did not. */
        double secondsToTarget(Fit fit, int round) {
            Point at = fit.reaching(target(round));
            return at == null ? Double.NaN : at.seconds();
        }

        Spread mllibSeconds() {
            return spread(round -> secondsToTarget(mllib.get(round), round));
        }

        Spread seconds(Ours one) {
            return spread(round -> secondsToTarget(one.fits().get(round), round));
        }

        /** Round by round, how many times sooner one of ours reached MLlib's best validation accuracy (0: never). */
        Spread ratio(Ours one) {
            return mllibSeconds().over(seconds(one)).map(r -> Double.isNaN(r) ? 0 : r);
        }

        /** Round by round, one of ours's test accuracy less MLlib's, in points. */
        Spread points(Ours one) {
            return spread(round -> 100 * (one.fits().get(round).test() - mllib.get(round).test()));
        }

        int blockSize() {
            return fastest(tuning).blockSize();
        }

        private Spread spread(IntToDoubleFunction perRound) {
            return new Spread(IntStream.range(0, rounds()).mapToObj(perRound::applyAsDouble).toList());
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
        // all train on the mlp's rows (measure reads them once); the others take its data settings and seed so
        // that their jobs say so. The convolutional networks train their jobs' epochs at most, their cosine schedules spanning them: the LeNet up
        // to 40 with the schedule spanning those validated no better and took twice as long to MLlib's best
        // (docs/experiments.md)
        List<JobConfig> convolutional = new ArrayList<>();
        for (String file : List.of("lenet-fashion-mnist.conf", "resnet-fashion-mnist.conf")) {
            convolutional.add(ctx.job(file, "data.train-limit=" + images, "data.validation-fraction=0.375",
                    "seed=" + mlp.seed()));
        }
        return render(ctx, measure(mlp, convolutional, ctx.size(20, 5), ctx.size(800, 15), ctx.size(40, 3)));
    }

    /** One of the compared: its warm-up, which says how it trains, then a training to its end per round. */
    private static final class Contender {
        final String name;
        final Supplier<String> warmUp;
        final Supplier<Fit> train;
        String setup;
        final List<Fit> fits = new ArrayList<>();

        Contender(String name, Supplier<String> warmUp, Supplier<Fit> train) {
            this.name = name;
            this.warmUp = warmUp;
            this.train = train;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /**
     * @param job           our mlp, whose layer sizes MLlib takes; its Spark settings start the context
     * @param convolutional our convolutional networks, each trained for its job's epochs at most (its schedule spans
     *                      them)
     * @param step          L-BFGS iterations per MLlib step
     * @param cap           MLlib's iterations at most
     * @param epochCap      our mlp's epochs at most
     */
    static Outcome measure(JobConfig job, List<JobConfig> convolutional, int step, int cap, int epochCap) {
        int[] layers = layers(job);
        try (JavaSparkContext sc = SparkContexts.start(job, BenchContext.MASTER);
             TrainingSession session = TrainingSession.open(job, sc)) {
            List<TrainingSession> sessions = new ArrayList<>(List.of(session));
            try {
                // the mlp's rows, read once: the same split and images for all by construction
                for (JobConfig cnn : convolutional) {
                    sessions.add(TrainingSession.open(cnn, sc, session.data()));
                }
                return measure(sc, job, sessions, layers, step, cap, epochCap);
            } finally {
                sessions.subList(1, sessions.size()).forEach(TrainingSession::close);
            }
        }
    }

    /** MLlib and each session's model in FairTiming's rounds; the first session is the mlp's, whose rows all share. */
    private static Outcome measure(JavaSparkContext sc, JobConfig job, List<TrainingSession> sessions, int[] layers,
                                   int step, int cap, int epochCap) {
        TrainingSession session = sessions.get(0);
        int workers = session.workers();
        SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
        Dataset<Row> train = frame(spark, session.data().train(), workers).cache();
        Dataset<Row> validation = frame(spark, session.data().validation(), workers).cache();
        Dataset<Row> test = frame(spark, session.data().test(), workers).cache();
        long trainImages = train.count();
        long validationImages = validation.count();
        long testImages = test.count();

        // MLlib's block size by the time per iteration, after a warm-up fit
        mllib(layers, 128, step, job.seed(), null).fit(train);
        List<Tuning> tuning = tune(layers, train, step, job.seed());
        int block = fastest(tuning).blockSize();

        List<Contender> contenders = new ArrayList<>(List.of(new Contender("MLlib", () -> {
            mllib(layers, block, step, job.seed(), null).fit(train);
            return "L-BFGS";
        }, () -> mllibFit(layers, block, step, cap, job.seed(), train, validation, test))));
        for (TrainingSession one : sessions) {
            int epochs = one == session ? epochCap : one.job().training().epochs();
            contenders.add(new Contender(one.job().model().type(), () -> warmUp(one), () -> ours(one, epochs)));
        }
        FairTiming.compare(contenders, FairTiming.MIN_REPEATS, c -> c.setup = c.warmUp.get(), c -> {
            Fit fit = c.train.get();
            c.fits.add(fit);
            return fit.last().seconds();
        });
        train.unpersist();
        validation.unpersist();
        test.unpersist();
        List<Ours> ours = new ArrayList<>();
        for (int i = 0; i < sessions.size(); i++) {
            JobConfig one = sessions.get(i).job();
            Contender trained = contenders.get(i + 1);
            ours.add(new Ours(trained.name, jobFile(one), one.spark().kryo(), trained.setup + ", " + settings(one),
                    i == 0 ? epochCap : one.training().epochs(), trained.fits));
        }
        return new Outcome(layers, trainImages, validationImages, testImages, mllibBlas(), tuning, step, cap,
                contenders.get(0).fits, ours);
    }

    /**
     * The BLAS of MLlib's matrix products, as Spark's {@code ml.linalg.BLAS.nativeBLAS} picks it: the native library
     * (libblas.so.3, with its thread count) when it loads, else the fastest in Java (VectorBLAS with the incubating
     * Vector API).
     */
    static String mllibBlas() {
        try {
            String name = NativeBLAS.getInstance().getClass().getSimpleName();
            String threads = System.getenv("OPENBLAS_NUM_THREADS");
            return name + " (native: " + loaded("libblas.so.3") + ", "
                    + (threads == null ? "its default threads" : "OPENBLAS_NUM_THREADS=" + threads) + ")";
        } catch (RuntimeException | LinkageError notLoaded) {
            return JavaBLAS.getInstance().getClass().getSimpleName() + " (Java; no native BLAS loaded)";
        }
    }

    /** The file a shared library was loaded from, as this process maps it (the real path behind any link). */
    private static String loaded(String library) {
        try (Stream<String> maps = Files.lines(Path.of("/proc/self/maps"))) {
            return maps.map(line -> line.substring(line.lastIndexOf(' ') + 1)).filter(path -> path.endsWith("/" + library))
                    .findFirst().orElse(library);
        } catch (IOException | UncheckedIOException unreadable) {
            return library;
        }
    }

    /** MLlib in steps until its validation accuracy stalls, then the best step's iterations again in one fit. */
    private static Fit mllibFit(int[] layers, int block, int step, int cap, long seed, Dataset<Row> train,
                                Dataset<Row> validation, Dataset<Row> test) {
        List<Point> curve = new ArrayList<>();
        MultilayerPerceptronClassificationModel model = null;
        MultilayerPerceptronClassificationModel bestModel = null;
        int iterations = 0;
        double seconds = 0;
        while (iterations < cap && !stalled(curve, PATIENCE)) {
            int requested = Math.min(step, cap - iterations);
            long start = System.nanoTime();
            model = mllib(layers, block, requested, seed, model == null ? null : model.weights()).fit(train);
            seconds += (System.nanoTime() - start) / 1e9;
            int done = model.summary().objectiveHistory().length - 1; // the history starts at the initial loss
            iterations += done;
            curve.add(new Point(iterations, seconds, accuracy(model, validation)));
            log.info("MLlib: {} iterations after {} s: validation accuracy {}", iterations, seconds,
                    curve.get(curve.size() - 1).validation());
            if (best(curve) == curve.get(curve.size() - 1)) {
                bestModel = model;
            }
            if (done < requested) {
                break; // L-BFGS converged (its tolerance) before the step's iterations
            }
        }
        // the same iterations in one fit: what the steps' restarts (and each fit's restacking) cost MLlib
        long start = System.nanoTime();
        MultilayerPerceptronClassificationModel one = mllib(layers, block, best(curve).done(), seed, null).fit(train);
        Point oneFit = new Point(best(curve).done(), (System.nanoTime() - start) / 1e9, accuracy(one, validation));
        log.info("MLlib: one fit of {} iterations in {} s: validation accuracy {}", oneFit.done(), oneFit.seconds(),
                oneFit.validation());
        return new Fit(curve, oneFit, accuracy(oneFit.validation() > best(curve).validation() ? one : bestModel, test));
    }

    private static Model network(TrainingSession session) {
        JobConfig job = session.job();
        return NetworkFactory.build(job.model(), job.training(), job.seed(), session.shape());
    }

    /** An epoch of a network thrown away; how the session trains. */
    private static String warmUp(TrainingSession session) {
        try (TrainingStrategy strategy = session.strategy(network(session), 0)) {
            strategy.fitEpoch(1);
            return strategy.describe();
        }
    }

    /** Epochs of a new network until validation stalls or the cap; the best-validation network reads the test set. */
    private static Fit ours(TrainingSession session, int epochCap) {
        List<Point> curve = new ArrayList<>();
        Model bestNetwork = null;
        try (TrainingStrategy strategy = session.strategy(network(session), 0)) {
            double total = 0;
            for (int epoch = 1; epoch <= epochCap && !stalled(curve, PATIENCE); epoch++) {
                long begin = System.nanoTime();
                strategy.fitEpoch(epoch);
                total += (System.nanoTime() - begin) / 1e9;
                curve.add(new Point(epoch, total, session.validate(strategy.network()).value()));
                log.info("{}: epoch {} after {} s: validation accuracy {}", session.job().model().type(), epoch, total,
                        curve.get(curve.size() - 1).validation());
                if (best(curve) == curve.get(curve.size() - 1)) {
                    bestNetwork = Networks.copy(strategy.network());
                }
            }
        }
        return new Fit(curve, null, (Double) session.test(bestNetwork).get("accuracy"));
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
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("Spark MLlib MultilayerPerceptronClassifier",
                Markdown.f("L-BFGS, block %d, sigmoid, steps of %d; iterations per round: ", o.blockSize(), o.stepIterations())
                        + ended(o.mllib(), fit -> fit.last().done() >= o.iterationCap() ? "the cap" : "L-BFGS converged"),
                spread(o.mllib(), fit -> fit.best().validation()).format("%.4f"),
                seconds(o.mllibSeconds()),
                spread(o.mllib(), Fit::test).format("%.4f")));
        for (Ours one : o.ours()) {
            rows.add(List.of("sparktrain " + one.model(), one.setup() + "; epochs per round: "
                            + ended(one.fits(), fit -> fit.last().done() >= one.epochCap() ? "the cap" : "neither stalled nor at the cap"),
                    spread(one.fits(), fit -> fit.best().validation()).format("%.4f"),
                    seconds(o.seconds(one)),
                    spread(one.fits(), Fit::test).format("%.4f")));
        }
        List<String> names = new ArrayList<>(List.of("MLlib"));
        o.ours().forEach(one -> names.add(one.model()));
        List<String> roundHeader = new ArrayList<>(List.of("round", "order", "MLlib's best validation accuracy (the target)"));
        names.forEach(n -> roundHeader.add(n + ": seconds to it"));
        roundHeader.add("test accuracy (" + String.join(", ", names) + ")");
        List<List<String>> roundRows = new ArrayList<>();
        for (int round = 0; round < o.rounds(); round++) {
            List<String> row = new ArrayList<>(List.of(String.valueOf(round + 1),
                    FairTiming.order(names.size(), round).stream().map(names::get).collect(Collectors.joining(", ")),
                    Markdown.f("%.4f", o.target(round))));
            List<Fit> fits = new ArrayList<>(List.of(o.mllib().get(round)));
            for (Ours one : o.ours()) {
                fits.add(one.fits().get(round));
            }
            for (Fit fit : fits) {
                row.add(secondsOrNever(o.secondsToTarget(fit, round)));
            }
            row.add(fits.stream().map(fit -> Markdown.f("%.4f", fit.test())).collect(Collectors.joining(", ")));
            roundRows.add(row);
        }
        Fit mllib = o.mllib().get(0);
        StringBuilder curves = new StringBuilder("Round 1's validation curves (accuracy after so many iterations or epochs, at"
                + " cumulative training time). MLlib: " + curve(mllib.curve())
                + Markdown.f("; the best step's %d iterations again in one fit from scratch (no restarts, the data stacked"
                        + " once): %s, validation accuracy %.4f.", mllib.oneFit().done(), Markdown.seconds(mllib.oneFit().seconds()),
                mllib.oneFit().validation()));
        StringBuilder goals = new StringBuilder();
        for (Ours one : o.ours()) {
            curves.append(" Our ").append(one.model()).append(": ").append(curve(one.fits().get(0).curve())).append('.');
            Spread ratio = o.ratio(one);
            Spread points = o.points(one);
            goals.append(Markdown.f("- Our %s reached MLlib's best validation accuracy **%.2fx** (%.2f-%.2f) sooner%s"
                            + " (goal: at least %.0fx): %s; test accuracy of the best-validation models, **%+.2f points**"
                            + " (%+.2f to %+.2f) against MLlib's (goal: at least %.0f above): %s.\n", one.model(),
                    ratio.median(), ratio.min(), ratio.max(), missed(o.seconds(one)), RATIO_GOAL,
                    ratio.median() >= RATIO_GOAL ? "met" : "not met", points.median(), points.min(), points.max(),
                    POINTS_GOAL, points.median() >= POINTS_GOAL ? "met" : "not met"));
        }
        Ours mlp = o.ours().get(0);
        List<Ours> others = o.ours().subList(1, o.ours().size());
        String convolutional = others.stream().map(one -> one.model() + " (" + one.jobFile() + ")")
                .collect(Collectors.joining(" and "));
        List<String> ownKryo = others.stream().filter(one -> one.kryo() != mlp.kryo()).map(Ours::jobFile).toList();
        String kryo = ownKryo.isEmpty() ? "" : ", where " + String.join(" and ", ownKryo) + " alone would use "
                + (mlp.kryo() ? "Java serialization" : "Kryo");
        String caps = o.ours().stream().map(one -> "our " + one.model() + " up to " + one.epochCap() + " epochs")
                .collect(Collectors.joining(", "));
        return ctx.header("A peer on Spark: MLlib's multilayer perceptron at its best against ours",
                Markdown.f("%,d training and %,d validation images (the first %,d of Fashion-MNIST's training set, split by"
                                + " seeded hash), the full %,d-image test set; MLlib up to %d iterations, %s; %d rounds",
                        o.trainImages(), o.validationImages(), o.trainImages() + o.validationImages(), o.testImages(),
                        o.iterationCap(), caps, o.rounds()))
                + "\nLayers " + layers + " for MLlib and our " + mlp.model() + " (" + mlp.jobFile() + "), beside them our"
                + " convolutional networks, which MLlib cannot build: " + convolutional
                + ", trained in the " + mlp.model() + "'s SparkContext (" + (mlp.kryo() ? "Kryo" : "Java serialization")
                + kryo + "), master " + BenchContext.MASTER + ", the same training and validation images."
                + " All are selected on validation accuracy only: each trains until it has not improved for "
                + PATIENCE + " steps (MLlib: a step of " + o.stepIterations() + " L-BFGS iterations, each warm-started from"
                + " the previous step's weights; ours: an epoch) or reaches its cap, and each one's best-validation model"
                + " reads the test set once, at the end of its training. MLlib's time to its best is the sooner of its steps"
                + " and one fit of the best step's iterations from scratch (the steps' restarts do not count against it)."
                + " Times are training only (data cached; validation after each step or epoch not counted). After a"
                + " warm-up of each (MLlib: a fit of one step; ours: an epoch of a network thrown away), " + o.rounds()
                + " rounds in alternating order; each figure is the median of the rounds with the min-max, and each"
                + " round is judged against that round's MLlib.\n\n"
                + "MLlib multiplies with " + o.blas() + ". Its block size, by seconds per iteration (mean of two fits of " + o.stepIterations()
                + " iterations each, the order reversed the second time; L-BFGS computes full-batch gradients, so the"
                + " block size changes the speed, not the result): " + tuning + "; chosen: " + o.blockSize() + ".\n\n"
                + Markdown.table(List.of("model", "setup", "best validation accuracy", "time to MLlib's best validation accuracy",
                "test accuracy"), rows)
                + "\nRound by round:\n\n" + Markdown.table(roundHeader, roundRows)
                + "\n" + curves + "\n\n" + goals;
    }

    /** A job's main settings beside its strategy: the updater, and a convolutional network's layers and schedule. */
    private static String settings(JobConfig job) {
        if (job.model().type().equals("mlp")) {
            return job.training().updater() + ", dropout " + job.model().dropout();
        }
        return job.training().updater() + ", " + job.model().convChannels() + " channels, "
                + (job.model().batchNorm() ? "batch norm, " : "") + "dropout " + job.model().dropout() + ", "
                + job.training().schedule().type() + " schedule over " + job.training().epochs() + " epochs";
    }

    /** The job file of one of ours: conf/ holds each job under its name. */
    private static String jobFile(JobConfig job) {
        return "conf/" + job.name() + ".conf";
    }

    /** Each round's iterations or epochs and why that training ended. */
    private static String ended(List<Fit> fits, Function<Fit, String> otherwise) {
        return fits.stream().map(fit -> fit.last().done() + " (" + (stalled(fit.curve(), PATIENCE) ? "validation stalled"
                : otherwise.apply(fit)) + ")").collect(Collectors.joining(", "));
    }

    private static Spread spread(List<Fit> fits, ToDoubleFunction<Fit> figure) {
        return new Spread(fits.stream().map(figure::applyAsDouble).toList());
    }

    /** How many rounds did not reach the target, when any did not. */
    private static String missed(Spread seconds) {
        long missed = seconds.values().stream().filter(v -> Double.isNaN(v)).count();
        return missed == 0 ? "" : Markdown.f(" (not reached in %d of %d rounds)", missed, seconds.values().size());
    }

    /**
     * Seconds to a target over the rounds: the median with the min-max; when a round did not reach it (NaN, which
     * sorts above every time), the median of all rounds and each round's.
     */
    private static String seconds(Spread seconds) {
        if (seconds.values().stream().noneMatch(v -> Double.isNaN(v))) {
            return seconds.format("%.1f") + " s";
        }
        return secondsOrNever(seconds.median()) + " (rounds: " + seconds.values().stream().map(MllibPart::secondsOrNever)
                .collect(Collectors.joining(", ")) + ")";
    }

    private static String secondsOrNever(double seconds) {
        return Double.isNaN(seconds) ? "not reached" : Markdown.f("%.1f s", seconds);
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
