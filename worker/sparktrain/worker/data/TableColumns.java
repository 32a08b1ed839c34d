package sparktrain.worker.data;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;
import sparktrain.worker.DidYouMean;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.DataConfig;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The columns a job reads from a table (data.type = table), resolved against the table's schema on the driver
 * before any job runs: data.features with its {@code *} patterns expanded, the label columns and the id
 * column, each checked to exist (with a did-you-mean) and to hold what it must. The label columns and the id
 * are never taken as features by a pattern.
 *
 * @param features the feature columns, in order: numeric columns, or one Vector or array column
 * @param vector   whether the one feature column holds a Spark ML Vector or an array of numbers
 * @param labels   the label columns: one (classes) or, for a regression, one or more numeric ones
 * @param id       the column identifying a row (data.id), or "" for a hash of the features and labels
 */
public record TableColumns(List<String> features, boolean vector, List<String> labels, String id)
        implements Serializable {
    private static final List<DataType> INTEGERS = List.of(DataTypes.ByteType, DataTypes.ShortType,
            DataTypes.IntegerType, DataTypes.LongType);

    public TableColumns {
        features = List.copyOf(features);
        labels = List.copyOf(labels);
    }

    /** The columns a row is made of, features then labels: what the row id hashes when there is no data.id. */
    public List<String> selected() {
        List<String> all = new ArrayList<>(features);
        all.addAll(labels);
        return all;
    }

    /**
     * The columns of {@code d} in {@code schema}, the table at {@code location}; a column that is missing or
     * holds the wrong type is bad data naming the table, the column and the key.
     */
    public static TableColumns resolve(StructType schema, DataConfig d, String location) {
        return resolve(schema, d, location, d.label(), d.id());
    }

    /**
     * The columns of {@code d} in a table to score: the features must be there; the label columns are taken
     * (and checked) only when the table has them all, else the result has none; the id column is not needed.
     */
    public static TableColumns forScoring(StructType schema, DataConfig d, String location) {
        List<String> names = Arrays.asList(schema.fieldNames());
        return resolve(schema, d, location, names.containsAll(d.label()) ? d.label() : List.of(),
                names.contains(d.id()) ? d.id() : "");
    }

    private static TableColumns resolve(StructType schema, DataConfig d, String location, List<String> labels,
                                        String id) {
        List<String> names = Arrays.asList(schema.fieldNames());
        for (String label : labels) {
            require(names, label, location, "data.label");
        }
        if (!id.isEmpty()) {
            require(names, id, location, "data.id");
        }
        Set<String> features = new LinkedHashSet<>();
        for (String pattern : d.features()) {
            if (pattern.endsWith("*")) {
                String prefix = pattern.substring(0, pattern.length() - 1);
                List<String> matched = names.stream().filter(n -> n.startsWith(prefix) && !d.label().contains(n)
                        && !n.equals(d.id())).toList();
                if (matched.isEmpty()) {
                    throw SparktrainException.badData(location + ": data.features: no column starts with \"" + prefix
                            + "\" (" + columns(names) + ")");
                }
                features.addAll(matched);
            } else {
                require(names, pattern, location, "data.features");
                if (d.label().contains(pattern)) {
                    throw SparktrainException.badData(location + ": column " + pattern
                            + " is both a feature (data.features) and the label (data.label)");
                }
                features.add(pattern);
            }
        }
        boolean vector = false;
        for (String f : features) {
            DataType type = schema.apply(f).dataType();
            if (holdsNumbers(type)) {
                vector = true;
                if (features.size() > 1) {
                    throw SparktrainException.badData(location + ": data.features: column " + f + " holds "
                            + type.simpleString() + ": a vector or array column must be the only feature (data.features"
                            + " has " + features.size() + " columns)");
                }
            } else if (!(type instanceof NumericType)) {
                throw SparktrainException.badData(location + ": data.features: column " + f + " is "
                        + type.simpleString() + ", not numeric: features are numeric columns, or one column holding"
                        + " a Vector or an array of numbers");
            }
        }
        for (String label : labels) {
            DataType type = schema.apply(label).dataType();
            if (d.regression() && !(type instanceof NumericType)) {
                throw SparktrainException.badData(location + ": data.label: column " + label + " is "
                        + type.simpleString() + ", not numeric: data.task = regression learns numeric columns");
            }
            if (!d.regression() && !type.equals(DataTypes.StringType) && !INTEGERS.contains(type)) {
                throw SparktrainException.badData(location + ": data.label: column " + label + " is "
                        + type.simpleString() + ": classes are strings or integers"
                        + (type instanceof NumericType ? " (to learn a numeric value set data.task = regression)" : ""));
            }
        }
        return new TableColumns(List.copyOf(features), vector, labels, id);
    }

    /** Whether the label column of a classification holds integers (classes are then sorted as numbers). */
    public static boolean integerLabel(StructType schema, String label) {
        return INTEGERS.contains(schema.apply(label).dataType());
    }

    private static boolean holdsNumbers(DataType type) {
        return type.equals(SQLDataTypes.VectorType())
                || (type instanceof ArrayType a && a.elementType() instanceof NumericType);
    }

    private static void require(List<String> names, String column, String location, String key) {
        if (!names.contains(column)) {
            String hint = DidYouMean.hint(column, names);
            throw SparktrainException.badData(location + ": " + key + ": no column " + column
                    + (hint.isEmpty() ? " (" + columns(names) + ")" : hint));
        }
    }

    /** The table's columns for a message: all of them, or the first few of many. */
    private static String columns(List<String> names) {
        int shown = Math.min(names.size(), 12);
        return "the table has " + (names.size() > shown ? names.size() + " columns: " : "columns ")
                + String.join(", ", names.subList(0, shown)) + (names.size() > shown ? ", ..." : "");
    }
}
