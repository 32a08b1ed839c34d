package sparktrain.worker.data;

import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.testing.ImageFolders;
import sparktrain.testing.Serialization;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ImageRowsTest {
    private static final float E = 1e-6f;

    @TempDir
    Path tmp;

    private static byte[] encode(BufferedImage image, String format) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(image, format, out), format);
        return out.toByteArray();
    }

    private static float[] read(BufferedImage image, String format, int channels, int height, int width)
            throws IOException {
        return ImageRows.pixels(ImageRows.decode(encode(image, format), "test." + format), channels, height, width);
    }

    /** Red, green, blue, white on a row: RGB is three planes, grey is BT.601 luma. */
    @Test
    void rgbAndGreyOfAKnownImage() throws IOException {
        BufferedImage image = ImageFolders.rgb(4, 1, 0xff0000, 0x00ff00, 0x0000ff, 0xffffff);
        assertArrayEquals(new float[] {1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1}, read(image, "png", 3, 1, 4), E);
        assertArrayEquals(new float[] {0.299f, 0.587f, 0.114f, 1}, read(image, "png", 1, 1, 4), E);
        assertArrayEquals(new float[] {1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 1, 1}, read(image, "bmp", 3, 1, 4), E);
    }

    /** Grey files keep their stored levels (Java's getRGB would turn them lighter), in every channel for RGB. */
    @Test
    void greyLevelsAreTakenAsStored() throws IOException {
        BufferedImage image = ImageFolders.grey(3, 1, 0, 128, 255);
        float[] levels = {0, 128 / 255f, 1};
        assertArrayEquals(levels, read(image, "png", 1, 1, 3), E);
        float[] rgb = read(image, "png", 3, 1, 3);
        for (int c = 0; c < 3; c++) {
            assertArrayEquals(levels, java.util.Arrays.copyOfRange(rgb, c * 3, c * 3 + 3), E, "channel " + c);
        }
    }

    @Test
    void aJpegDecodesToAboutItsColour() throws IOException {
        int[] pixels = new int[64];
        java.util.Arrays.fill(pixels, 0x6496c8);
        float[] x = read(ImageFolders.rgb(8, 8, pixels), "jpg", 3, 8, 8);
        for (int i = 0; i < 64; i++) {
            assertEquals(0x64 / 255f, x[i], 4 / 255f);
            assertEquals(0x96 / 255f, x[64 + i], 4 / 255f);
            assertEquals(0xc8 / 255f, x[128 + i], 4 / 255f);
        }
        float[] gif = read(ImageFolders.rgb(8, 8, pixels), "gif", 3, 8, 8);
        assertEquals(0x64 / 255f, gif[0], 1e-6);
    }

    @Test
    void bilinearResizeAlignsPixelCentres() {
        // up: a 2x2 (0 1 / 0 1) to 4x4, every row 0, 0.25, 0.75, 1 (OpenCV's and PIL's bilinear)
        float[] up = ImageRows.resize(new float[] {0, 1, 0, 1}, 1, 2, 2, 4, 4);
        for (int y = 0; y < 4; y++) {
            assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1}, java.util.Arrays.copyOfRange(up, y * 4, y * 4 + 4), E);
        }
        // down by 2: each output pixel is the mean of its 2x2 block, channel by channel
        float[] four = new float[32];
        for (int i = 0; i < 16; i++) {
            four[i] = i;
            four[16 + i] = 100 + i;
        }
        assertArrayEquals(new float[] {2.5f, 4.5f, 10.5f, 12.5f, 102.5f, 104.5f, 110.5f, 112.5f},
                ImageRows.resize(four, 2, 4, 4, 2, 2), E);
        float[] same = {1, 2, 3, 4};
        assertArrayEquals(same, ImageRows.resize(same, 1, 2, 2, 2, 2));
    }

    @Test
    void aDecodedImageIsResizedInItsChannels() throws IOException {
        BufferedImage image = ImageFolders.rgb(2, 1, 0x000000, 0xff0000);
        // 2x1 to 4x2: red ramps 0, 0.25, 0.75, 1 on both rows; green and blue stay 0
        float[] x = read(image, "png", 3, 2, 4);
        assertArrayEquals(new float[] {0, 0.25f, 0.75f, 1, 0, 0.25f, 0.75f, 1}, java.util.Arrays.copyOfRange(x, 0, 8), E);
        assertArrayEquals(new float[16], java.util.Arrays.copyOfRange(x, 8, 24), E);
    }

    @Test
    void whatIsNotAnImageIsBadDataNamingTheFile() {
        SparktrainException text = assertThrows(SparktrainException.class,
                () -> ImageRows.decode("just text\n".getBytes(), "file:/d/cat/notes.png"));
        assertEquals(ExitCode.BAD_DATA, text.exitCode());
        assertEquals("file:/d/cat/notes.png: not an image ImageIO reads (PNG, JPEG, BMP, GIF)", text.getMessage());
        SparktrainException empty = assertThrows(SparktrainException.class, () -> ImageRows.decode(new byte[0], "e.png"));
        assertEquals("e.png: empty file, not an image", empty.getMessage());
    }

    @Test
    void aTruncatedPngIsBadDataNamingTheFile() throws IOException {
        byte[] png = encode(ImageFolders.rgb(2, 2, 1, 2, 3, 4), "png");
        SparktrainException e = assertThrows(SparktrainException.class,
                () -> ImageRows.decode(java.util.Arrays.copyOf(png, png.length / 2), "file:/d/cat/cut.png"));
        assertEquals(ExitCode.BAD_DATA, e.exitCode());
        assertTrue(e.getMessage().startsWith("file:/d/cat/cut.png: cannot decode the image: "), e.getMessage());
    }

    @Test
    void rowsCarryTheClassIndexAndAStableIdOfTheRelativePath() throws Exception {
        byte[] png = encode(ImageFolders.grey(2, 2, 0, 255, 255, 0), "png");
        ImageRows rows = Serialization.roundTrip(new ImageRows("file:/d", List.of("bird", "cat"), 2, 2, 1, false, null));
        Iterator<Row> out = rows.call(RowFactory.create("file:/d/cat/one.png", png));
        Row row = out.next();
        assertFalse(out.hasNext());
        assertEquals(1, row.label());
        assertArrayEquals(new float[] {0, 1, 1, 0}, row.x, E);
        assertEquals(ImageRows.id("cat/one.png"), row.id);
        // the id scheme decides every split (a change moves images between training and test): the first 8 bytes
        // of SHA-256("cat/one.png"), big-endian, as Python computes them
        assertEquals(5165544069018472121L, ImageRows.id("cat/one.png"));
        assertNotEquals(ImageRows.id("cat/one.png"), ImageRows.id("cat/two.png"));
    }

    @Test
    void aBadImageStopsTheReadOrIsSkipped() throws Exception {
        org.apache.spark.sql.Row bad = RowFactory.create("file:/d/cat/bad.png", "not an image".getBytes());
        ImageRows strict = new ImageRows("file:/d", List.of("cat", "dog"), 2, 2, 1, false, null);
        assertThrows(SparktrainException.class, () -> strict.call(bad));
        org.apache.spark.util.LongAccumulator skipped = new org.apache.spark.util.LongAccumulator();
        ImageRows lenient = new ImageRows("file:/d", List.of("cat", "dog"), 2, 2, 1, true, skipped);
        assertFalse(lenient.call(bad).hasNext());
        assertEquals(1, skipped.value());
    }

    @Test
    void filesStraightInTheFolderHaveNoClass() {
        assertThrows(IllegalStateException.class, () -> ImageRows.relative("file:/d", "file:/d/readme.txt"));
        assertEquals("a b/c.png", ImageRows.relative("file:/d", "file:/d/a b/c.png"));
        assertEquals("cat/sub/c.png", ImageRows.relative("file:/", "file:/cat/sub/c.png"));
    }

    @Test
    void writtenFilesDecode() throws IOException {
        Path file = tmp.resolve("x.png");
        ImageFolders.write(ImageFolders.grey(1, 1, 51), "png", file);
        assertArrayEquals(new float[] {0.2f}, ImageRows.pixels(ImageRows.decode(Files.readAllBytes(file), "x"), 1, 1, 1), E);
    }
}
