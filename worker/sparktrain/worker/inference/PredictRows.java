package sparktrain.worker.inference;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.util.LongAccumulator;
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
 * scoring size, normalised as in training; only one minibatch's rows are held at a time. Rows stay in Spark's
 * internal form: only the features are read out of them, so the other columns (an image's pixels kept beside
 * its vector, say) cost nothing to pass through.
 *
 * @param features the indices of the feature columns, named {@code columns}, of {@code types}: numeric columns, or
 *                 one Vector or array of numbers
 * @param where    what a bad value's message names first (the input, or "transform")
 * @param key      the setting naming the feature columns (data.features, featuresCol)
 * @param counted  adds up the rows scored, or null; counted once per row when the scoring runs in the stage of
 *                 the action that consumes it (Spark merges a result task's updates once)
 */
public record PredictRows(Task task, Broadcast<byte[]> network, int[] features, List<String> columns,
                          List<DataType> types, String where, String key, LongAccumulator counted)
        implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
    private static final VectorUDT VECTORS = new VectorUDT();

    @Override
    public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
        Model net = Scoring.restore(network.value());
        UnaryOperator<INDArray> outputs = task instanceof ClassificationTask c ? c.predictor(net)
                : x -> Networks.output(net, x);
        int size = task.scoringBatch();
        return new Iterator<>() {
            private List<InternalRow> scored = List.of();
            private int next;

            @Override
            public boolean hasNext() {
                if (next < scored.size()) {
                    return true;
                }
                List<InternalRow> batch = new ArrayList<>(size);
                while (batch.size() < size && rows.hasNext()) {
                    batch.add(rows.next().copy()); // Spark reuses the row object it hands out
                }
                scored = batch.isEmpty() ? List.of() : score(batch, outputs);
                if (counted != null) {
                    counted.add(scored.size());
                }
                next = 0;
                return !scored.isEmpty();
            }

            @Override
            public InternalRow next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return scored.get(next++);
            }
        };
    }

    private List<InternalRow> score(List<InternalRow> batch, UnaryOperator<INDArray> outputs) {
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
        // the whole minibatch's outputs copied out at once: an ND4J call per row costs more than the row's share
        // of a small network
        double[][] out = outputs.apply(Nd4j.create(x, new long[] {batch.size(), inputs}, 'c')).toDoubleMatrix();
        List<InternalRow> scored = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            Object[] appended = task instanceof ClassificationTask
                    ? new Object[] {(double) argMax(out[i]), VECTORS.serialize(Vectors.dense(out[i]))}
                    : new Object[] {((RegressionTask) task).targets().invert(0, out[i][0])};
            scored.add(new JoinedRow(batch.get(i), new GenericInternalRow(appended)));
        }
        return scored;
    }

    /** The first index of the largest value, as ND4J's argMax picks it. */
    private static int argMax(double[] values) {
        int best = 0;
        for (int j = 1; j < values.length; j++) {
            if (values[j] > values[best]) {
                best = j;
            }
        }
        return best;
    }

    /** The row's features as floats; a null, NaN or infinite value is bad data naming the column. */
    private float[] values(InternalRow row) {
        DataType type = types.get(0);
        if (type instanceof VectorUDT) {
            if (row.isNullAt(features[0])) {
                return TableRows.values(null, where, columns.get(0), key);
            }
            Vector v = VECTORS.deserialize(row.getStruct(features[0], 4));
            return floats(v.toArray());
        }
        if (type instanceof ArrayType array) {
            if (row.isNullAt(features[0])) {
                return TableRows.values(null, where, columns.get(0), key);
            }
            ArrayData data = row.getArray(features[0]);
            DataType element = array.elementType();
            if (!array.containsNull() && (element.equals(DataTypes.FloatType) || element.equals(DataTypes.DoubleType))) {
                // the common case read without boxing: float arrays (make-data's pixels) and double arrays
                float[] values = element.equals(DataTypes.FloatType) ? data.toFloatArray() : floats(data.toDoubleArray());
                for (float f : values) {
                    if (!Float.isFinite(f)) {
                        TableRows.finite(f, where, columns.get(0), key); // names the column and the value
                    }
                }
                return values;
            }
            float[] values = new float[data.numElements()];
            for (int j = 0; j < values.length; j++) {
                values[j] = TableRows.finite(data.isNullAt(j) ? null : number(data.get(j, element)),
                        where, columns.get(0), key);
            }
            return values;
        }
        float[] values = new float[features.length];
        for (int j = 0; j < features.length; j++) {
            Object value = row.isNullAt(features[j]) ? null : number(row.get(features[j], types.get(j)));
            values[j] = TableRows.finite(value, where, columns.get(j), key);
        }
        return values;
    }

    private float[] floats(double[] doubles) {
        float[] values = new float[doubles.length];
        for (int j = 0; j < values.length; j++) {
            values[j] = (float) doubles[j];
            if (!Float.isFinite(values[j])) {
                TableRows.finite(doubles[j], where, columns.get(0), key); // names the column and the value
            }
        }
        return values;
    }

    /** A Spark SQL number as Java holds it: a Decimal becomes a double. */
    private static Object number(Object value) {
        return value instanceof org.apache.spark.sql.types.Decimal d ? d.toDouble() : value;
    }

    /** The types {@link #features} hold, for the columns of {@code schema} at {@code indices}. */
    public static List<DataType> types(org.apache.spark.sql.types.StructType schema, int[] indices) {
        List<DataType> types = new ArrayList<>();
        for (int i : indices) {
            types.add(schema.fields()[i].dataType());
        }
        return types;
    }
}
