package sparktrain.worker.training;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.api.Model;
import sparktrain.worker.data.Row;
import sparktrain.worker.model.Networks;
import sparktrain.worker.tasks.Task;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;

/**
 * A network measured on rows, dropout off: inside executors, where each partition scores its own rows with
 * the broadcast network and the driver merges the parts ({@link Task.Scores#merge}), or in this JVM.
 */
public final class Scoring {
    private Scoring() {
    }

    /** The task's scores of one partition's rows. */
    public record ScoreRows(Task task, Broadcast<byte[]> network) implements FlatMapFunction<Iterator<Row>, Task.Scores> {
        @Override
        public Iterator<Task.Scores> call(Iterator<Row> rows) {
            return List.of(task.score(restore(this.network.value()), rows)).iterator();
        }
    }

    /** One partition's summed training loss and its number of rows, as {total, rows}. */
    public record LossOfRows(Task task, Broadcast<byte[]> network) implements FlatMapFunction<Iterator<Row>, double[]> {
        @Override
        public Iterator<double[]> call(Iterator<Row> rows) {
            return List.of(loss(task, restore(this.network.value()), rows)).iterator();
        }
    }

    /** The loss DL4J reports (regularisation included) against training labels, summed, and the rows: {total, rows}. */
    public static double[] loss(Task task, Model network, Iterator<Row> rows) {
        double[] sum = {0, 0};
        Task.inBatches(rows, task.scoringBatch(), batch -> {
            sum[0] += Networks.score(network, task.batch(batch, true)) * batch.size();
            sum[1] += batch.size();
        });
        return sum;
    }

    public static double[] add(double[] a, double[] b) {
        return new double[] {a[0] + b[0], a[1] + b[1]};
    }

    /** A broadcast network, read back on an executor. */
    public static Model restore(byte[] bytes) {
        try {
            return Networks.fromBytes(bytes, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the broadcast network: " + e.getMessage(), e);
        }
    }
}
