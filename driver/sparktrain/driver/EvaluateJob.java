package sparktrain.driver;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.data.FashionMnist;
import sparktrain.worker.data.LabeledImages;
import sparktrain.worker.output.Metrics;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.tasks.FashionMnistTask;
import sparktrain.worker.tasks.Tasks;
import sparktrain.worker.training.Scoring;

import java.util.LinkedHashMap;
import java.util.Map;

/** {@code sparktrain evaluate}: test metrics of a saved model on the job's test set. */
public final class EvaluateJob {
    private EvaluateJob() {
    }

    public static Map<String, Object> run(JobConfig job, String modelLocation) {
        Model network = RunOutputs.readModel(modelLocation);
        if (job.data().sequences()) {
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("model", modelLocation);
            metrics.put("test", Tasks.load(job).testMetrics(network));
            return metrics;
        }
        LabeledImages test = FashionMnist.loadTest(job.data().path(), job.data().testLimit());
        long inputs = network instanceof MultiLayerNetwork mln ? mln.layerInputSize(0) : test.pixelsPerImage();
        if (inputs != test.pixelsPerImage() && inputs != 1) {
            throw SparktrainException.usage("model " + modelLocation + " takes " + inputs + " inputs but the data at "
                    + job.data().path() + " has " + test.pixelsPerImage() + " pixels per image");
        }
        Evaluation eval = Scoring.evaluate(network, test.minibatches(500),
                FashionMnistTask.predictor(network, job.data().augmentTestFlip()));
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("model", modelLocation);
        metrics.put("test", Metrics.classification(eval, FashionMnist.CLASS_NAMES));
        return metrics;
    }
}
