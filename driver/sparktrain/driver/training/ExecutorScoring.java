package sparktrain.driver.training;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.api.Model;
import sparktrain.worker.inference.PredictRows;
import sparktrain.worker.model.Networks;
import sparktrain.worker.tasks.Task;
import sparktrain.worker.training.Scoring;

/**
 * A network measured on rows by the executors, as DL4J's own {@code SparkDl4jMultiLayer.evaluate} does: the
 * network broadcast once, each partition scored where it lies, the parts merged on the driver.
 */
public final class ExecutorScoring {
    private ExecutorScoring() {
    }

    /**
     * {@code rows} with {@code predict}'s outputs appended by the executors ({@code schema}: the rows' and the
     * outputs'), the rows kept in Spark's internal form throughout so that columns the network does not read are
     * never converted.
     */
    public static Dataset<Row> predicted(Dataset<Row> rows, PredictRows predict, StructType schema) {
        JavaRDD<InternalRow> scored = rows.queryExecution().toRdd().toJavaRDD().mapPartitions(predict);
        return rows.sparkSession().internalCreateDataFrame(scored.rdd(), schema, false);
    }

    public static Task.Scores score(JavaSparkContext sc, Task task, Model network, JavaRDD<sparktrain.worker.data.Row> rows) {
        Broadcast<byte[]> bytes = sc.broadcast(Networks.toBytes(network));
        try {
            return rows.mapPartitions(new Scoring.ScoreRows(task, bytes)).reduce(Task.Scores::merge);
        } finally {
            bytes.destroy();
        }
    }
}
