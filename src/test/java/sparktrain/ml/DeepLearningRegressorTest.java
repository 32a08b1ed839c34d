package sparktrain.ml;

import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
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

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.stddev;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The regressor learns a numeric column in its own units, on the user's session, and round-trips through save/load. */
class DeepLearningRegressorTest {
    private static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = UserSession.start("regression");
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    /** y = 30 + 8 a - 5 b + 3 a b + noise (deviation 0.5): far from 0 and 1, so unscaled outputs would show. */
    static Dataset<Row> rows(int n, long seed) {
        Random random = new Random(seed);
        List<Row> data = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            double a = random.nextGaussian();
            double b = random.nextGaussian();
            data.add(RowFactory.create(i, a, b, 30 + 8 * a - 5 * b + 3 * a * b + random.nextGaussian() * 0.5));
        }
        StructType schema = new StructType().add("id", DataTypes.IntegerType).add("a", DataTypes.DoubleType)
                .add("b", DataTypes.DoubleType).add("y", DataTypes.DoubleType);
        return new VectorAssembler().setInputCols(new String[] {"a", "b"}).setOutputCol("features")
                .transform(spark.createDataFrame(data, schema));
    }

    @Test
    void predictsTheValueInTheLabelsUnitsAndSavesAndLoads(@TempDir Path dir) throws Exception {
        Dataset<Row> train = rows(800, 1);
        Dataset<Row> test = rows(300, 2);
        DeepLearningRegressor regressor = new DeepLearningRegressor().setLabelCol("y").setEpochs(8)
                .setLearningRate(0.01).setBatchSize(16).setSettings("model.hidden-layers = [32, 32]");
        DeepLearningRegressionModel model = regressor.fit(train);
        Dataset<Row> predicted = model.transform(test);
        RegressionEvaluator rmse = new RegressionEvaluator().setLabelCol("y").setMetricName("rmse");
        double error = rmse.evaluate(predicted);
        double deviation = test.agg(stddev(col("y"))).first().getDouble(0);
        System.out.println("regression rmse " + error + ", the label's deviation " + deviation);

        assertTrue(error < 0.25 * deviation, "rmse " + error + " against the label's deviation " + deviation);
        assertEquals("rmse", model.summary().metric());
        assertEquals(8, model.summary().history().size());
        model.write().overwrite().save(dir.resolve("regressor").toString());
        DeepLearningRegressionModel loaded = DeepLearningRegressionModel.load(dir.resolve("regressor").toString());
        assertEquals(predicted.select("id", "prediction").orderBy("id").collectAsList(),
                loaded.transform(test).select("id", "prediction").orderBy("id").collectAsList());
        assertEquals(model.summary(), loaded.summary());
    }
}
