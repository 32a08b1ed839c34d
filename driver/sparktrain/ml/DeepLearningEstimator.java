package sparktrain.ml;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import sparktrain.driver.data.Data;
import sparktrain.driver.data.Inputs;
import sparktrain.driver.training.TrainingSession;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;
import sparktrain.worker.config.JobKeys;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.worker.model.Networks;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.training.RunTraining;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@link DeepLearningClassifier} and {@link DeepLearningRegressor} share: the params, the job they make of
 * them and {@code fit}, which trains data-parallel on the session the dataset belongs to through the same
 * {@link TrainingSession} and {@link RunTraining} as {@code sparktrain train}. The executors read the dataset's
 * partitions; nothing is collected. The session's context is never started, stopped or reconfigured here.
 *
 * <p>The job is, from the bottom up: the job-file defaults, the defaults of the typed params, the job file
 * ({@code jobFile}), the {@code settings} text, the typed params set explicitly, and the columns.
 *
 * @param <M> the model it fits
 * @param <E> the estimator itself, which its setters return
 */
public abstract class DeepLearningEstimator<M extends DeepLearningModel<M>, E extends DeepLearningEstimator<M, E>>
        extends Estimator<M> implements DefaultParamsWritable {
    /** data.path of a job trained from a DataFrame: how messages name it. */
    static final String DATA_FRAME = "the DataFrame";

    private final String uid;
    private final Param<String> featuresCol;
    private final Param<String> labelCol;
    private final Param<String> predictionCol;
    private final Param<String> jobFile;
    private final Param<String> settings;
    private final Param<String> modelType;
    private final IntParam epochs;
    private final DoubleParam learningRate;
    private final IntParam batchSize;
    private final DoubleParam dropout;
    /** The job-file key each typed param sets. */
    private final Map<Param<?>, String> keys = new LinkedHashMap<>();

    protected DeepLearningEstimator(String uid) {
        this.uid = uid;
        featuresCol = Columns.featuresCol(this);
        labelCol = Columns.labelCol(this);
        predictionCol = Columns.predictionCol(this);
        jobFile = new Param<>(this, "jobFile", "a job file (any Hadoop URI) whose keys apply, except the data "
                + "source and columns, which the DataFrame and the column params give; empty = none");
        settings = new Param<>(this, "settings", "job-file keys as HOCON text, applied over jobFile like --set "
                + "lines, e.g. \"model.type = lenet5\\ndata.image.height = 28\"; empty = none");
        modelType = new Param<>(this, "modelType", "the network (model.type): mlp, or for images (data.image.* in "
                + "settings) lenet5 or resnet-small", ParamValidators.inArray(List.of("mlp", "lenet5", "resnet-small")));
        epochs = new IntParam(this, "epochs", "passes over the training rows (training.epochs), >= 1",
                ParamValidators.gtEq(1));
        learningRate = new DoubleParam(this, "learningRate", "the updater's learning rate (training.learning-rate),"
                + " > 0", ParamValidators.gt(0));
        batchSize = new IntParam(this, "batchSize", "minibatch size per worker (training.batch-size), >= 1",
                ParamValidators.gtEq(1));
        dropout = new DoubleParam(this, "dropout", "probability of dropping a unit (model.dropout), in [0, 1)",
                ParamValidators.inRange(0, 1, true, false));
        keys.put(modelType, JobKeys.MODEL_TYPE.path());
        keys.put(epochs, JobKeys.EPOCHS.path());
        keys.put(learningRate, JobKeys.LEARNING_RATE.path());
        keys.put(batchSize, JobKeys.BATCH_SIZE.path());
        keys.put(dropout, JobKeys.DROPOUT.path());
        setDefault(featuresCol, "features");
        setDefault(labelCol, "label");
        setDefault(predictionCol, "prediction");
        setDefault(jobFile, "");
        setDefault(settings, "");
        setDefault(modelType, "mlp");
        setDefault(epochs, JobKeys.EPOCHS.defaultValue());
        setDefault(learningRate, JobKeys.LEARNING_RATE.defaultValue());
        setDefault(batchSize, JobKeys.BATCH_SIZE.defaultValue());
        setDefault(dropout, JobKeys.DROPOUT.defaultValue());
    }

    @Override
    public String uid() {
        return uid;
    }

    @SuppressWarnings("unchecked")
    private E self() {
        return (E) this;
    }

    public Param<String> featuresCol() {
        return featuresCol;
    }

    public Param<String> labelCol() {
        return labelCol;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public Param<String> jobFile() {
        return jobFile;
    }

    public Param<String> settings() {
        return settings;
    }

    public Param<String> modelType() {
        return modelType;
    }

    public IntParam epochs() {
        return epochs;
    }

    public DoubleParam learningRate() {
        return learningRate;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public DoubleParam dropout() {
        return dropout;
    }

    public String getFeaturesCol() {
        return $(featuresCol);
    }

    public String getLabelCol() {
        return $(labelCol);
    }

    public String getPredictionCol() {
        return $(predictionCol);
    }

    public String getJobFile() {
        return $(jobFile);
    }

    public String getSettings() {
        return $(settings);
    }

    public String getModelType() {
        return $(modelType);
    }

    public int getEpochs() {
        return (Integer) $(epochs);
    }

    public double getLearningRate() {
        return (Double) $(learningRate);
    }

    public int getBatchSize() {
        return (Integer) $(batchSize);
    }

    public double getDropout() {
        return (Double) $(dropout);
    }

    public E setFeaturesCol(String value) {
        set(featuresCol, value);
        return self();
    }

    public E setLabelCol(String value) {
        set(labelCol, value);
        return self();
    }

    public E setPredictionCol(String value) {
        set(predictionCol, value);
        return self();
    }

    public E setJobFile(String value) {
        set(jobFile, value);
        return self();
    }

    public E setSettings(String value) {
        set(settings, value);
        return self();
    }

    public E setModelType(String value) {
        set(modelType, value);
        return self();
    }

    public E setEpochs(int value) {
        set(epochs, value);
        return self();
    }

    public E setLearningRate(double value) {
        set(learningRate, value);
        return self();
    }

    public E setBatchSize(int value) {
        set(batchSize, value);
        return self();
    }

    public E setDropout(double value) {
        set(dropout, value);
        return self();
    }

    /** data.task of the jobs this estimator makes. */
    abstract String task();

    /** Checks the label column's type in {@code schema}. */
    abstract void requireLabel(StructType schema);

    /** {@code schema} with the model's output columns added. */
    abstract StructType addOutputs(StructType schema);

    /**
     * The label column as the training table holds it (a classifier's as integers), checked; and the class names,
     * for a classifier.
     */
    abstract Labels labels(Dataset<?> dataset);

    record Labels(org.apache.spark.sql.Column column, List<String> classes) {
    }

    /** The constructor of the model it fits. */
    abstract DeepLearningModel.Factory<M> models();

    @Override
    public StructType transformSchema(StructType schema) {
        Columns.requireFeatures(schema, getFeaturesCol());
        requireLabel(schema);
        return addOutputs(schema);
    }

    /**
     * The job this estimator trains: the job file's and the settings' keys under the params set explicitly and the
     * columns; a key that does not exist or a value that breaks a rule is an {@link IllegalArgumentException}
     * listing every problem.
     */
    public JobConfig job() {
        Map<String, Object> fallbacks = new LinkedHashMap<>();
        Map<String, Object> fixed = new LinkedHashMap<>();
        keys.forEach((param, key) -> (isSet(param) ? fixed : fallbacks).put(key, $(param)));
        fixed.put(JobKeys.DATA_TYPE.path(), "table");
        fixed.put(JobKeys.DATA_PATH.path(), DATA_FRAME);
        fixed.put(JobKeys.VALIDATION_PATH.path(), "");
        fixed.put(JobKeys.TEST_PATH.path(), "");
        fixed.put(JobKeys.TEST_FRACTION.path(), 0);
        fixed.put(JobKeys.FEATURES.path(), List.of(getFeaturesCol()));
        fixed.put(JobKeys.LABEL.path(), List.of(getLabelCol()));
        fixed.put(JobKeys.TASK.path(), task());
        // the stall watchdog ends a stalled run with System.exit and sets the thread's job group: not in a caller's JVM
        fixed.put(JobKeys.STALL_TIMEOUT.path(), 0);
        try {
            return JobFiles.layered(fallbacks, getJobFile().isEmpty() ? null : getJobFile(), getSettings(), fixed);
        } catch (SparktrainException e) {
            throw new IllegalArgumentException(uid + ": " + String.join("; ", e.problems()), e);
        }
    }

    /**
     * Trains on the dataset's session: its partitions are read by the executors, split into training and
     * validation rows by data.validation-fraction, normalised by their statistics, and trained with the job's
     * strategy. Only what the fit started is released (the cached rows, the broadcasts, a temporary run directory
     * on the driver's disk).
     */
    @Override
    public M fit(Dataset<?> dataset) {
        transformSchema(dataset.schema());
        JobConfig job = job();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
        HadoopFiles.useConfiguration(sc.hadoopConfiguration());
        Labels labels = labels(dataset);
        Dataset<Row> table = dataset.select(Columns.column(getFeaturesCol()), labels.column());
        Path run;
        try {
            run = Files.createTempDirectory("sparktrain-fit-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary run directory: " + e.getMessage(), e);
        }
        try (Data data = Inputs.dataFrame(job, table, labels.classes());
             TrainingSession session = TrainingSession.open(job, sc, data)) {
            RunTraining.Result result = new RunTraining(session, RunOutputs.create(run.toUri().toString()))
                    .withoutTest().run();
            TrainingSummary summary = new TrainingSummary(session.metric(), result.loop().history(),
                    result.loop().bestEpoch(), session.trainExamples(), session.validationExamples());
            M model = models().create(uid, Networks.toBytes(result.loop().network()), session.task(), summary,
                    job.resolvedHocon());
            return copyValues(model, new ParamMap()).setParent(this);
        } finally {
            HadoopFiles.deleteQuietly(new org.apache.hadoop.fs.Path(run.toUri()));
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public E copy(ParamMap extra) {
        return (E) defaultCopy(extra);
    }
}
