package sparktrain.worker.data;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.util.ArrayList;
import java.util.List;

/** Images as raw unsigned bytes, row-major, with one label each. */
public record LabeledImages(int rows, int cols, byte[] pixels, byte[] labels, int classes) {

    public int size() {
        return labels.length;
    }

    public int pixelsPerImage() {
        return rows * cols;
    }

    /** The images at {@code indices}, in that order. */
    public LabeledImages select(int[] indices) {
        int n = pixelsPerImage();
        byte[] p = new byte[indices.length * n];
        byte[] l = new byte[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * n, p, i * n, n);
            l[i] = labels[indices[i]];
        }
        return new LabeledImages(rows, cols, p, l, classes);
    }

    public LabeledImages first(int count) {
        if (count <= 0 || count >= size()) {
            return this;
        }
        int[] idx = new int[count];
        for (int i = 0; i < count; i++) {
            idx[i] = i;
        }
        return select(idx);
    }

    /** Minibatches of {@code batchSize} (the last one may be smaller): pixels scaled to [0, 1], labels one-hot. */
    public List<DataSet> minibatches(int batchSize) {
        List<DataSet> batches = new ArrayList<>();
        int n = pixelsPerImage();
        for (int start = 0; start < size(); start += batchSize) {
            int count = Math.min(batchSize, size() - start);
            float[] features = new float[count * n];
            float[] oneHot = new float[count * classes];
            for (int i = 0; i < count; i++) {
                int row = start + i;
                for (int j = 0; j < n; j++) {
                    features[i * n + j] = (pixels[row * n + j] & 0xff) / 255f;
                }
                oneHot[i * classes + (labels[row] & 0xff)] = 1f;
            }
            INDArray f = Nd4j.create(features, new long[] {count, n}, 'c');
            INDArray l = Nd4j.create(oneHot, new long[] {count, classes}, 'c');
            batches.add(new DataSet(f, l));
        }
        return batches;
    }
}
