package sparktrain.worker.data;

import java.io.Serializable;

/**
 * One example as executors hold it: an id, which decides its split (validation, test) and its place in each
 * epoch's shuffle whatever the partitioning; its inputs; and its target (a class index, regression values, or
 * nothing when the inputs hold their own targets, as a text sequence does). A plain class rather than a record,
 * so that Kryo can build it too.
 */
public final class Row implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final float[] NONE = new float[0];

    public final long id;
    public final float[] x;
    public final float[] y;

    public Row(long id, float[] x, float[] y) {
        this.id = id;
        this.x = x;
        this.y = y == null ? NONE : y;
    }

    /** A classification example: {@code label} is the class index. */
    public static Row labelled(long id, float[] x, int label) {
        return new Row(id, x, new float[] {label});
    }

    public int label() {
        return (int) y[0];
    }

    /** A row's id. */
    public record Id() implements org.apache.spark.api.java.function.Function<Row, Long> {
        @Override
        public Long call(Row row) {
            return row.id;
        }
    }

    /** A classification row's class index. */
    public record Label() implements org.apache.spark.api.java.function.Function<Row, Integer> {
        @Override
        public Integer call(Row row) {
            return row.label();
        }
    }

    /** The rows whose id is at most {@code last}. */
    public record IdAtMost(long last) implements org.apache.spark.api.java.function.Function<Row, Boolean> {
        @Override
        public Boolean call(Row row) {
            return row.id <= last;
        }
    }
}
