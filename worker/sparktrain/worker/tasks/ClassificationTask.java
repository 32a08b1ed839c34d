package sparktrain.worker.tasks;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import sparktrain.worker.data.AugmentImages;
import sparktrain.worker.data.Preprocessing;
import sparktrain.worker.data.Row;
import sparktrain.worker.model.InputShape;
import sparktrain.worker.model.Networks;
import sparktrain.worker.output.Metrics;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.report.Charts;
import sparktrain.worker.report.Report;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Classification of images or table rows into named classes: accuracy (the validation metric), macro F1,
 * precision and recall, and the confusion matrix. Rows hold the inputs (normalised here when the task has
 * statistics) and the class index.
 *
 * @param classes        the class names in index order (labels.json)
 * @param softmax        whether the network outputs probabilities (model.loss = mcxent), which gives the
 *                       validation cross-entropy; else the network's own loss is reported
 * @param testFlip       classify each image and its mirror image and average the two (data.augment.test-flip)
 * @param labelSmoothing the share of each training label spread evenly over all classes (model.label-smoothing)
 * @param preprocessing  how the inputs are normalised; null when they are taken as they are
 */
public record ClassificationTask(InputShape shape, List<String> classes, boolean softmax, boolean testFlip,
                                 double labelSmoothing, Preprocessing preprocessing) implements Task {
    public static final String METRIC = "accuracy";
    public static final String LABELS_FILE = "labels.json";

    public ClassificationTask {
        classes = List.copyOf(classes);
    }

    @Override
    public String metric() {
        return METRIC;
    }

    @Override
    public boolean higherIsBetter() {
        return true;
    }

    @Override
    public DataSet batch(List<Row> rows, boolean training) {
        int n = rows.size();
        int inputs = shape.flatSize();
        int k = classes.size();
        float[] features = new float[n * inputs];
        float[] labels = new float[n * k];
        float off = training && labelSmoothing > 0 ? (float) (labelSmoothing / k) : 0f;
        float on = training && labelSmoothing > 0 ? (float) (1 - labelSmoothing) + off : 1f;
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            System.arraycopy(preprocessing == null ? r.x : preprocessing.apply(r.x), 0, features, i * inputs, inputs);
            if (off > 0) {
                java.util.Arrays.fill(labels, i * k, (i + 1) * k, off);
            }
            labels[i * k + r.label()] = on;
        }
        return new DataSet(Nd4j.create(features, new long[] {n, inputs}, 'c'),
                Nd4j.create(labels, new long[] {n, k}, 'c'));
    }

    /** The network's outputs for a batch, with test-flip their mean over the images and their mirror images. */
    public UnaryOperator<INDArray> predictor(Model network) {
        if (!testFlip) {
            return features -> Networks.output(network, features);
        }
        return features -> Networks.output(network, features)
                .add(Networks.output(network, AugmentImages.mirror(features, shape))).divi(2);
    }

    /** DL4J's Evaluation (mergeable), and the loss summed over the rows. */
    public record ClassScores(Evaluation evaluation, double loss, long count) implements Scores {
        @Override
        public Scores merge(Scores other) {
            ClassScores o = (ClassScores) other;
            Evaluation merged = new Evaluation(evaluation.getLabelsList());
            merged.merge(evaluation);
            merged.merge(o.evaluation);
            return new ClassScores(merged, loss + o.loss, count + o.count);
        }
    }

    @Override
    public Scores score(Model network, Iterator<Row> rows) {
        Evaluation eval = new Evaluation(classes);
        double[] loss = {0};
        long[] count = {0};
        UnaryOperator<INDArray> predict = predictor(network);
        Task.inBatches(rows, scoringBatch(), batch -> {
            DataSet d = batch(batch, false);
            INDArray output = predict.apply(d.getFeatures());
            eval.eval(d.getLabels(), output);
            if (softmax) {
                INDArray chosen = output.mul(d.getLabels()).sum(1);
                loss[0] -= Transforms.log(chosen.addi(1e-12), false).sumNumber().doubleValue();
            } else {
                loss[0] += Networks.score(network, d) * batch.size();
            }
            count[0] += batch.size();
        });
        return new ClassScores(eval, loss[0], count[0]);
    }

    @Override
    public Measure measure(Scores scores) {
        ClassScores s = (ClassScores) scores;
        return new Measure(METRIC, s.evaluation().accuracy(), true, s.count() == 0 ? Double.NaN : s.loss() / s.count());
    }

    @Override
    public Map<String, Object> testMetrics(Scores scores) {
        return Metrics.classification(((ClassScores) scores).evaluation(), classes);
    }

    @Override
    public Map<String, String> besideModel() {
        Map<String, String> files = new LinkedHashMap<>();
        files.put(LABELS_FILE, RunOutputs.json(Map.of("labels", classes)));
        if (preprocessing != null) {
            files.put(Preprocessing.FILE, RunOutputs.json(preprocessing.toJson()));
        }
        return files;
    }

    @Override
    public void report(Report report, Model network, Map<String, Object> test, List<Row> sample) {
        if (classes.size() > 40) {
            return;
        }
        report.section("Test confusion matrix")
                .chart("confusion", Charts.confusion((int[][]) test.get("confusionMatrix"), classes),
                        "rows: the actual class, columns: the predicted class, cells: test examples");
    }
}
