package sparktrain.worker.inference;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import sparktrain.worker.data.Preprocessing;
import sparktrain.worker.data.TableRows;
import sparktrain.worker.model.Networks;
import sparktrain.worker.tasks.ClassificationTask;
import sparktrain.worker.tasks.RegressionTask;
import sparktrain.worker.tasks.Task;
import sparktrain.worker.training.Scoring;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.UnaryOperator;

/**
 * On an executor: one partition's rows, in their order, each with the model's outputs appended: a classifier's
 * predicted class index (a double) and the class probabilities (a Vector), a regression's predicted value. The
 * network comes from a broadcast (read once per partition) and scores the rows in minibatches of the task's
 * scoring size, normalised as in training; only one minibatch's rows are held at a time.
 *
 * @param features the indices of the feature columns, named {@code columns}: numeric columns, or one Vector or
 *                 array of numbers ({@code vector})
 * @param where    what a bad value's message names first (the input, or "transform")
 * @param key      the setting naming the feature columns (data.features, featuresCol)
 * @param kept     how many of each row's leading columns the output row keeps before the outputs (sparing the
 *                 conversion of columns nobody reads, such as the features)
 */
public record PredictRows(Task task, Broadcast<byte[]> network, int[] features, List<String> columns, boolean vector,
                          String where, String key, int kept) implements FlatMapFunction<Iterator<Row>, Row> {

    /** Scores the one Vector or array column {@code column} at {@code index}, keeping every column: Spark ML's transform. */
    public static PredictRows ofVectors(Task task, Broadcast<byte[]> network, int index, String column) {
        return new PredictRows(task, network, new int[] {index}, List.of(column), true, "transform", "featuresCol",
                Integer.MAX_VALUE);
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        Model net = Scoring.restore(network.value());
        UnaryOperator<INDArray> outputs = task instanceof ClassificationTask c ? c.predictor(net)
                : x -> Networks.output(net, x);
        int size = task.scoringBatch();
        return new Iterator<>() {
            private List<Row> scored = List.of();
            private int next;

            @Override
            public boolean hasNext() {
                if (next < scored.size()) {
                    return true;
                }
                List<Row> batch = new ArrayList<>(size);
                while (batch.size() < size && rows.hasNext()) {
                    batch.add(rows.next());
                }
                scored = batch.isEmpty() ? List.of() : score(batch, outputs);
                next = 0;
                return !scored.isEmpty();
            }

            @Override
            public Row next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return scored.get(next++);
            }
        };
    }

    private float[] values(Row row) {
        if (vector) {
            return TableRows.values(row.get(features[0]), where, columns.get(0), key);
        }
        float[] values = new float[features.length];
        for (int j = 0; j < features.length; j++) {
            values[j] = TableRows.finite(row.get(features[j]), where, columns.get(j), key);
        }
        return values;
    }

    private List<Row> score(List<Row> batch, UnaryOperator<INDArray> outputs) {
        int inputs = task.shape().flatSize();
        Preprocessing preprocessing = task instanceof ClassificationTask c ? c.preprocessing()
                : ((RegressionTask) task).inputs();
        float[] x = new float[batch.size() * inputs];
        for (int i = 0; i < batch.size(); i++) {
            float[] values = values(batch.get(i));
            if (values.length != inputs) {
                throw new IllegalArgumentException("column " + columns.get(0) + " holds " + values.length
                        + " values, but the network takes " + inputs + " inputs");
            }
            System.arraycopy(preprocessing == null ? values : preprocessing.apply(values), 0, x, i * inputs, inputs);
        }
        INDArray out = outputs.apply(Nd4j.create(x, new long[] {batch.size(), inputs}, 'c'));
        List<Row> scored = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Row row = batch.get(i);
            boolean classes = task instanceof ClassificationTask;
            int keep = Math.min(kept, row.length());
            Object[] values = new Object[keep + (classes ? 2 : 1)];
            for (int j = 0; j < keep; j++) {
                values[j] = row.get(j);
            }
            if (classes) {
                double[] p = out.getRow(i).toDoubleVector();
                values[keep] = (double) out.getRow(i).argMax().getInt(0);
                values[keep + 1] = Vectors.dense(p);
            } else {
                values[keep] = ((RegressionTask) task).targets().invert(0, out.getDouble(i, 0));
            }
            scored.add(RowFactory.create(values));
        }
        return scored;
    }
}
