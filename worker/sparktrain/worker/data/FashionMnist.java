package sparktrain.worker.data;

import org.apache.hadoop.fs.Path;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.io.HadoopFiles;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** The Fashion-MNIST data set (Xiao et al. 2017) from a directory holding its four IDX files. */
public final class FashionMnist {
    public static final int SIDE = 28;
    public static final int CLASSES = 10;
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    public static final String INSTALL_HINT =
            "install the data set with: apt-get install dataset-fashion-mnist (or set data.path)";

    private FashionMnist() {
    }

    /** One data file as read: where it was, how big it is as stored, and its SHA-256. */
    public record DataFile(String path, long bytes, String sha256) {
    }

    public record Splits(LabeledImages train, LabeledImages validation, LabeledImages test, List<DataFile> files) {
    }

    /**
     * Reads the training and test sets, keeps the first {@code trainLimit} training images (0 = all),
     * and moves a seeded random {@code validationFraction} of those into a validation set.
     */
    public static Splits load(String directory, int trainLimit, int testLimit, double validationFraction, long seed) {
        List<DataFile> files = new ArrayList<>();
        LabeledImages train = read(directory, "train", files).first(trainLimit);
        LabeledImages test = read(directory, "t10k", files).first(testLimit);
        int validationSize = (int) Math.round(train.size() * validationFraction);
        if (validationFraction > 0 && (validationSize == 0 || validationSize == train.size())) {
            throw SparktrainException.usage("data.validation-fraction = " + validationFraction + ": leaves "
                    + (train.size() - validationSize) + " of " + train.size() + " images for training and "
                    + validationSize + " for validation; each needs at least one");
        }
        int[] order = permutation(train.size(), new Random(seed));
        int[] validationIdx = new int[validationSize];
        int[] trainIdx = new int[train.size() - validationSize];
        System.arraycopy(order, 0, validationIdx, 0, validationSize);
        System.arraycopy(order, validationSize, trainIdx, 0, trainIdx.length);
        return new Splits(train.select(trainIdx), train.select(validationIdx), test, files);
    }

    /** The official test set alone, for evaluating a saved model. */
    public static LabeledImages loadTest(String directory, int testLimit) {
        return read(directory, "t10k", new ArrayList<>()).first(testLimit);
    }

    static LabeledImages read(String directory, String prefix, List<DataFile> files) {
        Path images = find(directory, prefix + "-images-idx3-ubyte");
        Path labels = find(directory, prefix + "-labels-idx1-ubyte");
        IdxFile.Contents img = IdxFile.readImages(images, SIDE, SIDE);
        IdxFile.Contents lab = IdxFile.readLabels(labels, CLASSES);
        if (img.count() != lab.count()) {
            throw SparktrainException.badData(images + " holds " + img.count() + " images but " + labels + " holds "
                    + lab.count() + " labels: the counts must agree");
        }
        files.add(new DataFile(images.toString(), img.storedBytes(), img.sha256()));
        files.add(new DataFile(labels.toString(), lab.storedBytes(), lab.sha256()));
        return new LabeledImages(SIDE, SIDE, img.data(), lab.data(), CLASSES);
    }

    /** The file {@code base} in {@code directory}, gzipped ({@code base.gz}) or plain; bad data when neither exists. */
    public static Path find(String directory, String base) {
        for (String name : List.of(base + ".gz", base)) {
            Path candidate = new Path(HadoopFiles.path(directory), name);
            if (HadoopFiles.exists(candidate.toString())) {
                return candidate;
            }
        }
        throw SparktrainException.badData(directory + ": no " + base + ".gz or " + base + " (data.path); " + INSTALL_HINT);
    }

    static int[] permutation(int n, Random random) {
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
