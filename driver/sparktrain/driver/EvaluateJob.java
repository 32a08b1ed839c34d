package sparktrain.driver;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import sparktrain.driver.data.Data;
import sparktrain.driver.data.Inputs;
import sparktrain.driver.training.ExecutorScoring;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.data.Row;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.tasks.BesideModel;
import sparktrain.worker.tasks.Task;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code sparktrain evaluate}: test metrics of a saved model on the job's test set or validation rows, measured by
 * the executors.
 */
public final class EvaluateJob {
    private EvaluateJob() {
    }

    /**
     * {@code evaluate --input}: the test metrics (metrics.json's "test" object) of every labelled row of the model's
     * job's data.path, measured by the executors; nothing is split off.
     */
    public static Map<String, Object> everyRow(SavedModel model) {
        JobConfig job = model.job();
        try (JavaSparkContext sc = SparkContexts.start(job, null)) {
            return SparkContexts.withLocalThreadShares(sc, () -> {
                JavaRDD<Row> rows = Inputs.everyRow(job, sc, model.classes()).persist(Data.KEPT);
                List<Row> first = rows.take(1);
                if (first.isEmpty()) {
                    throw SparktrainException.badData(job.data().path() + ": no rows (--input)");
                }
                Task task = model.task(first.get(0).x.length);
                Map<String, Object> metrics = new LinkedHashMap<>();
                metrics.put("model", model.file());
                metrics.put("input", job.data().path());
                metrics.put("test", task.testMetrics(ExecutorScoring.score(sc, task, model.restored(), rows)));
                rows.unpersist(false);
                return metrics;
            });
        }
    }

    /**
     * The metrics of the model at {@code modelLocation} on the job's test set or, with {@code onValidation}, its
     * validation rows: the rows train held out under the job's seed; metrics.json's form, keyed "test" or "validation".
     */
    public static Map<String, Object> run(JobConfig job, String modelLocation, boolean onValidation) {
        Model network = RunOutputs.readModel(modelLocation);
        try (JavaSparkContext sc = SparkContexts.start(job, null);
             Data data = Inputs.read(job, sc)) {
            Task task = BesideModel.apply(data.task(job), modelLocation);
            if (!job.data().sequences()) {
                SavedModel.requireInputs(network, task, modelLocation, job.data().path());
            }
            if (onValidation && data.validationRows() == 0) {
                throw SparktrainException.usage("--split validation: the job holds out no validation rows ("
                        + (job.data().validationPath().isEmpty() ? "data.validation-fraction = "
                        + job.data().validationFraction() : "data.validation-path = " + job.data().validationPath())
                        + ")");
            }
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("model", modelLocation);
            metrics.put(onValidation ? "validation" : "test", task.testMetrics(ExecutorScoring.score(sc, task, network,
                    onValidation ? data.validation() : data.test())));
            return metrics;
        }
    }
}
