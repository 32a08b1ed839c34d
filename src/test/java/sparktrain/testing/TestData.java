package sparktrain.testing;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;
import sparktrain.worker.data.FashionMnist;
import sparktrain.worker.data.IdxFile;
import sparktrain.worker.data.Row;

import static org.junit.jupiter.api.Assertions.fail;

/** The real data set the tests use, and writers of small IDX files (valid and broken) for the reader tests. */
public final class TestData {
    public static final Path FASHION_MNIST = Path.of("/usr/share/datasets/fashion-mnist");
    public static final Path FORTUNES = Path.of("/usr/share/games/fortunes");

    private TestData() {
    }

    /** Fails (never skips) when the data set is missing, saying what to install. */
    public static String fashionMnist() {
        if (!Files.isRegularFile(FASHION_MNIST.resolve("t10k-images-idx3-ubyte.gz"))) {
            fail("Fashion-MNIST is missing at " + FASHION_MNIST
                    + ": install it with 'apt-get install dataset-fashion-mnist' (scripts/test does this)");
        }
        return FASHION_MNIST.toUri().toString();
    }

    /** A job on the installed Fashion-MNIST with {@code sets} applied as --set lines. */
    public static JobConfig job(String... sets) {
        List<String> all = new ArrayList<>(List.of("data.path=\"" + fashionMnist() + "\""));
        all.addAll(List.of(sets));
        return JobFiles.parse("", "test", all);
    }

    /** The first {@code count} rows of a Fashion-MNIST split ("train" or "t10k"), read in this JVM. */
    public static List<Row> fashionRows(String split, int count) {
        IdxFile.Contents images = IdxFile.readImages(new org.apache.hadoop.fs.Path(fashionMnist(), split
                + "-images-idx3-ubyte.gz"), FashionMnist.SIDE, FashionMnist.SIDE);
        IdxFile.Contents labels = IdxFile.readLabels(new org.apache.hadoop.fs.Path(fashionMnist(), split
                + "-labels-idx1-ubyte.gz"), FashionMnist.CLASSES);
        int n = FashionMnist.SIDE * FashionMnist.SIDE;
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            float[] x = new float[n];
            for (int j = 0; j < n; j++) {
                x[j] = (images.data()[i * n + j] & 0xff) / 255f;
            }
            rows.add(Row.labelled(i, x, labels.data()[i] & 0xff));
        }
        return rows;
    }

    /** Fails (never skips) when Debian's fortunes package is missing, saying what to install. */
    public static String fortunes() {
        if (!Files.isRegularFile(FORTUNES.resolve("computers"))) {
            fail("the fortunes corpus is missing at " + FORTUNES
                    + ": install it with 'apt-get install fortunes' (scripts/test does this)");
        }
        return FORTUNES.toUri().toString();
    }

    /** {@code count} short sentences from a tiny grammar (6 bits of choice each): text a small LSTM learns fast. */
    public static String sentences(int count, long seed) {
        String[] subjects = {"the cat", "a dog", "my friend", "the old man"};
        String[] verbs = {"sat on", "looked at", "ran to", "jumped over"};
        String[] objects = {"the mat", "a tree", "the house", "the river"};
        java.util.Random random = new java.util.Random(seed);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < count; i++) {
            text.append(subjects[random.nextInt(4)]).append(' ').append(verbs[random.nextInt(4)]).append(' ')
                    .append(objects[random.nextInt(4)]).append(".\n");
        }
        return text.toString();
    }

    public static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(magic);
            for (int d : dims) {
                out.writeInt(d);
            }
            out.write(data);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    public static byte[] images(int count, int rows, int cols) {
        byte[] pixels = new byte[count * rows * cols];
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (byte) (i * 31);
        }
        return idx(0x803, new int[] {count, rows, cols}, pixels);
    }

    public static byte[] labels(int count, int classes) {
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) (i % classes);
        }
        return idx(0x801, new int[] {count}, labels);
    }

    public static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = new GZIPOutputStream(bytes)) {
            out.write(plain);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    /** A directory holding the four Fashion-MNIST files, small, with the given train images file content. */
    public static Path smallDataSet(Path dir, int train, int test) throws IOException {
        Files.createDirectories(dir);
        Files.write(dir.resolve("train-images-idx3-ubyte"), images(train, 28, 28));
        Files.write(dir.resolve("train-labels-idx1-ubyte"), labels(train, 10));
        Files.write(dir.resolve("t10k-images-idx3-ubyte.gz"), gzip(images(test, 28, 28)));
        Files.write(dir.resolve("t10k-labels-idx1-ubyte.gz"), gzip(labels(test, 10)));
        return dir;
    }
}
