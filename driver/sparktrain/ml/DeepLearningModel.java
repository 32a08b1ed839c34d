package sparktrain.ml;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import sparktrain.driver.training.ExecutorScoring;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.inference.PredictRows;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.worker.model.InputShape;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.tasks.BesideModel;
import sparktrain.worker.tasks.ClassificationTask;
import sparktrain.worker.tasks.RegressionTask;
import sparktrain.worker.tasks.Task;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * What the fitted models share: the network (as DL4J's model file), the task that normalises its inputs as in
 * training, the training summary, and the resolved job. {@code transform} broadcasts the network once per model
 * and scores each partition on its executor in minibatches ({@link PredictRows}). Saved, a model is a directory
 * (any Hadoop URI) holding Spark ML's {@code metadata} (the params), {@code model.zip}, the files the task keeps
 * beside a model ({@code labels.json}, {@code preprocessing.json}, {@code targets.json}), {@code task.json} (the
 * input shape), {@code summary.json} and {@code job.conf}: the files of a {@code sparktrain train} run directory,
 * so {@code sparktrain evaluate --model DIR/model.zip} takes it too.
 */
public abstract class DeepLearningModel<M extends DeepLearningModel<M>> extends Model<M> implements MLWritable {
    static final String TASK_FILE = "task.json";
    static final String SUMMARY_FILE = "summary.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String uid;
    private final Param<String> featuresCol;
    private final Param<String> predictionCol;
    private final byte[] network;
    private final Task task;
    private final TrainingSummary summary;
    private final String job;
    private transient Broadcast<byte[]> broadcast;

    protected DeepLearningModel(String uid, byte[] network, Task task, TrainingSummary summary, String job) {
        this.uid = uid;
        this.network = network;
        this.task = task;
        this.summary = summary;
        this.job = job;
        featuresCol = Columns.featuresCol(this);
        predictionCol = Columns.predictionCol(this);
        setDefault(featuresCol, "features");
        setDefault(predictionCol, "prediction");
    }

    @Override
    public String uid() {
        return uid;
    }

    @SuppressWarnings("unchecked")
    private M self() {
        return (M) this;
    }

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public String getFeaturesCol() {
        return $(featuresCol);
    }

    public String getPredictionCol() {
        return $(predictionCol);
    }

    public M setFeaturesCol(String value) {
        set(featuresCol, value);
        return self();
    }

    public M setPredictionCol(String value) {
        set(predictionCol, value);
        return self();
    }

    /** The training metrics: every epoch's loss and validation metric. */
    public TrainingSummary summary() {
        return summary;
    }

    /** The number of inputs the network takes: the length of each row's features. */
    public int numFeatures() {
        return task.shape().flatSize();
    }

    /** The resolved job the model was trained with, as HOCON. */
    public String job() {
        return job;
    }

    Task task() {
        return task;
    }

    byte[] network() {
        return network;
    }

    /** {@code schema} with the output columns added. */
    abstract StructType addOutputs(StructType schema);

    /** A model's constructor. */
    @FunctionalInterface
    interface Factory<M> {
        M create(String uid, byte[] network, Task task, TrainingSummary summary, String job);
    }

    abstract Factory<M> factory();

    @Override
    public StructType transformSchema(StructType schema) {
        StructField features = Columns.requireFeatures(schema, getFeaturesCol());
        int size = Columns.size(features);
        if (size >= 0 && size != numFeatures()) {
            throw new IllegalArgumentException("column " + getFeaturesCol() + " (featuresCol) holds " + size
                    + " values (its ML attributes say), but the network takes " + numFeatures() + " inputs");
        }
        return addOutputs(schema);
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        SparkSession spark = dataset.sparkSession();
        int[] features = {dataset.schema().fieldIndex(getFeaturesCol())};
        return ExecutorScoring.predicted(dataset.toDF(), new PredictRows(task, broadcast(spark), features,
                List.of(getFeaturesCol()), PredictRows.types(dataset.schema(), features), "transform", "featuresCol", null), out);
    }

    /** The network, broadcast on the first transform and kept for the next ones on the same context. */
    private synchronized Broadcast<byte[]> broadcast(SparkSession spark) {
        if (broadcast == null || spark.sparkContext().isStopped()) {
            broadcast = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(network);
        }
        return broadcast;
    }

    @Override
    public M copy(ParamMap extra) {
        return copyValues(factory().create(uid, network, task, summary, job), extra).setParent(parent());
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    /** Writes the params (Spark ML's metadata) and the model's files. */
    private static final class Writer extends MLWriter {
        private final DeepLearningModel<?> model;

        Writer(DeepLearningModel<?> model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(model, path, sc(), scala.Option.empty(), scala.Option.empty());
            HadoopFiles.useConfiguration(sc().hadoopConfiguration());
            InputShape shape = model.task.shape();
            write(path, RunOutputs.MODEL, model.network);
            model.task.besideModel().forEach((name, text) -> write(path, name, text));
            Map<String, Object> taskJson = new java.util.LinkedHashMap<>(Map.of("height", shape.height(),
                    "width", shape.width(), "channels", shape.channels(), "outputs", shape.classes()));
            if (model.task instanceof ClassificationTask c) {
                taskJson.put("softmax", c.softmax());
                taskJson.put("testFlip", c.testFlip());
            } else if (model.task instanceof RegressionTask r) {
                taskJson.put("labels", r.labels());
            }
            write(path, TASK_FILE, RunOutputs.json(taskJson));
            write(path, SUMMARY_FILE, RunOutputs.json(model.summary));
            write(path, RunOutputs.JOB, model.job);
        }

        private static void write(String directory, String name, String text) {
            write(directory, name, text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }

        private static void write(String directory, String name, byte[] bytes) {
            Path file = new Path(HadoopFiles.path(directory), name);
            try {
                HadoopFiles.writeAtomically(file, out -> out.write(bytes));
            } catch (IOException e) {
                throw HadoopFiles.cannotWrite(file, e);
            }
        }
    }

    /**
     * Reads a model {@link Writer} wrote: the params, the network and the files beside it. A missing file is an
     * {@link IllegalArgumentException} naming it.
     */
    abstract static class Reader<M extends DeepLearningModel<M>> extends MLReader<M> {
        private final Class<M> type;
        private final Factory<M> factory;

        Reader(Class<M> type, Factory<M> factory) {
            this.type = type;
            this.factory = factory;
        }

        /** The model's task from the input shape and the flags in task.json and the files beside the model. */
        abstract Task task(String directory, InputShape shape, Map<?, ?> json);

        @Override
        public M load(String path) {
            HadoopFiles.useConfiguration(sc().hadoopConfiguration());
            DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sc(), type.getName());
            Map<?, ?> shape = json(path, TASK_FILE, Map.class);
            Task task;
            try {
                task = BesideModel.apply(task(path, new InputShape(((Number) shape.get("height")).intValue(),
                        ((Number) shape.get("width")).intValue(), ((Number) shape.get("channels")).intValue(),
                        ((Number) shape.get("outputs")).intValue()), shape), file(path, RunOutputs.MODEL).toString());
            } catch (SparktrainException e) {
                throw new IllegalArgumentException(String.join("; ", e.problems()), e);
            }
            M model = factory.create(metadata.uid(), bytes(path, RunOutputs.MODEL), task,
                    json(path, SUMMARY_FILE, TrainingSummary.class),
                    new String(bytes(path, RunOutputs.JOB), java.nio.charset.StandardCharsets.UTF_8));
            metadata.getAndSetParams(model, scala.Option.empty());
            return model;
        }

        static Path file(String directory, String name) {
            return new Path(HadoopFiles.path(directory), name);
        }

        static byte[] bytes(String directory, String name) {
            Path file = file(directory, name);
            if (!HadoopFiles.exists(file.toString())) {
                throw new IllegalArgumentException(file + ": not found: " + directory
                        + " is not a model a DeepLearning estimator saved");
            }
            try (InputStream in = HadoopFiles.open(file)) {
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
            }
        }

        static <T> T json(String directory, String name, Class<T> type) {
            try {
                return JSON.readValue(bytes(directory, name), type);
            } catch (IOException e) {
                throw new IllegalArgumentException(file(directory, name) + ": not JSON: " + e.getMessage(), e);
            }
        }
    }
}
