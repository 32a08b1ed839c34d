package sparktrain.ml;

import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sparktrain.testing.UserSession;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The acceptance test of issue 21, written as a Spark user would: a DataFrame built here, a Pipeline of
 * StringIndexer, VectorAssembler and DeepLearningClassifier fitted on the application's own session, scored with
 * Spark's evaluator, saved and loaded; the session is the user's throughout and still works afterwards.
 */
class DeepLearningClassifierTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = UserSession.start("a user's application");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** Three colours, each a blob of four numbers around its own centre. */
    static Dataset<Row> colours(SparkSession spark, int rows, long seed) {
        String[] names = {"red", "green", "blue"};
        double[][] centres = {{0, 0, 0, 0}, {2, 2, 0, 1}, {0, 2, 2, -1}};
        Random random = new Random(seed);
        List<Row> data = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            int c = random.nextInt(3);
            double[] x = new double[4];
            for (int j = 0; j < 4; j++) {
                x[j] = centres[c][j] + random.nextGaussian() * 0.6;
            }
            data.add(RowFactory.create(i, names[c], x[0], x[1], x[2], x[3]));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("colour", DataTypes.StringType)
                .add("x1", DataTypes.DoubleType).add("x2", DataTypes.DoubleType)
                .add("x3", DataTypes.DoubleType).add("x4", DataTypes.DoubleType);
        return spark.createDataFrame(data, schema);
    }

    @Test
    void aPipelineFitsTransformsEvaluatesSavesAndLoadsOnTheUsersSession(@TempDir Path dir) throws Exception {
        Dataset<Row> train = colours(spark, 600, 1);
        Dataset<Row> test = colours(spark, 300, 2);

        String path = dir.resolve("model").toString();
        // README example begin: README.md "Use it from Spark" shows these lines, ReadmeExampleTest checks they match
        // train, test: DataFrames with a string column colour and numeric columns x1..x4
        StringIndexer indexer = new StringIndexer().setInputCol("colour").setOutputCol("label");
        VectorAssembler assembler = new VectorAssembler()
                .setInputCols(new String[] {"x1", "x2", "x3", "x4"}).setOutputCol("features");
        DeepLearningClassifier classifier = new DeepLearningClassifier()
                .setModelType("mlp").setEpochs(4).setLearningRate(0.01).setBatchSize(16)
                .setSettings("model.hidden-layers = [32, 16]");
        Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {indexer, assembler, classifier});

        PipelineModel model = pipeline.fit(train);             // trains on the executors of train's session
        Dataset<Row> predictions = model.transform(test);     // adds prediction and probability
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(predictions);

        model.write().overwrite().save(path);                 // any Hadoop URI: hdfs://..., s3a://...
        PipelineModel loaded = PipelineModel.load(path);
        DeepLearningClassificationModel network = (DeepLearningClassificationModel) loaded.stages()[2];
        System.out.println(network.labels() + ": validation accuracy " + network.summary().validationMetric());
        // README example end

        // the reference: one worker, whose parameter averaging is a single-JVM fit (EquivalenceTest)
        double single = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(
                new Pipeline().setStages(new PipelineStage[] {indexer, assembler, classifier.copy(new ParamMap())
                        .setSettings(classifier.getSettings() + "\ntraining.workers = 1")}).fit(train).transform(test));
        System.out.println("pipeline test accuracy " + accuracy + ", one worker " + single);
        assertTrue(single > 0.9, "one worker " + single);
        assertTrue(accuracy >= single - 0.02, "accuracy " + accuracy + " against one worker's " + single);
        DeepLearningClassificationModel fitted = (DeepLearningClassificationModel) model.stages()[2];
        assertEquals(4, fitted.summary().history().size());
        assertTrue(fitted.summary().validationMetric() > 0.8, "validation accuracy " + fitted.summary().validationMetric());
        assertEquals(3, fitted.numClasses());
        assertEquals(List.of("red", "green", "blue").stream().sorted().toList(),
                fitted.labels().stream().sorted().toList());
        assertEquals(fitted.uid(), loaded.stages()[2].uid());
        assertEquals(predictions.select("id", "prediction", "probability").orderBy("id").collectAsList(),
                loaded.transform(test).select("id", "prediction", "probability").orderBy("id").collectAsList());
        assertEquals(List.of("id", "colour", "x1", "x2", "x3", "x4", "label", "features", "prediction", "probability"),
                List.of(predictions.columns()));

        // the session is the user's and still works
        assertFalse(spark.sparkContext().isStopped());
        assertEquals("a user's application", spark.sparkContext().appName());
        assertEquals("local[2]", spark.sparkContext().master());
        assertEquals(600, train.count());
        assertEquals(45, spark.range(10).selectExpr("sum(id)").first().getLong(0));
        assertTrue(spark.sparkContext().getPersistentRDDs().isEmpty(), "the fit unpersisted what it cached");
    }
}
