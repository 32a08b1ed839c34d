package sparktrain.ml;

import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.ml.linalg.SQLDataTypes;
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

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spark's CrossValidator tunes the classifier over a 2x2 grid of learningRate and modelType (mlp, lenet5). */
class CrossValidationTest {
    static final int SIDE = 16;
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = UserSession.start("cross-validation");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** 16x16 grey images: a noisy horizontal bar (class 0) or vertical bar (class 1) at a random place. */
    static Dataset<Row> bars(SparkSession spark, int rows, long seed) {
        Random random = new Random(seed);
        List<Row> data = new ArrayList<>();
        for (int i = 0; i < rows; i++) {
            int label = random.nextInt(2);
            int at = 2 + random.nextInt(SIDE - 4);
            double[] pixels = new double[SIDE * SIDE];
            for (int y = 0; y < SIDE; y++) {
                for (int x = 0; x < SIDE; x++) {
                    boolean bar = label == 0 ? Math.abs(y - at) <= 1 : Math.abs(x - at) <= 1;
                    pixels[y * SIDE + x] = (bar ? 0.8 : 0.1) + random.nextGaussian() * 0.1;
                }
            }
            data.add(RowFactory.create((double) label, Vectors.dense(pixels)));
        }
        StructType schema = new StructType().add("label", DataTypes.DoubleType)
                .add("features", SQLDataTypes.VectorType());
        return spark.createDataFrame(data, schema);
    }

    @Test
    void aTwoByTwoGridOverLearningRateAndModelTypePicksABestModel() {
        DeepLearningClassifier classifier = new DeepLearningClassifier().setEpochs(2).setBatchSize(16)
                .setSettings("data.image.height = 16\ndata.image.width = 16\ndata.image.channels = 1\n"
                        + "model.hidden-layers = [32]\nmodel.conv-channels = [4, 8]\nmodel.dense-size = 16");
        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(classifier.learningRate(), new double[] {0.01, 0.0001})
                .addGrid(classifier.modelType(), scala.collection.JavaConverters.iterableAsScalaIterable(List.of("mlp", "lenet5")))
                .build();
        CrossValidator cv = new CrossValidator().setEstimator(classifier).setEstimatorParamMaps(grid)
                .setEvaluator(new MulticlassClassificationEvaluator().setMetricName("accuracy")).setNumFolds(2).setSeed(7);
        CrossValidatorModel model = cv.fit(bars(spark, 240, 1));
        double[] metrics = model.avgMetrics();
        System.out.println("avgMetrics " + Arrays.toString(metrics));

        assertEquals(4, grid.length);
        assertEquals(4, metrics.length);
        DeepLearningClassificationModel best = (DeepLearningClassificationModel) model.bestModel();
        int bestIndex = 0;
        for (int i = 1; i < metrics.length; i++) {
            bestIndex = metrics[i] > metrics[bestIndex] ? i : bestIndex;
        }
        DeepLearningClassifier parent = (DeepLearningClassifier) best.parent();
        assertEquals(grid[bestIndex].get(classifier.modelType()).get(), parent.getModelType());
        assertEquals(grid[bestIndex].get(classifier.learningRate()).get(), parent.getLearningRate());
        assertTrue(best.job().contains("type = " + parent.getModelType()) || best.job().contains("type=" + parent.getModelType()),
                best.job());
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy")
                .evaluate(model.transform(bars(spark, 200, 2)));
        System.out.println("best " + parent.getModelType() + " lr " + parent.getLearningRate() + ": accuracy " + accuracy);
        assertTrue(accuracy > 0.9, "accuracy " + accuracy);
    }
}
