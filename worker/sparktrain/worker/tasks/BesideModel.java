package sparktrain.worker.tasks;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.Path;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.data.Preprocessing;
import sparktrain.worker.io.HadoopFiles;

import java.io.IOException;
import java.util.Map;

/**
 * What {@code train} saved beside a model (labels.json, preprocessing.json, targets.json) put into the task of the
 * data the model is measured on, so that {@code evaluate} normalises as training did, whatever rows it reads now.
 * A file that is not there (a checkpoint's model, a model of a data set without them) leaves the task as it is.
 */
public final class BesideModel {
    private static final ObjectMapper JSON = new ObjectMapper();

    private BesideModel() {
    }

    public static Task apply(Task task, String modelLocation) {
        if (task instanceof ClassificationTask c) {
            Path directory = HadoopFiles.path(modelLocation).getParent();
            Map<?, ?> labels = read(directory, ClassificationTask.LABELS_FILE);
            if (labels != null && !c.classes().equals(labels.get("labels"))) {
                throw SparktrainException.usage(new Path(directory, ClassificationTask.LABELS_FILE) + ": the model's classes "
                        + labels.get("labels") + " are not the data's " + c.classes());
            }
        }
        return normalised(task, modelLocation);
    }

    /** {@link #apply} without the check of labels.json: for a task whose classes were read from it. */
    public static Task normalised(Task task, String modelLocation) {
        Path directory = HadoopFiles.path(modelLocation).getParent();
        if (task instanceof ClassificationTask c) {
            Preprocessing p = preprocessing(directory, Preprocessing.FILE, c.shape().flatSize());
            return p == null ? c : new ClassificationTask(c.shape(), c.classes(), c.softmax(), c.testFlip(),
                    c.labelSmoothing(), p);
        }
        if (task instanceof RegressionTask r) {
            Preprocessing inputs = preprocessing(directory, Preprocessing.FILE, r.shape().flatSize());
            Preprocessing targets = preprocessing(directory, RegressionTask.TARGETS_FILE, r.labels().size());
            return new RegressionTask(r.shape(), r.labels(), inputs == null ? r.inputs() : inputs,
                    targets == null ? r.targets() : targets);
        }
        return task;
    }

    /** The class names train saved beside a classifier's model (labels.json), or null when there is no such file. */
    @SuppressWarnings("unchecked")
    public static java.util.List<String> classes(String modelLocation) {
        Map<?, ?> labels = read(HadoopFiles.path(modelLocation).getParent(), ClassificationTask.LABELS_FILE);
        return labels == null ? null : (java.util.List<String>) labels.get("labels");
    }

    private static Preprocessing preprocessing(Path directory, String name, int size) {
        Map<?, ?> json = read(directory, name);
        if (json == null) {
            return null;
        }
        Preprocessing p = Preprocessing.fromJson(json, new Path(directory, name).toString());
        if (p.offset().length != size || p.scale().length != size) {
            throw SparktrainException.usage(new Path(directory, name) + ": statistics of " + p.offset().length
                    + " values, but the data has " + size);
        }
        return p;
    }

    private static Map<?, ?> read(Path directory, String name) {
        Path file = new Path(directory, name);
        if (!HadoopFiles.exists(file.toString())) {
            return null;
        }
        try {
            return JSON.readValue(HadoopFiles.readText(file.toString(), "model file"), Map.class);
        } catch (IOException e) {
            throw SparktrainException.usage(file + ": not JSON: " + e.getMessage());
        }
    }
}
