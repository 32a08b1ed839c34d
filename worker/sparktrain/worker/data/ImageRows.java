package sparktrain.worker.data;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.worker.SparktrainException;

import javax.imageio.ImageIO;
import javax.imageio.stream.MemoryCacheImageInputStream;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * On an executor: the image files of a folder with one subdirectory per class, as (path, bytes) rows of Spark's
 * {@code binaryFile} source, turned into rows. Each image is decoded with ImageIO (PNG, JPEG, BMP, GIF), converted
 * to {@code channels} (1: grey, ITU-R BT.601 luma 0.299 R + 0.587 G + 0.114 B; 3: RGB, a grey image in all three;
 * alpha is dropped), resized bilinearly to {@code height} x {@code width}, scaled to [0, 1] and flattened channel
 * by channel, each channel row by row (the layout of {@link AugmentImages} and the classification task). The class
 * is the image's directory under the folder; the id a hash of its path relative to the folder, the same on every
 * run. An image that cannot be decoded stops the read naming it, or with {@code skipBad} is counted in
 * {@code skipped} and left out.
 *
 * @param folder  the folder, as the file system qualifies it ({@code file:/data/photos})
 * @param classes the class names in label order (a model's, or the training folder's sorted subdirectories); a
 *                class's directory is named after it, or as make-data writes it ({@link #classIndex})
 */
public record ImageRows(String folder, List<String> classes, int height, int width, int channels, boolean skipBad,
                        LongAccumulator skipped) implements FlatMapFunction<org.apache.spark.sql.Row, Row> {
    private static final Logger log = LoggerFactory.getLogger(ImageRows.class);
    public static final String FORMATS = "PNG, JPEG, BMP, GIF";

    public ImageRows {
        classes = List.copyOf(classes);
    }

    @Override
    public Iterator<Row> call(org.apache.spark.sql.Row file) {
        String path = file.getString(0);
        String relative = relative(folder, path);
        int label = classIndex(classes, relative.substring(0, relative.indexOf('/')));
        float[] x = pixelsOrSkip(file.getAs(1), path, channels, height, width, skipBad, skipped);
        return x == null ? Collections.emptyIterator() : List.of(Row.labelled(id(relative), x, label)).iterator();
    }

    /**
     * The index of the class a directory holds: the class of its name, else the one make-data names it after
     * ({@link DataExport#directoryName}: Fashion-MNIST's "T-shirt/top" in "T-shirt_top"); -1 for none.
     */
    public static int classIndex(List<String> classes, String directory) {
        int named = classes.indexOf(directory);
        if (named >= 0) {
            return named;
        }
        for (int i = 0; i < classes.size(); i++) {
            if (DataExport.directoryName(classes.get(i)).equals(directory)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The file's pixels (see {@link #pixels}), or, when it cannot be decoded, bad data naming it; with
     * {@code skipBad} null instead, counted in {@code skipped}.
     */
    public static float[] pixelsOrSkip(byte[] bytes, String path, int channels, int height, int width,
                                       boolean skipBad, LongAccumulator skipped) {
        try {
            return pixels(decode(bytes, path), channels, height, width);
        } catch (SparktrainException e) {
            if (!skipBad) {
                throw e;
            }
            skipped.add(1);
            log.warn("skipped ({}): {}", "data.skip-bad-files = true", e.getMessage());
            return null;
        }
    }

    /** {@code path} relative to {@code folder}: "class/name.png". */
    static String relative(String folder, String path) {
        String prefix = folder.endsWith("/") ? folder : folder + "/";
        if (!path.startsWith(prefix) || path.indexOf('/', prefix.length()) < 0) {
            throw new IllegalStateException(path + " is not in a class directory of " + folder);
        }
        return path.substring(prefix.length());
    }

    /** A row's id: the first 8 bytes of the SHA-256 of its path relative to the folder. */
    public static long id(String relativePath) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(relativePath.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.wrap(digest).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The image in {@code bytes}, or bad data naming {@code path}. */
    public static BufferedImage decode(byte[] bytes, String path) {
        if (bytes.length == 0) {
            throw SparktrainException.badData(path + ": empty file, not an image");
        }
        BufferedImage image;
        try {
            // in memory: ImageIO's default for a stream is a cache file on disk; read closes the stream
            image = ImageIO.read(new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes)));
        } catch (IOException | RuntimeException e) {
            // ImageIO's readers throw IIOException on broken data, and some a RuntimeException
            String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            throw SparktrainException.badData(path + ": cannot decode the image: " + reason, e);
        }
        if (image == null) {
            throw SparktrainException.badData(path + ": not an image ImageIO reads (" + FORMATS + ")");
        }
        return image;
    }

    /** {@code image} as {@code channels} x {@code height} x {@code width} values in [0, 1] (see the class comment). */
    public static float[] pixels(BufferedImage image, int channels, int height, int width) {
        int h = image.getHeight();
        int w = image.getWidth();
        int plane = h * w;
        float[] out = new float[channels * plane];
        ColorModel model = image.getColorModel();
        if (model.getColorSpace().getType() == ColorSpace.TYPE_GRAY && !(model instanceof IndexColorModel)) {
            // the stored grey levels: getRGB would convert Java's linear grey to sRGB and brighten every pixel
            Raster raster = image.getRaster();
            float max = (float) ((1L << model.getComponentSize(0)) - 1);
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) {
                    float v = raster.getSample(x, y, 0) / max;
                    for (int c = 0; c < channels; c++) {
                        out[c * plane + y * w + x] = v;
                    }
                }
            }
        } else {
            int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
            for (int i = 0; i < plane; i++) {
                float r = ((argb[i] >> 16) & 0xff) / 255f;
                float g = ((argb[i] >> 8) & 0xff) / 255f;
                float b = (argb[i] & 0xff) / 255f;
                if (channels == 1) {
                    out[i] = 0.299f * r + 0.587f * g + 0.114f * b;
                } else {
                    out[i] = r;
                    out[plane + i] = g;
                    out[2 * plane + i] = b;
                }
            }
        }
        return resize(out, channels, h, w, height, width);
    }

    /**
     * Bilinear resizing of each channel, pixel centres aligned (a target pixel's centre maps to
     * {@code (y + 0.5) * fromHeight / toHeight - 0.5} in the source, clamped at the edges, as OpenCV's and PIL's
     * bilinear do); the same size returns the image as it is.
     */
    public static float[] resize(float[] image, int channels, int fromHeight, int fromWidth, int toHeight, int toWidth) {
        if (fromHeight == toHeight && fromWidth == toWidth) {
            return image;
        }
        float[] out = new float[channels * toHeight * toWidth];
        int from = fromHeight * fromWidth;
        int to = toHeight * toWidth;
        for (int y = 0; y < toHeight; y++) {
            double sy = Math.max(0, (y + 0.5) * fromHeight / toHeight - 0.5);
            int y0 = Math.min((int) sy, fromHeight - 1);
            int y1 = Math.min(y0 + 1, fromHeight - 1);
            float fy = (float) (sy - y0);
            for (int x = 0; x < toWidth; x++) {
                double sx = Math.max(0, (x + 0.5) * fromWidth / toWidth - 0.5);
                int x0 = Math.min((int) sx, fromWidth - 1);
                int x1 = Math.min(x0 + 1, fromWidth - 1);
                float fx = (float) (sx - x0);
                for (int c = 0; c < channels; c++) {
                    int base = c * from;
                    float top = image[base + y0 * fromWidth + x0] * (1 - fx) + image[base + y0 * fromWidth + x1] * fx;
                    float bottom = image[base + y1 * fromWidth + x0] * (1 - fx) + image[base + y1 * fromWidth + x1] * fx;
                    out[c * to + y * toWidth + x] = top * (1 - fy) + bottom * fy;
                }
            }
        }
        return out;
    }
}
