package sparktrain.worker.data;

import org.apache.spark.api.java.function.Function;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;
import sparktrain.worker.SparktrainException;

import java.util.List;
import java.util.Map;

/**
 * On an executor: a table's row (Spark SQL) as our {@link Row}. The driver selects, in this order, the row
 * id (a hash of data.id's value or of the selected columns), the feature columns, the label columns and the
 * file the row came from ({@code input_file_name()}). A null, NaN or infinite value, a vector or array of
 * another length than the first row's, or a class the driver did not see is bad data naming the file and
 * the column.
 *
 * @param width   the number of inputs: the feature columns, or the length of the one vector or array column
 * @param classes the class index of each label value (as text), or null for a regression
 * @param table   the table's location, for rows that come from no file
 */
public record TableRows(TableColumns columns, int width, Map<String, Integer> classes, String table)
        implements Function<org.apache.spark.sql.Row, Row> {

    @Override
    public Row call(org.apache.spark.sql.Row r) {
        String file = r.isNullAt(r.length() - 1) || r.getString(r.length() - 1).isEmpty() ? table
                : r.getString(r.length() - 1);
        List<String> features = columns.features();
        float[] x = columns.vector() ? vector(r, features.get(0), file) : numbers(r, 1, features, file, "data.features");
        int label = 1 + features.size();
        if (classes == null) {
            return new Row(r.getLong(0), x, numbers(r, label, columns.labels(), file, "data.label"));
        }
        String name = columns.labels().get(0);
        if (r.isNullAt(label)) {
            throw bad(file, name, "null (a row without a label)", "data.label");
        }
        Integer index = classes.get(r.get(label).toString());
        if (index == null) {
            throw bad(file, name, "class " + r.get(label) + " was not among the classes read first", "data.label");
        }
        return Row.labelled(r.getLong(0), x, index);
    }

    private static float[] numbers(org.apache.spark.sql.Row r, int first, List<String> names, String file, String key) {
        float[] values = new float[names.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = finite(r.get(first + i), file, names.get(i), key);
        }
        return values;
    }

    private float[] vector(org.apache.spark.sql.Row r, String name, String file) {
        float[] x = values(r.get(1), file, name, "data.features");
        if (x.length != width) {
            throw bad(file, name, x.length + " values, but the first row read has " + width
                    + " (every row needs the same number)", "data.features");
        }
        return x;
    }

    /**
     * A vector or array cell as floats; a null, NaN or infinite value is bad data naming {@code where}, the column
     * and {@code key}.
     */
    public static float[] values(Object value, String where, String column, String key) {
        if (value == null) {
            throw bad(where, column, "null (a missing value)", key);
        }
        float[] x;
        if (value instanceof Vector v) {
            x = new float[v.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = finite(v.apply(i), where, column, key);
            }
        } else {
            List<?> list = value instanceof scala.collection.Seq<?> seq
                    ? scala.collection.JavaConverters.seqAsJavaList(seq) : (List<?>) value;
            x = new float[list.size()];
            for (int i = 0; i < x.length; i++) {
                x[i] = finite(list.get(i), where, column, key);
            }
        }
        return x;
    }

    /** A numeric cell as a float; a null, NaN or infinite value is bad data naming {@code file}, the column and {@code key}. */
    public static float finite(Object value, String file, String column, String key) {
        if (value == null) {
            throw bad(file, column, "null (a missing value)", key);
        }
        double d = ((Number) value).doubleValue();
        float f = (float) d;
        if (!Float.isFinite(f)) {
            throw bad(file, column, Double.isFinite(d) ? d + " is beyond the range of a float"
                    : d + " is not a finite number", key);
        }
        return f;
    }

    private static SparktrainException bad(String file, String column, String problem, String key) {
        return SparktrainException.badData(file + ": column " + column + ": " + problem + " (" + key + ")");
    }

    /** A row's inputs and targets as Spark ML vectors, for {@code Summarizer}'s statistics. */
    public record AsVectors() implements Function<Row, org.apache.spark.sql.Row> {
        public static final StructType SCHEMA = new StructType()
                .add("x", SQLDataTypes.VectorType(), false)
                .add("y", SQLDataTypes.VectorType(), false);

        @Override
        public org.apache.spark.sql.Row call(Row row) {
            return RowFactory.create(Vectors.dense(doubles(row.x)), Vectors.dense(doubles(row.y)));
        }

        private static double[] doubles(float[] values) {
            double[] out = new double[values.length];
            for (int i = 0; i < out.length; i++) {
                out[i] = values[i];
            }
            return out;
        }
    }
}
