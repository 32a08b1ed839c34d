package sparktrain.worker.data;

import org.apache.spark.api.java.function.Function2;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Reverse;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import sparktrain.worker.config.DataConfig;
import sparktrain.worker.model.InputShape;

import java.util.Arrays;
import java.util.Iterator;
import java.util.SplittableRandom;

/**
 * Changes every training image of a partition for one epoch: a mirror image with probability 1/2
 * ({@code flip}), a shift of up to {@code maxShift} pixels each way, the uncovered border black, then a black
 * {@code cutout} x {@code cutout} square centred anywhere on the image (DeVries and Taylor 2017), which may hang
 * over its edge. Images are rows of {@code channels * height * width} values, channel by channel, each channel
 * row by row; every channel moves alike. Seeded by job seed, epoch and partition.
 */
public record AugmentImages(int height, int width, int channels, boolean flip, int maxShift, int cutout, long seed,
                            int epoch) implements Function2<Integer, Iterator<DataSet>, Iterator<DataSet>> {

    /** What {@code data.augment} asks for, on images of {@code shape}. Check {@link DataConfig#augments()} first. */
    public static AugmentImages of(DataConfig data, InputShape shape, long seed) {
        return new AugmentImages(shape.height(), shape.width(), shape.channels(), data.augmentFlip(),
                data.augmentShift(), data.augmentCutout(), seed, 0);
    }

    public AugmentImages forEpoch(int nextEpoch) {
        return new AugmentImages(height, width, channels, flip, maxShift, cutout, seed, nextEpoch);
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
        float[][] out = new float[in.length][channels * height * width];
        for (int i = 0; i < in.length; i++) {
            boolean mirror = flip && random.nextBoolean();
            int dy = maxShift == 0 ? 0 : random.nextInt(-maxShift, maxShift + 1);
            int dx = maxShift == 0 ? 0 : random.nextInt(-maxShift, maxShift + 1);
            move(in[i], out[i], height, width, channels, mirror, dy, dx);
            if (cutout > 0) {
                blackSquare(out[i], random.nextInt(height), random.nextInt(width));
            }
        }
        return Nd4j.create(out);
    }

    /**
     * Writes {@code image} (channels x height x width values) into {@code out} (all black) mirrored left to right
     * if {@code mirror}, then moved {@code dy} pixels down and {@code dx} right; what moves off the edge is lost.
     */
    public static void move(float[] image, float[] out, int height, int width, int channels, boolean mirror, int dy,
                            int dx) {
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                int fromY = y - dy;
                if (fromY < 0 || fromY >= height) {
                    continue;
                }
                for (int x = 0; x < width; x++) {
                    int fromX = mirror ? width - 1 - (x - dx) : x - dx;
                    if (fromX >= 0 && fromX < width) {
                        out[c * plane + y * width + x] = image[c * plane + fromY * width + fromX];
                    }
                }
            }
        }
    }

    /** Every image of {@code images} (rows of channels x height x width values) mirrored left to right. */
    public static INDArray mirror(INDArray images, InputShape shape) {
        long count = images.size(0);
        INDArray rows = images.reshape('c', count, shape.channels(), shape.height(), shape.width());
        return Nd4j.exec(new Reverse(rows, 3))[0].reshape('c', count, (long) shape.flatSize());
    }

    private void blackSquare(float[] image, int centreY, int centreX) {
        int top = centreY - cutout / 2;
        int left = centreX - cutout / 2;
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            for (int y = Math.max(0, top); y < Math.min(height, top + cutout); y++) {
                Arrays.fill(image, c * plane + y * width + Math.max(0, left),
                        c * plane + y * width + Math.min(width, left + cutout), 0f);
            }
        }
    }
}
