package sparktrain.worker.data;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.VoidFunction;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.worker.model.InputShape;

import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * On the executors: a classification data set's rows written out for {@code sparktrain make-data}, as table rows
 * (the pixels and the class name) or as one grey PNG per image in a directory per class, and copies of the rows,
 * each moved a little, to make a larger data set.
 */
public final class DataExport {
    /** Copy k of row id i has id i + k * COPY; a data set has fewer rows than this. */
    public static final long COPY = 1L << 32;

    private DataExport() {
    }

    /** The table's schema: {@code pixels} (an array of floats) or, for CSV, one column per pixel p0, p1, ...; {@code label}. */
    public static StructType schema(int inputs, boolean pixelColumns) {
        StructType schema = new StructType();
        if (pixelColumns) {
            for (int i = 0; i < inputs; i++) {
                schema = schema.add("p" + i, DataTypes.FloatType, false);
            }
        } else {
            schema = schema.add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false);
        }
        return schema.add("label", DataTypes.StringType, false);
    }

    /** A class name as a directory name: a '/' (Fashion-MNIST's "T-shirt/top") becomes '_'. */
    public static String directoryName(String className) {
        return className.replace('/', '_');
    }

    /**
     * Each row, then {@code copies - 1} copies of it, each moved 1 or 2 pixels up or down and 1 or 2 pixels left or
     * right (drawn from the seed, the copy and the row's id), black where nothing moved in. Copy k's id is
     * {@code id + k * COPY}.
     */
    public record Copies(InputShape shape, int copies, long seed) implements FlatMapFunction<Row, Row> {
        @Override
        public Iterator<Row> call(Row row) {
            return IntStream.range(0, copies).mapToObj(k -> k == 0 ? row : moved(row, k)).iterator();
        }

        Row moved(Row row, int copy) {
            SplittableRandom random = new SplittableRandom(Split.mix(seed * 0x9E3779B97F4A7C15L + copy) ^ row.id);
            int dy = (1 + random.nextInt(2)) * (random.nextBoolean() ? 1 : -1);
            int dx = (1 + random.nextInt(2)) * (random.nextBoolean() ? 1 : -1);
            float[] x = new float[row.x.length];
            AugmentImages.move(row.x, x, shape.height(), shape.width(), shape.channels(), false, dy, dx);
            return new Row(row.id + copy * COPY, x, row.y);
        }
    }

    /** A row as a table row of {@link #schema}: its pixels and its class name. */
    public record TableRow(List<String> classes, boolean pixelColumns) implements Function<Row, org.apache.spark.sql.Row> {
        public TableRow {
            classes = List.copyOf(classes);
        }

        @Override
        public org.apache.spark.sql.Row call(Row row) {
            String label = classes.get(row.label());
            if (!pixelColumns) {
                return RowFactory.create(row.x, label);
            }
            Object[] values = new Object[row.x.length + 1];
            for (int i = 0; i < row.x.length; i++) {
                values[i] = row.x[i];
            }
            values[row.x.length] = label;
            return RowFactory.create(values);
        }
    }

    /**
     * Writes each row of a partition as a grey PNG, {@code directory/<class>/<index>.png} ({@code <index>-<k>.png}
     * for copy k), into class directories that must exist ({@link #directoryName}).
     */
    public record Pngs(String directory, List<String> classes, InputShape shape) implements VoidFunction<Iterator<Row>> {
        public Pngs {
            classes = List.copyOf(classes);
        }

        @Override
        public void call(Iterator<Row> rows) {
            ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
            try {
                while (rows.hasNext()) {
                    Row row = rows.next();
                    long copy = row.id / COPY;
                    String name = String.format("%05d%s.png", row.id % COPY, copy == 0 ? "" : "-" + copy);
                    Path file = new Path(new Path(directory, directoryName(classes.get(row.label()))), name);
                    // into the class directory the driver made: never recreated after a failure elsewhere removed it
                    try (OutputStream out = HadoopFiles.create(file)) {
                        write(writer, grey(row.x, shape), out);
                    } catch (IOException | UncheckedIOException e) {
                        throw HadoopFiles.cannotWrite(file, e);
                    }
                }
            } finally {
                writer.dispose();
            }
        }

        static BufferedImage grey(float[] x, InputShape shape) {
            BufferedImage image = new BufferedImage(shape.width(), shape.height(), BufferedImage.TYPE_BYTE_GRAY);
            int[] levels = new int[x.length];
            for (int i = 0; i < x.length; i++) {
                levels[i] = Math.round(x[i] * 255);
            }
            image.getRaster().setSamples(0, 0, shape.width(), shape.height(), 0, levels);
            return image;
        }

        /** In memory: ImageIO's own write(image, format, stream) goes through a cache file on disk. */
        private static void write(ImageWriter writer, BufferedImage image, OutputStream out) {
            try (ImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
                writer.setOutput(stream);
                writer.write(image);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
