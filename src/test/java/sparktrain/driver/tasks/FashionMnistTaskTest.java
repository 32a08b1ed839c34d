package sparktrain.driver.tasks;

import org.deeplearning4j.nn.api.Model;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import sparktrain.core.config.JobConfig;
import sparktrain.core.config.JobFiles;
import sparktrain.core.model.NetworkFactory;
import sparktrain.core.model.Networks;
import sparktrain.worker.AugmentImages;

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
}
