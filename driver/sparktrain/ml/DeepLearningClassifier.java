package sparktrain.ml;

import org.apache.spark.ml.attribute.Attribute;
import org.apache.spark.ml.attribute.NominalAttribute;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

/**
 * A deep network classifier trained data-parallel on Spark: Spark ML's {@code Estimator} for a {@code Pipeline}
 * or a {@code CrossValidator}. The label column holds class indices 0..k-1 (e.g. from {@code StringIndexer}, whose
 * class names the model keeps as its labels); k is the number of names in the column's ML attributes, else the
 * largest index + 1.
 */
public final class DeepLearningClassifier
        extends DeepLearningEstimator<DeepLearningClassificationModel, DeepLearningClassifier> {
    private final Param<String> probabilityCol;

    public DeepLearningClassifier() {
        this(Identifiable.randomUID("dlClassifier"));
    }

    public DeepLearningClassifier(String uid) {
        super(uid);
        probabilityCol = Columns.probabilityCol(this);
        setDefault(probabilityCol, "probability");
    }

    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    public String getProbabilityCol() {
        return $(probabilityCol);
    }

    public DeepLearningClassifier setProbabilityCol(String value) {
        set(probabilityCol, value);
        return this;
    }

    @Override
    String task() {
        return "classification";
    }

    @Override
    void requireLabel(StructType schema) {
        Columns.requireNumeric(schema, getLabelCol(), "labelCol", "a numeric class index 0..k-1 (double)");
    }

    @Override
    StructType addOutputs(StructType schema) {
        return DeepLearningClassificationModel.addOutputs(schema, getPredictionCol(), getProbabilityCol());
    }

    /** One aggregate: the largest class index, and how many labels are no class index. */
    @Override
    Labels labels(Dataset<?> dataset) {
        String name = getLabelCol();
        Column label = Columns.column(name);
        Row seen = dataset.agg(max(label), sum(when(label.isNull().or(isnan(label)).or(label.lt(0))
                .or(label.notEqual(floor(label))), 1).otherwise(0))).first();
        if (seen.isNullAt(0)) {
            throw new IllegalArgumentException("column " + name + " (labelCol): no rows to train on");
        }
        long bad = seen.getLong(1);
        if (bad > 0) {
            throw new IllegalArgumentException("column " + name + " (labelCol): " + bad + " rows hold no class index"
                    + " (a null, NaN, negative or fractional value); the labels must be 0..k-1, e.g. from StringIndexer");
        }
        int largest = (int) ((Number) seen.get(0)).doubleValue();
        Attribute attribute = Attribute.fromStructField(dataset.schema().apply(name));
        List<String> classes = attribute instanceof NominalAttribute nominal && nominal.values().isDefined()
                ? Arrays.asList(nominal.values().get())
                : IntStream.rangeClosed(0, largest).mapToObj(Integer::toString).toList();
        if (largest >= classes.size()) {
            throw new IllegalArgumentException("column " + name + " (labelCol): class index " + largest + ", but its"
                    + " ML attributes name " + classes.size() + " classes");
        }
        if (classes.size() < 2) {
            throw new IllegalArgumentException("column " + name + " (labelCol): one class: classification needs at"
                    + " least two");
        }
        return new Labels(label.cast(DataTypes.IntegerType).as(name), classes);
    }

    @Override
    DeepLearningModel.Factory<DeepLearningClassificationModel> models() {
        return DeepLearningClassificationModel::new;
    }

    public static MLReader<DeepLearningClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static DeepLearningClassifier load(String path) {
        return read().load(path);
    }
}
