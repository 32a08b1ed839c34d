package sparktrain.worker.data;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.DataConfig;
import sparktrain.worker.config.JobFiles;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** data.features, data.label and data.id resolved against a schema on the driver, before any Spark job. */
class TableColumnsTest {
    private static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.StringType)
            .add("petal_width", DataTypes.DoubleType)
            .add("petal_length", DataTypes.FloatType)
            .add("sepal_width", DataTypes.IntegerType)
            .add("colour", DataTypes.StringType)
            .add("pixels", DataTypes.createArrayType(DataTypes.FloatType))
            .add("embedding", SQLDataTypes.VectorType())
            .add("words", DataTypes.createArrayType(DataTypes.StringType))
            .add("petal_class", DataTypes.StringType)
            .add("count", DataTypes.LongType)
            .add("weight", DataTypes.DoubleType);

    private static DataConfig data(String... sets) {
        List<String> all = new ArrayList<>(List.of("data.type=table", "model.type=mlp"));
        all.addAll(List.of(sets));
        return JobFiles.parse("", "test", all).data();
    }

    private static TableColumns resolve(String... sets) {
        return TableColumns.resolve(SCHEMA, data(sets), "file:/t");
    }

    private static String rejected(String... sets) {
        SparktrainException e = assertThrows(SparktrainException.class, () -> resolve(sets));
        assertEquals(ExitCode.BAD_DATA, e.exitCode());
        assertTrue(e.getMessage().startsWith("file:/t: "), e.getMessage());
        return e.getMessage();
    }

    @Test
    void patternsExpandInTheTablesOrderWithoutTheLabelOrId() {
        TableColumns c = resolve("data.features=[\"petal*\", sepal_width, petal_width]", "data.label=petal_class",
                "data.id=id");
        assertEquals(List.of("petal_width", "petal_length", "sepal_width"), c.features());
        assertFalse(c.vector());
        assertEquals(List.of("petal_class"), c.labels());
        assertEquals(List.of("petal_width", "petal_length", "sepal_width", "petal_class"), c.selected());
    }

    @Test
    void oneVectorOrArrayColumnIsTheInput() {
        assertTrue(resolve("data.features=[pixels]", "data.label=colour").vector());
        assertTrue(resolve("data.features=[embedding]", "data.label=count").vector());
        assertTrue(rejected("data.features=[pixels, petal_width]", "data.label=colour")
                .contains("column pixels holds array<float>: a vector or array column must be the only feature"));
    }

    @Test
    void aMissingColumnSuggestsTheClosestName() {
        assertEquals("file:/t: data.features: no column pettal_width (did you mean petal_width?)",
                rejected("data.features=[pettal_width]", "data.label=colour"));
        assertEquals("file:/t: data.label: no column colur (did you mean colour?)",
                rejected("data.features=[petal_width]", "data.label=colur"));
        assertTrue(rejected("data.features=[zzz]", "data.label=colour")
                .startsWith("file:/t: data.features: no column zzz (the table has columns id, petal_width,"));
        assertTrue(rejected("data.features=[petal_width]", "data.label=colour", "data.id=idd")
                .contains("data.id: no column idd (did you mean id?)"));
        assertTrue(rejected("data.features=[\"x*\"]", "data.label=colour")
                .contains("data.features: no column starts with \"x\""));
    }

    @Test
    void featuresMustBeNumbers() {
        assertTrue(rejected("data.features=[petal_width, colour]", "data.label=petal_class")
                .contains("data.features: column colour is string, not numeric"));
        assertTrue(rejected("data.features=[words]", "data.label=colour")
                .contains("column words is array<string>, not numeric"));
        assertTrue(rejected("data.features=[petal_width, colour]", "data.label=colour")
                .contains("column colour is both a feature (data.features) and the label (data.label)"));
    }

    @Test
    void labelsAreClassesOrForARegressionNumbers() {
        assertTrue(rejected("data.features=[petal_width]", "data.label=weight")
                .contains("data.label: column weight is double: classes are strings or integers (to learn a numeric"
                        + " value set data.task = regression)"));
        assertTrue(rejected("data.features=[petal_width]", "data.label=colour", "data.task=regression")
                .contains("data.label: column colour is string, not numeric"));
        TableColumns c = resolve("data.features=[petal_width]", "data.label=[weight, count]", "data.task=regression");
        assertEquals(List.of("weight", "count"), c.labels());
        assertTrue(TableColumns.integerLabel(SCHEMA, "count"));
        assertFalse(TableColumns.integerLabel(SCHEMA, "colour"));
    }
}
