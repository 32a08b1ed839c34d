package sparktrain.ml;

import org.apache.spark.SparkException;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sparktrain.testing.UserSession;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Spark ML's convention: a missing or wrongly typed column is an IllegalArgumentException from transformSchema naming
 * the column, the type found and the type expected, before any job runs; a feature count that does not match the
 * network names both numbers; a saved model without its labels.json says so.
 */
class EstimatorBadInputTest {
    private static SparkSession spark;
    private static Dataset<Row> table;
    private static DeepLearningClassificationModel model;
    private static final AtomicInteger jobs = new AtomicInteger();

    @BeforeAll
    static void fit() {
        spark = UserSession.start("bad input");
        table = new org.apache.spark.ml.feature.StringIndexer().setInputCol("colour").setOutputCol("label")
                .fit(DeepLearningClassifierTest.colours(spark, 200, 3)).transform(
                        new VectorAssembler().setInputCols(new String[] {"x1", "x2", "x3", "x4"}).setOutputCol("features")
                                .transform(DeepLearningClassifierTest.colours(spark, 200, 3)));
        model = new DeepLearningClassifier().setEpochs(1).setSettings("model.hidden-layers = [8]").fit(table);
        spark.sparkContext().addSparkListener(new SparkListener() {
            @Override
            public void onJobStart(SparkListenerJobStart start) {
                jobs.incrementAndGet();
            }
        });
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** What {@code call} throws, checked to have run no Spark job. */
    private static IllegalArgumentException noJob(Executable call) throws Exception {
        spark.sparkContext().listenerBus().waitUntilEmpty();
        int before = jobs.get();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        spark.sparkContext().listenerBus().waitUntilEmpty();
        assertEquals(before, jobs.get(), "no job ran before: " + e.getMessage());
        return e;
    }

    @Test
    void aMissingColumnIsNamedWithADidYouMean() throws Exception {
        String message = noJob(() -> new DeepLearningClassifier().setFeaturesCol("featurs").fit(table)).getMessage();
        assertTrue(message.contains("column featurs (featuresCol): not found") && message.contains("features"), message);
        message = noJob(() -> model.transform(table.drop("features"))).getMessage();
        assertTrue(message.contains("column features (featuresCol): not found"), message);
    }

    @Test
    void aWronglyTypedColumnNamesTheTypeFoundAndExpected() throws Exception {
        String message = noJob(() -> new DeepLearningClassifier().setLabelCol("colour").fit(table)).getMessage();
        assertTrue(message.contains("column colour (labelCol): found type string, expected a numeric class index"),
                message);
        message = noJob(() -> new DeepLearningClassifier().setFeaturesCol("colour").fit(table)).getMessage();
        assertTrue(message.contains("column colour (featuresCol): found type string, expected a Vector or an array"
                + " of numbers"), message);
        message = noJob(() -> model.setFeaturesCol("x1").transform(table)).getMessage();
        model.setFeaturesCol("features");
        assertTrue(message.contains("column x1 (featuresCol): found type double, expected a Vector"), message);
        message = noJob(() -> new DeepLearningRegressor().setLabelCol("colour").fit(table)).getMessage();
        assertTrue(message.contains("column colour (labelCol): found type string, expected a numeric type"), message);
    }

    @Test
    void anOutputColumnThatExistsIsNamed() throws Exception {
        String message = noJob(() -> model.setPredictionCol("x1").transform(table)).getMessage();
        model.setPredictionCol("prediction");
        assertTrue(message.contains("column x1 (predictionCol): already exists"), message);
    }

    @Test
    void aFeatureCountOtherThanTheNetworksNamesBothNumbers() throws Exception {
        Dataset<Row> three = new VectorAssembler().setInputCols(new String[] {"x1", "x2", "x3"})
                .setOutputCol("features").transform(table.drop("features"));
        String message = noJob(() -> model.transform(three)).getMessage();
        assertTrue(message.contains("column features (featuresCol) holds 3 values (its ML attributes say), but the"
                + " network takes 4 inputs"), message);
        // an array column carries no size: the executors find it, and say the same
        Dataset<Row> arrays = table.withColumn("features", array(col("x1"), col("x2"), col("x3")));
        SparkException failed = assertThrows(SparkException.class, () -> model.transform(arrays).collect());
        assertTrue(failed.getMessage().contains("column features holds 3 values, but the network takes 4 inputs"),
                failed.getMessage());
    }

    @Test
    void badSettingsAreListedTogether() throws Exception {
        String message = assertThrows(IllegalArgumentException.class, () -> new DeepLearningClassifier()
                .setSettings("model.hiden-layers = [8]\ntraining.epochs = 0").job()).getMessage();
        assertTrue(message.contains("model.hiden-layers: unknown key") && message.contains("model.hidden-layers"),
                message);
        message = assertThrows(IllegalArgumentException.class, () -> new DeepLearningClassifier()
                .setSettings("training.epochs = 0").job()).getMessage();
        assertTrue(message.contains("training.epochs"), message);
        assertThrows(IllegalArgumentException.class, () -> new DeepLearningClassifier().setEpochs(0));
    }

    @Test
    void explicitParamsWinOverTheJobFileAndSettings(@TempDir Path dir) throws Exception {
        Path job = Files.writeString(dir.resolve("job.conf"),
                "training { epochs = 7, learning-rate = 0.5, batch-size = 64 }\nmodel.type = lenet5\n"
                        + "data.image { height = 2, width = 2, channels = 1 }\n");
        DeepLearningClassifier classifier = new DeepLearningClassifier().setJobFile(job.toString())
                .setSettings("training.epochs = 9\ntraining.updater = sgd").setEpochs(3);
        var resolved = classifier.job();
        assertEquals(3, resolved.training().epochs());
        assertEquals(0.5, resolved.training().learningRate());
        assertEquals(64, resolved.training().batchSize());
        assertEquals("sgd", resolved.training().updater());
        assertEquals("lenet5", resolved.model().type()); // the job file's, over the param's default
        assertEquals("mlp", new DeepLearningClassifier().job().model().type());
        assertEquals(java.util.List.of("features"), resolved.data().features());
    }

    @Test
    void aSavedModelWithoutItsLabelsSaysSo(@TempDir Path dir) throws Exception {
        String saved = dir.resolve("model").toString();
        model.write().save(saved);
        Files.delete(dir.resolve("model").resolve("labels.json"));
        String message = assertThrows(IllegalArgumentException.class,
                () -> DeepLearningClassificationModel.load(saved)).getMessage();
        assertTrue(message.contains("labels.json: not found"), message);
    }
}
