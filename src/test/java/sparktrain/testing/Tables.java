package sparktrain.testing;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Generated tables for the table reader's tests, written by Spark like a user's. */
public final class Tables {
    public static final List<String> CLASSES = List.of("delta", "alpha", "echo", "charlie", "bravo");

    private Tables() {
    }

    /**
     * Gaussian blobs: rows of {@code dims} features x1, x2, ... around one of {@code classes} centres (drawn with
     * deviation {@code spread}; unit noise around each), the class name in {@code label}. Each feature is then
     * scaled and shifted by its own amount (0.01 to 100, offsets up to 500), so normalisation matters.
     */
    public static Dataset<Row> blobs(SparkSession spark, int rows, int classes, int dims, double spread, long seed) {
        Random random = new Random(seed);
        double[][] centres = new double[classes][dims];
        for (double[] c : centres) {
            for (int j = 0; j < dims; j++) {
                c[j] = random.nextGaussian() * spread;
            }
        }
        StructType schema = new StructType();
        for (int j = 1; j <= dims; j++) {
            schema = schema.add("x" + j, DataTypes.DoubleType, false);
        }
        schema = schema.add("label", DataTypes.StringType, false);
        List<Row> out = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            int k = random.nextInt(classes);
            Object[] values = new Object[dims + 1];
            for (int j = 0; j < dims; j++) {
                double scale = Math.pow(10, j % 5 - 2);
                values[j] = (centres[k][j] + random.nextGaussian()) * scale + 100 * (j % 6);
            }
            values[dims] = CLASSES.get(k);
            out.add(RowFactory.create(values));
        }
        return spark.createDataFrame(out, schema);
    }

    /** y = sin(x1) + x2² + noise, x1 uniform in [-3, 3], x2 in [-2, 2], and x3 uniform noise the target ignores. */
    public static Dataset<Row> sinePlusSquare(SparkSession spark, int rows, double noise, long seed) {
        Random random = new Random(seed);
        StructType schema = new StructType().add("x1", DataTypes.DoubleType).add("x2", DataTypes.DoubleType)
                .add("x3", DataTypes.DoubleType).add("y", DataTypes.DoubleType);
        List<Row> out = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            double x1 = random.nextDouble() * 6 - 3;
            double x2 = random.nextDouble() * 4 - 2;
            double x3 = random.nextDouble() * 10;
            out.add(RowFactory.create(x1, x2, x3, Math.sin(x1) + x2 * x2 + noise * random.nextGaussian()));
        }
        return spark.createDataFrame(out, schema);
    }

    /**
     * Grey images of {@code side} x {@code side} pixels flattened row by row into an array column {@code pixels}:
     * a bright horizontal or vertical bar (the {@code label}) at a random place, over uniform noise.
     */
    public static Dataset<Row> bars(SparkSession spark, int rows, int side, long seed) {
        Random random = new Random(seed);
        StructType schema = new StructType().add("pixels", DataTypes.createArrayType(DataTypes.FloatType))
                .add("label", DataTypes.StringType);
        List<Row> out = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            boolean horizontal = random.nextBoolean();
            int at = random.nextInt(side);
            List<Float> pixels = new ArrayList<>(side * side);
            for (int y = 0; y < side; y++) {
                for (int x = 0; x < side; x++) {
                    pixels.add((horizontal ? y == at : x == at) ? 1f : random.nextFloat() * 0.6f);
                }
            }
            out.add(RowFactory.create(pixels, horizontal ? "horizontal" : "vertical"));
        }
        return spark.createDataFrame(out, schema);
    }

    /** {@code table} with an id column, and its features x1..xd also as one Vector column and one array column. */
    public static Dataset<Row> asVectorAndArray(SparkSession spark, Dataset<Row> table, int dims) {
        StructType schema = new StructType().add("id", DataTypes.LongType);
        for (int j = 1; j <= dims; j++) {
            schema = schema.add("x" + j, DataTypes.DoubleType);
        }
        schema = schema.add("features", SQLDataTypes.VectorType())
                .add("values", DataTypes.createArrayType(DataTypes.DoubleType))
                .add("label", DataTypes.StringType);
        List<Row> out = new ArrayList<>();
        long id = 0;
        for (Row r : table.collectAsList()) {
            double[] x = new double[dims];
            List<Double> list = new ArrayList<>();
            for (int j = 0; j < dims; j++) {
                x[j] = r.getDouble(j);
                list.add(x[j]);
            }
            List<Object> values = new ArrayList<>(List.of(id++));
            values.addAll(list);
            values.addAll(List.of(Vectors.dense(x), list, r.getString(dims)));
            out.add(RowFactory.create(values.toArray()));
        }
        return spark.createDataFrame(out, schema);
    }
}
