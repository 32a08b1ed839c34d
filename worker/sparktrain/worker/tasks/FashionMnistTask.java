package sparktrain.worker.tasks;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.model.InputShape;
import sparktrain.worker.model.Networks;
import sparktrain.worker.data.FashionMnist;
import sparktrain.worker.output.Metrics;
import sparktrain.worker.report.Charts;
import sparktrain.worker.report.Report;
import sparktrain.worker.training.Scoring;
import sparktrain.worker.data.AugmentImages;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Ten-class image classification on Fashion-MNIST: accuracy, macro F1 and the confusion matrix. */
public final class FashionMnistTask implements Task {
    public static final String METRIC = "accuracy";
    public static final InputShape SHAPE = new InputShape(FashionMnist.SIDE, FashionMnist.SIDE, 1, FashionMnist.CLASSES);
    private static final int EVAL_BATCH = 500;

    private final FashionMnist.Splits data;
    private final boolean testFlip;
    private final double labelSmoothing;

    public FashionMnistTask(FashionMnist.Splits data) {
        this(data, false, 0.0);
    }

    /**
     * @param testFlip classify each image and its mirror image and average the two (data.augment.test-flip)
     * @param labelSmoothing the share of each training label spread evenly over all classes (model.label-smoothing)
     */
    public FashionMnistTask(FashionMnist.Splits data, boolean testFlip, double labelSmoothing) {
        this.data = data;
        this.testFlip = testFlip;
        this.labelSmoothing = labelSmoothing;
    }

    public static FashionMnistTask load(JobConfig job) {
        return new FashionMnistTask(FashionMnist.load(job.data().path(), job.data().trainLimit(),
                job.data().testLimit(), job.data().validationFraction(), job.seed()), job.data().augmentTestFlip(),
                job.model().labelSmoothing());
    }

    /** The network's class probabilities for a batch, with {@code testFlip} their mean over the images and their mirror images. */
    public static UnaryOperator<INDArray> predictor(Model network, boolean testFlip) {
        if (!testFlip) {
            return features -> Networks.output(network, features);
        }
        return features -> Networks.output(network, features)
                .add(Networks.output(network, AugmentImages.mirror(features, FashionMnist.SIDE, FashionMnist.SIDE)))
                .divi(2);
    }

    public FashionMnist.Splits data() {
        return data;
    }

    @Override
    public InputShape shape() {
        return SHAPE;
    }

    @Override
    public List<DataSet> trainBatches(int batchSize) {
        List<DataSet> batches = data.train().minibatches(batchSize);
        if (labelSmoothing == 0) {
            return batches;
        }
        return batches.stream()
                .map(b -> new DataSet(b.getFeatures(), smoothed(b.getLabels())))
                .toList();
    }

    /** One-hot {@code labels} smoothed (Szegedy et al. 2016): each class gets labelSmoothing / classes on top. */
    private INDArray smoothed(INDArray labels) {
        return labels.mul(1.0 - labelSmoothing).addi(labelSmoothing / labels.size(1));
    }

    @Override
    public long trainExamples() {
        return data.train().size();
    }

    @Override
    public List<DataSet> validationBatches() {
        return data.validation().minibatches(EVAL_BATCH);
    }

    @Override
    public String metric() {
        return METRIC;
    }

    @Override
    public Measure validate(Model network, List<DataSet> batches) {
        Scoring.Validation v = Scoring.validate(network, batches, predictor(network, testFlip));
        return new Measure(metric(), v.evaluation().accuracy(), true, v.crossEntropy());
    }

    @Override
    public Map<String, Object> testMetrics(Model network) {
        return Metrics.classification(Scoring.evaluate(network, data.test().minibatches(EVAL_BATCH),
                        predictor(network, testFlip)),
                FashionMnist.CLASS_NAMES);
    }

    @Override
    public void report(Report report, Model network, Map<String, Object> test) {
        report.section("Test confusion matrix")
                .chart("confusion", Charts.confusion((int[][]) test.get("confusionMatrix"), FashionMnist.CLASS_NAMES),
                        "rows: the actual class, columns: the predicted class, cells: test images");
    }

    @Override
    public Map<String, Object> provenance() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("train", data.train().size());
        p.put("validation", data.validation().size());
        p.put("test", data.test().size());
        p.put("files", data.files());
        return p;
    }
}
