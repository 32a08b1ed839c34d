package sparktrain.driver;

import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import sparktrain.driver.data.Data;
import sparktrain.driver.data.Inputs;
import sparktrain.driver.training.ExecutorScoring;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.tasks.BesideModel;
import sparktrain.worker.tasks.Task;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code sparktrain evaluate}: test metrics of a saved model on the job's test set, measured by the executors. */
public final class EvaluateJob {
    private EvaluateJob() {
    }

    public static Map<String, Object> run(JobConfig job, String modelLocation) {
        Model network = RunOutputs.readModel(modelLocation);
        try (JavaSparkContext sc = SparkContexts.start(job, null);
             Data data = Inputs.read(job, sc)) {
            Task task = BesideModel.apply(data.task(job), modelLocation);
            long inputs = network instanceof MultiLayerNetwork mln ? mln.layerInputSize(0) : task.shape().flatSize();
            // a convolutional network's first layer takes the image's channels
            if (!job.data().sequences() && inputs != task.shape().flatSize() && inputs != task.shape().channels()) {
                throw SparktrainException.usage("model " + modelLocation + " takes " + inputs + " inputs but the data at "
                        + job.data().path() + " has " + task.shape().flatSize() + " values per example");
            }
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("model", modelLocation);
            metrics.put("test", task.testMetrics(ExecutorScoring.score(sc, task, network, data.test())));
            return metrics;
        }
    }
}
