package sparktrain.ml;

import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.nio.file.Path;

import static org.apache.spark.ml.functions.array_to_vector;
import static org.apache.spark.sql.functions.col;

/**
 * LeNet-5 on the Fashion-MNIST table that {@code make-data fashion-mnist --format parquet} writes, trained with
 * {@link DeepLearningClassifier} as a Spark user would: the run that docs/spark-ml.md "Checked against the CLI"
 * compares with {@code sparktrain train} on the same table. Not a test (it trains for minutes); run it as that
 * page shows, with {@code -Dspark.master=local[2]}.
 *
 * <p>Usage: {@code LeNetFromParquet DIR [JOB_FILE]}: DIR holds make-data's {@code train} and {@code test};
 * JOB_FILE (default conf/lenet-fashion-mnist.conf) gives the training keys.
 */
public final class LeNetFromParquet {
    private LeNetFromParquet() {
    }

    public static void main(String[] args) {
        if (args.length < 1 || args.length > 2) {
            System.err.println("usage: LeNetFromParquet DIR [JOB_FILE]");
            System.exit(2);
        }
        String jobFile = Path.of(args.length > 1 ? args[1] : "conf/lenet-fashion-mnist.conf").toAbsolutePath().toString();
        SparkSession spark = SparkSession.builder().appName("LeNet from Parquet").getOrCreate();

        // make-data writes pixels as array<float> and label as the class name
        Dataset<Row> train = spark.read().parquet(args[0] + "/train")
                .withColumn("features", array_to_vector(col("pixels")));
        Dataset<Row> test = spark.read().parquet(args[0] + "/test")
                .withColumn("features", array_to_vector(col("pixels")));
        StringIndexerModel indexer = new StringIndexer().setInputCol("label").setOutputCol("labelIndex")
                .setStringOrderType("alphabetAsc").fit(train); // the CLI's class order (labels.json)

        DeepLearningClassifier classifier = new DeepLearningClassifier()
                .setJobFile(jobFile)
                .setSettings("data.image { height = 28, width = 28, channels = 1 }")
                .setModelType("lenet5")
                .setEpochs(6)
                .setLabelCol("labelIndex");
        long start = System.nanoTime();
        DeepLearningClassificationModel model = classifier.fit(indexer.transform(train));
        double seconds = (System.nanoTime() - start) / 1e9;

        double accuracy = new MulticlassClassificationEvaluator().setLabelCol("labelIndex")
                .setMetricName("accuracy").evaluate(model.transform(indexer.transform(test)));
        TrainingSummary summary = model.summary();
        System.out.printf("fit: %.0f s, %d training and %d validation rows, best epoch %d, validation %s %.4f%n",
                seconds, summary.trainRows(), summary.validationRows(), summary.bestEpoch(),
                summary.metric(), summary.validationMetric());
        System.out.printf("test accuracy: %.4f (%d rows)%n", accuracy, test.count());
        spark.stop();
    }
}
