package sparktrain.worker;

import org.apache.spark.api.java.function.Function2;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import sparktrain.core.config.DataConfig;
import sparktrain.core.model.InputShape;

import java.util.Iterator;
import java.util.SplittableRandom;

/**
 * Changes every training image of a partition for one epoch: a mirror image with probability 1/2
 * ({@code flip}) and a shift of up to {@code maxShift} pixels each way, the uncovered border black.
 * Images are rows of {@code height * width} pixels, one channel. Seeded by job seed, epoch and partition.
 */
public record AugmentImages(int height, int width, boolean flip, int maxShift, long seed, int epoch)
        implements Function2<Integer, Iterator<DataSet>, Iterator<DataSet>> {

    /** What {@code data.augment} asks for, on images of {@code shape}. Check {@link DataConfig#augments()} first. */
    public static AugmentImages of(DataConfig data, InputShape shape, long seed) {
        return new AugmentImages(shape.height(), shape.width(), data.augmentFlip(), data.augmentShift(), seed, 0);
    }

    public AugmentImages forEpoch(int nextEpoch) {
        return new AugmentImages(height, width, flip, maxShift, seed, nextEpoch);
    }

    @Override
    public Iterator<DataSet> call(Integer partition, Iterator<DataSet> batches) {
        SplittableRandom random = new SplittableRandom(seed * 1_000_003L + epoch * 1_009L + partition);
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return batches.hasNext();
            }

            @Override
            public DataSet next() {
                DataSet batch = batches.next();
                return new DataSet(augment(batch.getFeatures(), random), batch.getLabels());
            }
        };
    }

    INDArray augment(INDArray images, SplittableRandom random) {
        float[][] in = images.toFloatMatrix();
        float[][] out = new float[in.length][height * width];
        for (int i = 0; i < in.length; i++) {
            boolean mirror = flip && random.nextBoolean();
            int dy = maxShift == 0 ? 0 : random.nextInt(-maxShift, maxShift + 1);
            int dx = maxShift == 0 ? 0 : random.nextInt(-maxShift, maxShift + 1);
            for (int y = 0; y < height; y++) {
                int fromY = y - dy;
                if (fromY < 0 || fromY >= height) {
                    continue;
                }
                for (int x = 0; x < width; x++) {
                    int fromX = mirror ? width - 1 - (x - dx) : x - dx;
                    if (fromX >= 0 && fromX < width) {
                        out[i][y * width + x] = in[i][fromY * width + fromX];
                    }
                }
            }
        }
        return Nd4j.create(out);
    }
}
