package sparktrain.ml;

import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.List;

/**
 * A deep network regressor (an {@code mlp} learning one numeric label column) trained data-parallel on Spark:
 * Spark ML's {@code Estimator}. The label is standardised by the training rows' mean and deviation for training;
 * the model predicts in the label's own units.
 */
public final class DeepLearningRegressor extends DeepLearningEstimator<DeepLearningRegressionModel, DeepLearningRegressor> {

    public DeepLearningRegressor() {
        this(Identifiable.randomUID("dlRegressor"));
    }

    public DeepLearningRegressor(String uid) {
        super(uid);
    }

    @Override
    String task() {
        return "regression";
    }

    @Override
    void requireLabel(StructType schema) {
        Columns.requireNumeric(schema, getLabelCol(), "labelCol", "a numeric type (double)");
    }

    @Override
    StructType addOutputs(StructType schema) {
        return Columns.add(schema, getPredictionCol(), "predictionCol", DataTypes.DoubleType);
    }

    @Override
    Labels labels(Dataset<?> dataset) {
        return new Labels(Columns.column(getLabelCol()).cast(DataTypes.DoubleType).as(getLabelCol()), List.of());
    }

    @Override
    DeepLearningModel.Factory<DeepLearningRegressionModel> models() {
        return DeepLearningRegressionModel::new;
    }

    public static MLReader<DeepLearningRegressor> read() {
        return new DefaultParamsReader<>();
    }

    public static DeepLearningRegressor load(String path) {
        return read().load(path);
    }
}
