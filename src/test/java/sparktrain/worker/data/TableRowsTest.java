package sparktrain.worker.data;

import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import sparktrain.testing.Serialization;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** A table's Spark SQL row (id, features, labels, file) as our row, on an executor: values checked, errors named. */
class TableRowsTest {
    private static final TableColumns NUMBERS = new TableColumns(List.of("a", "b"), false, List.of("kind"), "");
    private static final TableColumns VECTOR = new TableColumns(List.of("v"), true, List.of("kind"), "");
    private static final Map<String, Integer> CLASSES = Map.of("cat", 0, "dog", 1);

    @Test
    void numbersVectorsAndArraysBecomeInputsAndTheLabelItsIndex() throws Exception {
        TableRows numbers = Serialization.roundTrip(new TableRows(NUMBERS, 2, CLASSES, "t"));
        Row r = numbers.call(RowFactory.create(7L, 1.5, 3, "dog", "file:/t/part-0.parquet"));
        assertEquals(7L, r.id);
        assertArrayEquals(new float[] {1.5f, 3f}, r.x);
        assertEquals(1, r.label());

        TableRows vector = Serialization.roundTrip(new TableRows(VECTOR, 3, CLASSES, "t"));
        Row v = vector.call(RowFactory.create(1L, Vectors.dense(1, 2, 3), "cat", "f"));
        Row a = vector.call(RowFactory.create(1L, seq(1.0f, 2.0f, 3.0f), "cat", "f"));
        assertArrayEquals(v.x, a.x);
        assertEquals(0, a.label());

        TableColumns regression = new TableColumns(List.of("a"), false, List.of("y1", "y2"), "");
        Row y = new TableRows(regression, 1, null, "t").call(RowFactory.create(2L, 0.5f, 10.0, 20L, "f"));
        assertArrayEquals(new float[] {10f, 20f}, y.y);
        org.apache.spark.sql.Row ml = new TableRows.AsVectors().call(y);
        assertEquals(Vectors.dense(0.5), ml.<Vector>getAs(0));
        assertEquals(Vectors.dense(10, 20), ml.<Vector>getAs(1));
    }

    @Test
    void aBadValueNamesTheFileAndTheColumn() {
        TableRows numbers = new TableRows(NUMBERS, 2, CLASSES, "file:/t");
        assertBad("file:/t/p.csv: column b: null (a missing value) (data.features)",
                () -> numbers.call(RowFactory.create(1L, 1.0, null, "dog", "file:/t/p.csv")));
        assertBad("file:/t/p.csv: column a: Infinity is not a finite number (data.features)",
                () -> numbers.call(RowFactory.create(1L, Double.POSITIVE_INFINITY, 1, "dog", "file:/t/p.csv")));
        assertBad("file:/t/p.csv: column a: 1.0E300 is beyond the range of a float (data.features)",
                () -> numbers.call(RowFactory.create(1L, 1e300, 1, "dog", "file:/t/p.csv")));
        assertBad("file:/t: column kind: null (a row without a label) (data.label)",
                () -> numbers.call(RowFactory.create(1L, 1.0, 1, null, "")));
        assertBad("column kind: class emu was not among the classes read first",
                () -> numbers.call(RowFactory.create(1L, 1.0, 1, "emu", "f")));
        TableRows vector = new TableRows(VECTOR, 3, CLASSES, "t");
        assertBad("f: column v: 2 values, but the first row read has 3 (every row needs the same number)",
                () -> vector.call(RowFactory.create(1L, Vectors.dense(1, 2), "cat", "f")));
        assertBad("f: column v: NaN is not a finite number",
                () -> vector.call(RowFactory.create(1L, seq(1.0, Double.NaN, 2.0), "cat", "f")));
        assertBad("f: column v: null (a missing value)",
                () -> vector.call(RowFactory.create(1L, seq(1.0, null, 2.0), "cat", "f")));
    }

    /** An array value as Spark SQL hands it over: a Scala Seq. */
    private static scala.collection.Seq<Object> seq(Object... values) {
        return scala.collection.JavaConverters.asScalaBuffer(Arrays.asList(values));
    }

    private static void assertBad(String expected, org.junit.jupiter.api.function.Executable call) {
        SparktrainException e = assertThrows(SparktrainException.class, call);
        assertEquals(ExitCode.BAD_DATA, e.exitCode());
        assertEquals(true, e.getMessage().contains(expected), e.getMessage());
    }
}
