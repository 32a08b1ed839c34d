package sparktrain.driver.training;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.api.Model;
import sparktrain.worker.data.Row;
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

    public static Task.Scores score(JavaSparkContext sc, Task task, Model network, JavaRDD<Row> rows) {
        Broadcast<byte[]> bytes = sc.broadcast(Networks.toBytes(network));
        try {
            return rows.mapPartitions(new Scoring.ScoreRows(task, bytes)).reduce(Task.Scores::merge);
        } finally {
            bytes.destroy();
        }
    }
}
