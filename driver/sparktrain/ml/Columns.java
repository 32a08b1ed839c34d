package sparktrain.ml;

import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import sparktrain.worker.DidYouMean;

import java.util.Arrays;

/**
 * The column params the estimators and their models share, declared once, and the checks of
 * {@code transformSchema}: a missing or wrongly typed column is an {@link IllegalArgumentException} naming the
 * column, the type found and the type expected, before any job runs.
 */
final class Columns {
    static final String VECTOR = "a Vector or an array of numbers";

    private Columns() {
    }

    static Param<String> featuresCol(Params owner) {
        return new Param<>(owner, "featuresCol", "the input column: " + VECTOR + ", of the same length in every row");
    }

    static Param<String> labelCol(Params owner) {
        return new Param<>(owner, "labelCol", "the label column: a class index 0..k-1 (a double, e.g. from "
                + "StringIndexer) for a classifier, a number for a regressor");
    }

    static Param<String> predictionCol(Params owner) {
        return new Param<>(owner, "predictionCol", "the output column of the prediction (a double: the class "
                + "index, or the value of a regressor)");
    }

    static Param<String> probabilityCol(Params owner) {
        return new Param<>(owner, "probabilityCol", "the output column of the class probabilities (a Vector)");
    }

    /** A column by name, taken literally (dots and all). */
    static Column column(String name) {
        return functions.col("`" + name.replace("`", "``") + "`");
    }

    static StructField require(StructType schema, String name, String param) {
        if (!Arrays.asList(schema.fieldNames()).contains(name)) {
            String hint = DidYouMean.hint(name, Arrays.asList(schema.fieldNames()));
            throw new IllegalArgumentException("column " + name + " (" + param + "): not found"
                    + (hint.isEmpty() ? "; the columns are " + String.join(", ", schema.fieldNames()) : hint));
        }
        return schema.apply(name);
    }

    /** The features column's field, which must hold a Vector or an array of numbers. */
    static StructField requireFeatures(StructType schema, String name) {
        StructField field = require(schema, name, "featuresCol");
        DataType type = field.dataType();
        if (!type.equals(SQLDataTypes.VectorType())
                && !(type instanceof ArrayType a && a.elementType() instanceof NumericType)) {
            throw new IllegalArgumentException("column " + name + " (featuresCol): found type " + type.simpleString()
                    + ", expected " + VECTOR + " (vector or array<double>)");
        }
        return field;
    }

    /** The number of values in each row of the features column when its ML metadata says (VectorAssembler's), else -1. */
    static int size(StructField features) {
        return features.dataType().equals(SQLDataTypes.VectorType()) ? AttributeGroup.fromStructField(features).size() : -1;
    }

    static void requireNumeric(StructType schema, String name, String param, String expected) {
        DataType type = require(schema, name, param).dataType();
        if (!(type instanceof NumericType)) {
            throw new IllegalArgumentException("column " + name + " (" + param + "): found type " + type.simpleString()
                    + ", expected " + expected);
        }
    }

    /** {@code schema} with the output column {@code name} added, which must not be there yet. */
    static StructType add(StructType schema, String name, String param, DataType type) {
        if (Arrays.asList(schema.fieldNames()).contains(name)) {
            throw new IllegalArgumentException("column " + name + " (" + param + "): already exists; choose another "
                    + param);
        }
        return schema.add(name, type, false);
    }
}
