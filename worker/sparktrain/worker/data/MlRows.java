package sparktrain.worker.data;

import org.apache.spark.api.java.function.Function;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Classification rows as Spark ML's classifiers read them: (label, features) with the class index as a double. */
public record MlRows() implements Function<Row, org.apache.spark.sql.Row> {
    public static final StructType SCHEMA = new StructType()
            .add("label", DataTypes.DoubleType, false)
            .add("features", SQLDataTypes.VectorType(), false);

    @Override
    public org.apache.spark.sql.Row call(Row row) {
        double[] x = new double[row.x.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = row.x[i];
        }
        return RowFactory.create((double) row.label(), Vectors.dense(x));
    }
}
