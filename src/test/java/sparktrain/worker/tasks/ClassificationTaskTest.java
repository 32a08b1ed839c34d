package sparktrain.worker.tasks;

import org.deeplearning4j.nn.api.Model;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import sparktrain.testing.TestData;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;
import sparktrain.worker.data.AugmentImages;
import sparktrain.worker.data.FashionMnist;
import sparktrain.worker.data.Row;
import sparktrain.worker.model.NetworkFactory;
import sparktrain.worker.model.Networks;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class ClassificationTaskTest {
    private static final double EPS = 1e-5;

    private static ClassificationTask task(boolean testFlip, double labelSmoothing) {
        return new ClassificationTask(FashionMnist.SHAPE, FashionMnist.CLASS_NAMES, true, testFlip, labelSmoothing, null);
    }

    @Test
    void testFlipAveragesTheOutputsForEachImageAndItsMirrorImage() {
        JobConfig job = JobFiles.parse("", "test", List.of("model.type=lenet5"));
        Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), FashionMnist.SHAPE);
        Nd4j.getRandom().setSeed(3);
        INDArray images = Nd4j.rand(4, 784);
        INDArray mirrored = AugmentImages.mirror(images, FashionMnist.SHAPE);
        INDArray plain = Networks.output(network, images);
        INDArray ofMirrors = Networks.output(network, mirrored);

        assertEquals(plain, task(false, 0).predictor(network).apply(images));
        INDArray averaged = task(true, 0).predictor(network).apply(images);
        assertNotEquals(plain, averaged);
        assertEquals(0.0, averaged.sub(plain.add(ofMirrors).div(2)).amaxNumber().doubleValue(), EPS);
        assertEquals(0.0, averaged.sum(1).sub(1.0).amaxNumber().doubleValue(), EPS, "rows of probabilities");
        // an image and its mirror image get the same averaged output
        INDArray ofMirrorsAveraged = task(true, 0).predictor(network).apply(mirrored);
        assertEquals(0.0, averaged.sub(ofMirrorsAveraged).amaxNumber().doubleValue(), EPS);
    }

    @Test
    void labelSmoothingSpreadsTheGivenShareOverAllClassesOfTheTrainingLabelsOnly() {
        List<Row> rows = TestData.fashionRows("train", 64);
        DataSet plain = task(false, 0).batch(rows, true);
        DataSet smoothed = task(false, 0.1).batch(rows, true);

        INDArray expected = plain.getLabels().mul(0.9).add(0.01);
        assertEquals(0.0, smoothed.getLabels().sub(expected).amaxNumber().doubleValue(), EPS);
        assertEquals(0.0, smoothed.getLabels().sum(1).sub(1.0).amaxNumber().doubleValue(), EPS, "rows sum to 1");
        assertEquals(plain.getFeatures(), smoothed.getFeatures());
        assertEquals(0.91, smoothed.getLabels().maxNumber().doubleValue(), EPS);
        // what is measured (validation, test) stays one-hot
        assertEquals(1.0, task(false, 0.1).batch(rows, false).getLabels().maxNumber().doubleValue(), EPS);
    }

    /** Scores merged over parts equal the scores of the whole: a distributed evaluation is a driver-side one. */
    @Test
    void scoresOfPartsMergeIntoTheScoresOfTheWhole() {
        JobConfig job = JobFiles.parse("", "test", List.of("model.type=mlp", "model.hidden-layers=[16]"));
        Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), FashionMnist.SHAPE);
        List<Row> rows = TestData.fashionRows("t10k", 1200);
        ClassificationTask task = task(false, 0);
        Task.Scores whole = task.score(network, rows.iterator());
        Task.Scores merged = task.score(network, rows.subList(0, 333).iterator())
                .merge(task.score(network, rows.subList(333, 900).iterator()))
                .merge(task.score(network, rows.subList(900, 1200).iterator()));
        var a = task.testMetrics(whole);
        var b = task.testMetrics(merged);
        assertEquals((double) a.get("accuracy"), (double) b.get("accuracy"), 1e-12);
        assertEquals((double) a.get("macroF1"), (double) b.get("macroF1"), 1e-12);
        assertEquals(java.util.Arrays.deepToString((int[][]) a.get("confusionMatrix")),
                java.util.Arrays.deepToString((int[][]) b.get("confusionMatrix")));
        assertEquals(task.measure(whole).loss(), task.measure(merged).loss(), 1e-6);
    }
}
