package sparktrain.ml;

import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import sparktrain.worker.model.InputShape;
import sparktrain.worker.tasks.RegressionTask;
import sparktrain.worker.tasks.Task;

import java.util.List;
import java.util.Map;

/** A fitted {@link DeepLearningRegressor}: {@code transform} adds the predicted value (a double). */
public final class DeepLearningRegressionModel extends DeepLearningModel<DeepLearningRegressionModel> {

    DeepLearningRegressionModel(String uid, byte[] network, Task task, TrainingSummary summary, String job) {
        super(uid, network, task, summary, job);
    }

    @Override
    StructType addOutputs(StructType schema) {
        return Columns.add(schema, getPredictionCol(), "predictionCol", DataTypes.DoubleType);
    }

    @Override
    Factory<DeepLearningRegressionModel> factory() {
        return DeepLearningRegressionModel::new;
    }

    public static MLReader<DeepLearningRegressionModel> read() {
        return new Reader<>(DeepLearningRegressionModel.class, DeepLearningRegressionModel::new) {
            @Override
            Task task(String directory, InputShape shape, Map<?, ?> json) {
                bytes(directory, RegressionTask.TARGETS_FILE); // required: the label's statistics
                @SuppressWarnings("unchecked")
                List<String> labels = (List<String>) json.get("labels");
                return new RegressionTask(shape, labels, null, null);
            }

        };
    }

    public static DeepLearningRegressionModel load(String path) {
        return read().load(path);
    }
}
