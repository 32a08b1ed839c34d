package sparktrain.driver.bench;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.driver.PredictJob;
import sparktrain.driver.SavedModel;
import sparktrain.driver.SparkContexts;
import sparktrain.driver.data.MakeData;
import sparktrain.ml.DeepLearningClassificationModel;
import sparktrain.ml.DeepLearningClassifier;
import sparktrain.worker.NativeThreads;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.data.FashionMnist;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.worker.model.Networks;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.tasks.ClassificationTask;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.apache.spark.ml.functions.array_to_vector;
import static org.apache.spark.sql.functions.col;

/**
 * Part 8 (only when named): batch inference on Fashion-MNIST's test images replicated to 100,000 rows (make-data's
 * Parquet test table, copied). A LeNet scored by {@link DeepLearningClassificationModel#transform} on local[2] and
 * written as Parquet, against one JVM scoring the same images in a loop in minibatches of the same size (DL4J
 * alone); and Spark MLlib's multilayer perceptron's transform against our {@code mlp}'s, same layer sizes, same
 * rows, forced with Spark's {@code noop} sink. The models are trained briefly here: speed does not depend on
 * accuracy.
 */
public final class InferencePart {
    private static final Logger log = LoggerFactory.getLogger(InferencePart.class);
    static final double SPARK_GOAL = 1.5;
    static final double MLP_GOAL = 1.0;
    private static final int REPEATS = 3;

    /** One configuration's timed runs over {@code rows} rows. */
    record Timing(String name, String setup, long rows, Spread seconds) {
        Spread rowsPerSecond() {
            return seconds.map(s -> rows / s);
        }
    }

    /** A configuration to time: its name (also in the log), its setup and one run of it. */
    record Configuration(String name, String setup, Runnable run) {
        @Override
        public String toString() {
            return name;
        }
    }

    private InferencePart() {
    }

    public static String run(BenchContext ctx, Path dir) {
        int rows = ctx.size(100_000, 10_000);
        int trainRows = ctx.size(5_000, 1_000);
        int mllibIterations = ctx.size(5, 2);
        JobConfig job = ctx.job("lenet-fashion-mnist.conf", "data.train-limit=" + trainRows);
        Path data = dir.resolve("fashion-mnist-train" + trainRows);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw SparktrainException.usage(dir + ": cannot create (" + e.getMessage() + ")");
        }
        if (!Files.isDirectory(data)) {
            MakeData.run("fashion-mnist", "parquet", data.toUri().toString(), 1, job, BenchContext.MASTER);
        }
        int cores = Runtime.getRuntime().availableProcessors();
        NativeThreads.limit(cores); // this JVM's ND4J threads: the loop's, and in local mode the Spark tasks' too
        try (JavaSparkContext sc = SparkContexts.start(job, BenchContext.MASTER)) {
            SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
            Dataset<Row> test = spark.read().parquet(data.resolve("test").toUri().toString());
            long images = test.count();
            if (rows % images != 0) {
                throw SparktrainException.usage("bench inference: " + rows + " rows are not whole copies of the "
                        + images + " test images");
            }
            String table = dir.resolve("test-" + rows).toUri().toString();
            test.crossJoin(spark.range(rows / images)).drop("id").repartition(sc.defaultParallelism())
                    .write().mode("overwrite").parquet(table);
            Dataset<Row> rawTrain = spark.read().parquet(data.resolve("train").toUri().toString());
            Dataset<Row> train = new StringIndexer().setInputCol("label").setOutputCol("index")
                    .setStringOrderType("alphabetAsc").fit(rawTrain).transform(rawTrain)
                    .select(col("pixels"), array_to_vector(col("pixels")).as("features"), col("index")).cache();
            log.info("{} training rows; the table of {} rows in {}", train.count(), rows, table);

            List<Timing> lenet = lenet(ctx, spark, train, test, table, rows, dir, cores);
            List<Timing> mlp = mlp(ctx, spark, train, table, rows, mllibIterations);
            int partitions = spark.read().parquet(table).rdd().getNumPartitions();
            return render(ctx, Markdown.f("%,d rows (the %,d test images %d times), read in %d partitions; models"
                            + " trained for one epoch on the first %,d training images, MLlib's for %d iterations;"
                            + " one warm-up and %d timed runs per configuration", rows, images, rows / images,
                    partitions, trainRows, mllibIterations, REPEATS), lenet, mlp);
        }
    }

    /**
     * LeNet on local[2], read, scored and written as Parquet, against the one-JVM loop over the same images, and the
     * Spark runs again on the session without sharing out ND4J's threads: [predict, one JVM, on a session].
     */
    private static List<Timing> lenet(BenchContext ctx, SparkSession spark, Dataset<Row> train, Dataset<Row> test,
                                      String table, int rows, Path dir, int cores) {
        DeepLearningClassificationModel trained = new DeepLearningClassifier()
                .setJobFile(ctx.confDir().resolve("lenet-fashion-mnist.conf").toAbsolutePath().toString())
                .setModelType("lenet5").setEpochs(1).setFeaturesCol("pixels").setLabelCol("index")
                .setSettings("data.image.height = 28\ndata.image.width = 28\ndata.image.channels = 1\n"
                        + "data.validation-fraction = 0")
                .fit(train.select("pixels", "index"));
        Path modelDir = dir.resolve("lenet-model");
        Model network;
        try {
            trained.write().overwrite().save(modelDir.toUri().toString());
            network = Networks.fromBytes(Files.readAllBytes(modelDir.resolve(RunOutputs.MODEL)), false);
        } catch (IOException e) {
            throw SparktrainException.usage("bench inference: cannot save the LeNet to " + modelDir + " or read it"
                    + " back: " + e.getMessage());
        }
        if (Files.exists(modelDir.resolve("preprocessing.json"))) {
            throw SparktrainException.usage("bench inference: " + modelDir + " normalises its inputs; the one-JVM"
                    + " loop does not: train the LeNet on images (data.image.*), which are not normalised");
        }
        SavedModel saved = SavedModel.read(modelDir.toUri().toString(), null, List.of(), table, "parquet");
        Path out = dir.resolve("lenet-output");
        Runnable onSession = () -> {
            HadoopFiles.deleteQuietly(HadoopFiles.path(out.toUri().toString()));
            PredictJob.everyRow(spark, saved, out.toUri().toString(), "parquet");
        };
        // what the predict command does in local mode: ND4J's threads shared out between the concurrent tasks
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Runnable command = () -> SparkContexts.withLocalThreadShares(sc, () -> {
            onSession.run();
            return null;
        });
        List<float[]> images = test.select("pixels").collectAsList().stream().map(InferencePart::floats).toList();
        int batch = new ClassificationTask(FashionMnist.SHAPE, FashionMnist.CLASS_NAMES, true, false, 0, null)
                .scoringBatch();
        Runnable loop = () -> score(network, images, rows / images.size(), batch);
        int perTask = Math.max(1, cores / spark.sparkContext().defaultParallelism());
        String setup = "the network broadcast once, minibatches of " + batch + " per partition, written as Parquet";
        return time(rows, List.of(
                new Configuration("sparktrain predict, Spark " + BenchContext.MASTER, "`predict --input` as the command"
                        + " runs it: " + setup + "; ND4J limited to " + perTask + " thread" + (perTask == 1 ? "" : "s")
                        + " per task, as in training", command),
                new Configuration("one JVM", "DL4J alone, " + cores + " ND4J threads, minibatches of " + batch
                        + " from images in memory", loop),
                new Configuration("sparktrain predict on a session, Spark " + BenchContext.MASTER, "`PredictJob.everyRow`"
                        + " on the bench's session, as a Spark program calls it (and as `transform` scores): " + setup
                        + "; ND4J's threads left as they are (" + cores + ", shared by the concurrent tasks)", onSession)));
    }

    /** Our mlp's transform against MLlib's with the same layer sizes, both forced with the noop sink. */
    private static List<Timing> mlp(BenchContext ctx, SparkSession spark, Dataset<Row> train, String table, int rows,
                                    int mllibIterations) {
        JobConfig job = ctx.job("mlp-fashion-mnist.conf");
        List<Integer> sizes = new ArrayList<>(List.of(FashionMnist.SHAPE.flatSize()));
        sizes.addAll(job.model().hiddenLayers());
        sizes.add(FashionMnist.CLASSES);
        DeepLearningClassificationModel ours = new DeepLearningClassifier()
                .setJobFile(ctx.confDir().resolve("mlp-fashion-mnist.conf").toAbsolutePath().toString())
                .setModelType("mlp").setEpochs(1).setLabelCol("index").setSettings("data.validation-fraction = 0")
                .fit(train.select("features", "index"));
        MultilayerPerceptronClassificationModel mllib = new MultilayerPerceptronClassifier().setLabelCol("index")
                .setLayers(sizes.stream().mapToInt(Integer::intValue).toArray()).setMaxIter(mllibIterations)
                .setBlockSize(128).setSeed(job.seed()).fit(train.select("features", "index"));
        Runnable oursRun = () -> ours.transform(vectors(spark, table)).write().format("noop").mode("overwrite").save();
        Runnable mllibRun = () -> mllib.transform(vectors(spark, table)).write().format("noop").mode("overwrite").save();
        String layers = String.join("-", sizes.stream().map(String::valueOf).toList());
        return time(rows, List.of(
                new Configuration("Spark MLlib, Spark " + BenchContext.MASTER, "`MultilayerPerceptronClassificationModel"
                        + ".transform`, layers " + layers + ", on " + MllibPart.mllibBlas(), mllibRun),
                new Configuration("sparktrain mlp, Spark " + BenchContext.MASTER, "`DeepLearningClassificationModel"
                        + ".transform`, layers " + layers, oursRun)));
    }

    /** The table's rows as (label, features) with the pixels as a Vector, as both MLPs read them. */
    private static Dataset<Row> vectors(SparkSession spark, String table) {
        return spark.read().parquet(table).select(col("label"), array_to_vector(col("pixels")).as("features"));
    }

    private static float[] floats(Row row) {
        List<Float> pixels = row.getList(0);
        float[] x = new float[pixels.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = pixels.get(i);
        }
        return x;
    }

    /**
     * The images {@code copies} times, in minibatches of {@code batch}, each assembled, scored and read back
     * (classes and probabilities) as an executor's partition does.
     */
    private static void score(Model network, List<float[]> images, int copies, int batch) {
        int inputs = images.get(0).length;
        long checksum = 0;
        for (int c = 0; c < copies; c++) {
            for (int from = 0; from < images.size(); from += batch) {
                int n = Math.min(batch, images.size() - from);
                float[] x = new float[n * inputs];
                for (int i = 0; i < n; i++) {
                    System.arraycopy(images.get(from + i), 0, x, i * inputs, inputs);
                }
                INDArray out = Networks.output(network, Nd4j.create(x, new long[] {n, inputs}, 'c'));
                checksum += Arrays.stream(out.argMax(1).toIntVector()).sum() + out.toDoubleMatrix().length;
            }
        }
        log.debug("one JVM: checksum {}", checksum);
    }

    /** Each configuration's seconds in {@link FairTiming}'s rounds, after an untimed run of each. */
    static List<Timing> time(long rows, List<Configuration> configurations) {
        List<Spread> seconds = FairTiming.compare(configurations, REPEATS, c -> {
            long start = System.nanoTime();
            c.run().run();
            return (System.nanoTime() - start) / 1e9;
        });
        List<Timing> timings = new ArrayList<>();
        for (int i = 0; i < configurations.size(); i++) {
            Configuration c = configurations.get(i);
            timings.add(new Timing(c.name(), c.setup(), rows, seconds.get(i)));
        }
        return timings;
    }

    static String render(BenchContext ctx, String sizes, List<Timing> lenet, List<Timing> mlp) {
        List<List<String>> rows = new ArrayList<>();
        for (Timing t : concat(lenet, mlp)) {
            Spread perSecond = t.rowsPerSecond();
            rows.add(List.of(t.name(), t.setup(), Markdown.f("%.0f", perSecond.median()),
                    Markdown.f("%.0f-%.0f", perSecond.min(), perSecond.max()), Markdown.seconds(t.seconds().median())));
        }
        double spark = median(lenet.get(0)) / median(lenet.get(1));
        double onSession = median(lenet.get(2)) / median(lenet.get(1));
        double ours = median(mlp.get(1)) / median(mlp.get(0));
        return ctx.header("Batch inference: LeNet on local[2] against one JVM, our MLP against MLlib's", sizes)
                + "\nFashion-MNIST's test set as `make-data fashion-mnist --format parquet` writes it, the rows copied"
                + " to the size above. LeNet: conf/lenet-fashion-mnist.conf with the image shape, saved and loaded as a"
                + " model directory; each Spark run reads the table, scores it and writes label, prediction and"
                + " probability as Parquet into a temporary directory; the one-JVM loop scores the same images from"
                + " memory (read once beforehand) and reads the outputs back. MLPs: the table's pixels as a Vector,"
                + " transformed and forced with Spark's `noop` sink (every output column computed, nothing written);"
                + " ours is conf/mlp-fashion-mnist.conf (standardised inputs, inside its transform). Runs alternate"
                + " in order each round; rows/s is the median's, with the slowest and fastest run.\n\n"
                + Markdown.table(List.of("configuration", "setup", "rows/s (median)", "rows/s (min-max)",
                "median time"), rows)
                + "\n" + verdict("predict on Spark " + BenchContext.MASTER + " against the one-JVM loop", spark, SPARK_GOAL)
                + "\n" + verdict("predict on a session, ND4J's threads not shared out", onSession, SPARK_GOAL)
                + "\n" + verdict("Our MLP's transform against MLlib's, per row", ours, MLP_GOAL) + "\n";
    }

    private static double median(Timing t) {
        return t.rowsPerSecond().median();
    }

    private static String verdict(String what, double ratio, double goal) {
        return Markdown.f("%s: **%.2fx** (goal: at least %.1fx): %s.%n", what, ratio, goal,
                ratio >= goal ? "met" : "not met");
    }

    private static List<Timing> concat(List<Timing> a, List<Timing> b) {
        List<Timing> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
