package sparktrain.ml;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import sparktrain.worker.tasks.ClassificationTask;
import sparktrain.worker.tasks.Task;
import sparktrain.worker.model.InputShape;

import java.util.List;
import java.util.Map;

/**
 * A fitted {@link DeepLearningClassifier}: {@code transform} adds the predicted class index (a double) and the
 * class probabilities (a Vector; with model.loss = hinge the network's scores). {@link #labels()} names the classes.
 */
public final class DeepLearningClassificationModel extends DeepLearningModel<DeepLearningClassificationModel> {
    private final Param<String> probabilityCol;

    DeepLearningClassificationModel(String uid, byte[] network, Task task, TrainingSummary summary, String job) {
        super(uid, network, task, summary, job);
        probabilityCol = Columns.probabilityCol(this);
        setDefault(probabilityCol, "probability");
    }

    public Param<String> probabilityCol() {
        return probabilityCol;
    }

    public String getProbabilityCol() {
        return $(probabilityCol);
    }

    public DeepLearningClassificationModel setProbabilityCol(String value) {
        set(probabilityCol, value);
        return this;
    }

    /** The class names, in index order (labels.json). */
    public List<String> labels() {
        return ((ClassificationTask) task()).classes();
    }

    public int numClasses() {
        return labels().size();
    }

    @Override
    StructType addOutputs(StructType schema) {
        return addOutputs(schema, getPredictionCol(), getProbabilityCol());
    }

    static StructType addOutputs(StructType schema, String prediction, String probability) {
        return Columns.add(Columns.add(schema, prediction, "predictionCol", DataTypes.DoubleType), probability,
                "probabilityCol", SQLDataTypes.VectorType());
    }

    @Override
    Factory<DeepLearningClassificationModel> factory() {
        return DeepLearningClassificationModel::new;
    }

    public static MLReader<DeepLearningClassificationModel> read() {
        return new Reader<>(DeepLearningClassificationModel.class, DeepLearningClassificationModel::new) {
            @Override
            Task task(String directory, InputShape shape, Map<?, ?> json) {
                Map<?, ?> labels = json(directory, ClassificationTask.LABELS_FILE, Map.class);
                @SuppressWarnings("unchecked")
                List<String> classes = (List<String>) labels.get("labels");
                if (classes == null || classes.size() != shape.classes()) {
                    throw new IllegalArgumentException(file(directory, ClassificationTask.LABELS_FILE) + ": "
                            + (classes == null ? "no" : classes.size()) + " labels, but the network has "
                            + shape.classes() + " outputs");
                }
                return new ClassificationTask(shape, classes, !Boolean.FALSE.equals(json.get("softmax")),
                        Boolean.TRUE.equals(json.get("testFlip")), 0, null);
            }

        };
    }

    public static DeepLearningClassificationModel load(String path) {
        return read().load(path);
    }
}
