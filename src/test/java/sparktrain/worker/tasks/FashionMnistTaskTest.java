package sparktrain.worker.tasks;

import sparktrain.worker.tasks.FashionMnistTask;

import org.deeplearning4j.nn.api.Model;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;
import sparktrain.worker.model.NetworkFactory;
import sparktrain.worker.model.Networks;
import sparktrain.worker.data.FashionMnist;
import sparktrain.testing.TestData;
import sparktrain.worker.data.AugmentImages;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

class FashionMnistTaskTest {
    private static final double EPS = 1e-5;

    @Test
    void testFlipAveragesTheOutputsForEachImageAndItsMirrorImage() {
        JobConfig job = JobFiles.parse("", "test", List.of("model.type=lenet5"));
        Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), FashionMnistTask.SHAPE);
        Nd4j.getRandom().setSeed(3);
        INDArray images = Nd4j.rand(4, 784);
        INDArray mirrored = AugmentImages.mirror(images, 28, 28);
        INDArray plain = Networks.output(network, images);
        INDArray ofMirrors = Networks.output(network, mirrored);

        assertEquals(plain, FashionMnistTask.predictor(network, false).apply(images));
        INDArray averaged = FashionMnistTask.predictor(network, true).apply(images);
        assertNotEquals(plain, averaged);
        assertEquals(0.0, averaged.sub(plain.add(ofMirrors).div(2)).amaxNumber().doubleValue(), EPS);
        assertEquals(0.0, averaged.sum(1).sub(1.0).amaxNumber().doubleValue(), EPS, "rows of probabilities");
        // an image and its mirror image get the same averaged output
        INDArray ofMirrorsAveraged = FashionMnistTask.predictor(network, true).apply(mirrored);
        assertEquals(0.0, averaged.sub(ofMirrorsAveraged).amaxNumber().doubleValue(), EPS);
    }

    @Test
    void labelSmoothingSpreadsTheGivenShareOverAllClassesOfTheTrainingLabelsOnly() {
        FashionMnist.Splits data = FashionMnist.load(TestData.fashionMnist(), 200, 100, 0.1, 5);
        FashionMnistTask smoothed = new FashionMnistTask(data, false, 0.1);
        List<DataSet> plain = new FashionMnistTask(data).trainBatches(32);
        List<DataSet> batches = smoothed.trainBatches(32);

        assertEquals(plain.size(), batches.size());
        for (int b = 0; b < batches.size(); b++) {
            INDArray labels = batches.get(b).getLabels();
            INDArray expected = plain.get(b).getLabels().mul(0.9).add(0.01);
            assertEquals(0.0, labels.sub(expected).amaxNumber().doubleValue(), EPS);
            assertEquals(0.0, labels.sum(1).sub(1.0).amaxNumber().doubleValue(), EPS, "rows sum to 1");
            assertEquals(plain.get(b).getFeatures(), batches.get(b).getFeatures());
        }
        assertEquals(0.91, batches.get(0).getLabels().maxNumber().doubleValue(), EPS);
        // validation labels stay one-hot
        assertEquals(1.0, smoothed.validationBatches().get(0).getLabels().maxNumber().doubleValue(), EPS);
    }
}
