package sparktrain.worker.data;

import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.data.FashionMnist;
import sparktrain.worker.data.IdxFile;
import sparktrain.testing.TestData;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class IdxFileTest {
    @TempDir
    java.nio.file.Path tmp;

    @Test
    void readsTheRealFashionMnistTestSet() {
        String dir = TestData.fashionMnist();
        IdxFile.Contents images = IdxFile.readImages(new Path(dir, "t10k-images-idx3-ubyte.gz"), 28, 28);
        IdxFile.Contents labels = IdxFile.readLabels(new Path(dir, "t10k-labels-idx1-ubyte.gz"), 10);
        assertEquals(10_000, images.count());
        assertEquals(10_000 * 28 * 28, images.data().length);
        assertEquals(10_000, labels.count());
        int[] perClass = new int[10];
        for (byte b : labels.data()) {
            perClass[b]++;
        }
        // the official test set is balanced: 1,000 images of each class
        assertTrue(Arrays.stream(perClass).allMatch(n -> n == 1000), Arrays.toString(perClass));
        assertEquals(64, images.sha256().length());
    }

    @Test
    void plainAndGzippedFilesReadTheSame() throws IOException {
        byte[] plain = TestData.images(3, 28, 28);
        Files.write(tmp.resolve("a"), plain);
        Files.write(tmp.resolve("a.gz"), TestData.gzip(plain));
        byte[] fromPlain = IdxFile.readImages(path("a"), 28, 28).data();
        byte[] fromGzip = IdxFile.readImages(path("a.gz"), 28, 28).data();
        assertTrue(Arrays.equals(fromPlain, fromGzip));
    }

    @Test
    void wrongMagicNumber() throws IOException {
        Files.write(tmp.resolve("x"), TestData.idx(0x802, new int[] {1, 28, 28}, new byte[784]));
        assertBadData(() -> IdxFile.readImages(path("x"), 28, 28), "x: wrong magic number 0x00000802: expected 0x00000803");
    }

    @Test
    void labelsFileWhereImagesAreExpected() throws IOException {
        Files.write(tmp.resolve("labels"), TestData.labels(5, 10));
        assertBadData(() -> IdxFile.readImages(path("labels"), 28, 28), "wrong magic number 0x00000801");
    }

    @Test
    void wrongDimensions() throws IOException {
        Files.write(tmp.resolve("x"), TestData.images(2, 32, 32));
        assertBadData(() -> IdxFile.readImages(path("x"), 28, 28), "wrong image dimensions 32x32: expected 28x28");
    }

    @Test
    void truncatedImages() throws IOException {
        byte[] full = TestData.images(4, 28, 28);
        Files.write(tmp.resolve("x.gz"), TestData.gzip(Arrays.copyOf(full, full.length - 100)));
        assertBadData(() -> IdxFile.readImages(path("x.gz"), 28, 28),
                "truncated: the header declares 4 records (3136 bytes) but only 3036 bytes follow");
    }

    @Test
    void truncatedLabels() throws IOException {
        byte[] full = TestData.labels(10, 10);
        Files.write(tmp.resolve("l"), Arrays.copyOf(full, full.length - 3));
        assertBadData(() -> IdxFile.readLabels(path("l"), 10), "truncated: the header declares 10 records");
    }

    @Test
    void truncatedHeader() throws IOException {
        Files.write(tmp.resolve("h"), new byte[] {0, 0, 8, 3, 0, 0});
        assertBadData(() -> IdxFile.readImages(path("h"), 28, 28), "truncated header");
    }

    @Test
    void labelOutOfRange() throws IOException {
        Files.write(tmp.resolve("l"), TestData.idx(0x801, new int[] {3}, new byte[] {1, 12, 3}));
        assertBadData(() -> IdxFile.readLabels(path("l"), 10), "label 12 at record 1 is out of range [0, 9]");
    }

    @Test
    void emptyFile() throws IOException {
        Files.write(tmp.resolve("e.gz"), new byte[0]);
        assertBadData(() -> IdxFile.readImages(path("e.gz"), 28, 28), "e.gz: empty file");
    }

    @Test
    void truncatedGzip() throws IOException {
        byte[] gz = TestData.gzip(TestData.images(4, 28, 28));
        Files.write(tmp.resolve("c.gz"), Arrays.copyOf(gz, gz.length / 2));
        assertBadData(() -> IdxFile.readImages(path("c.gz"), 28, 28), "c.gz: corrupt gzip data");
    }

    @Test
    void garbledGzipPayloadIsStillACleanError() throws IOException {
        byte[] gz = TestData.gzip(TestData.images(4, 28, 28));
        for (int i = 20; i < gz.length - 8; i++) {
            gz[i] = (byte) 0x55;
        }
        Files.write(tmp.resolve("g.gz"), gz);
        assertBadData(() -> IdxFile.readImages(path("g.gz"), 28, 28), "g.gz: ");
    }

    @Test
    void gzNameOnAFileThatIsNotGzip() throws IOException {
        Files.writeString(tmp.resolve("t.gz"), "this is plain text, not gzip");
        assertBadData(() -> IdxFile.readImages(path("t.gz"), 28, 28), "the name ends in .gz but the file is not gzip");
    }

    private Path path(String name) {
        return new Path(tmp.resolve(name).toUri());
    }

    static void assertBadData(org.junit.jupiter.api.function.Executable read, String expected) {
        SparktrainException e = assertThrows(SparktrainException.class, read);
        assertEquals(ExitCode.BAD_DATA, e.exitCode(), e.getMessage());
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
    }
}
