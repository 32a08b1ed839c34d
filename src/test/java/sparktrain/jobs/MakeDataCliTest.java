package sparktrain.jobs;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.reliability.DiskSnapshot;
import sparktrain.testing.Cli.Run;
import sparktrain.testing.TestData;
import sparktrain.worker.data.AugmentImages;
import sparktrain.worker.data.DataExport;
import sparktrain.worker.data.FashionMnist;
import sparktrain.worker.data.ImageRows;
import sparktrain.worker.data.Row;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparktrain.testing.Cli.sparktrain;

/** {@code sparktrain make-data}: Fashion-MNIST as tables Spark reads back and as an image folder. */
class MakeDataCliTest {
    private static final String SPARK = "--set=spark.conf.\"spark.ui.enabled\"=false";

    @TempDir
    Path tmp;

    private Run makeData(String format, Path output, String... more) {
        List<String> args = new ArrayList<>(List.of("make-data", "fashion-mnist", "--format", format, "--output",
                output.toString(), "--master", "local[2]", SPARK, "--set", "data.path=\"" + TestData.fashionMnist() + "\""));
        args.addAll(List.of(more));
        return sparktrain(args.toArray(String[]::new));
    }

    /** Runs {@code check} with a local SparkSession (after the CLI stopped its own context). */
    private static void withSpark(Consumer<SparkSession> check) {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("make-data-test")
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
        try {
            check.accept(spark);
        } finally {
            spark.stop();
        }
    }

    private static final StructType ARRAY = new StructType()
            .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false)
            .add("label", DataTypes.StringType, false);

    @Test
    void theWholeSetAsParquet() {
        Path out = tmp.resolve("parquet");
        Run run = makeData("parquet", out);
        assertEquals(0, run.code(), run.err());
        assertEquals("train 60000 rows, test 10000 rows\noutputs " + out + "\n", run.out());
        withSpark(spark -> {
            Dataset<org.apache.spark.sql.Row> train = spark.read().parquet(out.resolve("train").toString());
            assertEquals(ARRAY.fieldNames()[0], train.schema().fieldNames()[0]);
            assertEquals(DataTypes.createArrayType(DataTypes.FloatType, true).simpleString(),
                    train.schema().apply("pixels").dataType().simpleString());
            assertEquals(60_000, train.count());
            assertEquals(10_000, spark.read().parquet(out.resolve("test").toString()).count());
            List<String> labels = train.select("label").distinct().as(org.apache.spark.sql.Encoders.STRING())
                    .collectAsList();
            assertEquals(new TreeSet<>(FashionMnist.CLASS_NAMES), new TreeSet<>(labels));
            assertEquals(6_000, train.filter("label = 'Ankle boot'").count());
        });
    }

    /** Each format holds the first training image and its class name, as the IDX file does. */
    @Test
    void csvJsonAndOrcHoldTheImagesAndClassNames() {
        Row first = TestData.fashionRows("train", 1).get(0);
        String firstClass = FashionMnist.CLASS_NAMES.get(first.label());
        for (String format : List.of("csv", "json", "orc")) {
            Path out = tmp.resolve(format);
            Run run = makeData(format, out, "--set", "data.train-limit=300", "--set", "data.test-limit=100");
            assertEquals(0, run.code(), format + ": " + run.err());
            withSpark(spark -> {
                Dataset<org.apache.spark.sql.Row> train = format.equals("csv")
                        ? spark.read().option("header", "true").option("inferSchema", "true").csv(out.resolve("train").toString())
                        : spark.read().format(format).load(out.resolve("train").toString());
                assertEquals(300, train.count(), format);
                assertEquals(100, spark.read().format(format).option("header", "true")
                        .load(out.resolve("test").toString()).count(), format);
                float[] pixels = new float[784];
                boolean found = false;
                for (org.apache.spark.sql.Row r : train.collectAsList()) {
                    if (format.equals("csv")) {
                        assertEquals(785, r.size());
                        assertEquals("p0", train.schema().fieldNames()[0]);
                        assertEquals("p783", train.schema().fieldNames()[783]);
                        for (int i = 0; i < 784; i++) {
                            pixels[i] = ((Number) r.get(i)).floatValue();
                        }
                    } else {
                        List<Object> values = r.getList(r.fieldIndex("pixels"));
                        for (int i = 0; i < 784; i++) {
                            pixels[i] = ((Number) values.get(i)).floatValue();
                        }
                    }
                    if (Arrays.equals(pixels, first.x)) {
                        assertEquals(firstClass, r.getString(r.fieldIndex("label")), format);
                        found = true;
                    }
                }
                assertTrue(found, format + ": the first training image is in the table");
            });
        }
    }

    @Test
    void copiesDoubleTheTrainingRowsWithShiftedImages() {
        Path out = tmp.resolve("copies");
        Run run = makeData("parquet", out, "--copies", "2", "--set", "data.train-limit=200", "--set", "data.test-limit=50");
        assertEquals(0, run.code(), run.err());
        assertEquals("train 400 rows, test 50 rows\noutputs " + out + "\n", run.out());
        withSpark(spark -> {
            Dataset<org.apache.spark.sql.Row> train = spark.read().parquet(out.resolve("train").toString());
            assertEquals(400, train.count());
            assertEquals(400, train.select("pixels").distinct().count(), "every copy differs from its original");
            assertEquals(50, spark.read().parquet(out.resolve("test").toString()).count(), "one test set");
        });
    }

    @Test
    void anImageFolderOfPngsOnePerImageWithShiftedCopies() throws IOException {
        Path out = tmp.resolve("images");
        Run run = makeData("images", out, "--copies", "2", "--set", "data.train-limit=100", "--set", "data.test-limit=30");
        assertEquals(0, run.code(), run.err());
        Path train = out.resolve("train");
        Set<String> folders = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(train)) {
            dirs.forEach(d -> folders.add(d.getFileName().toString()));
        }
        assertTrue(folders.contains("T-shirt_top") && folders.contains("Ankle boot"), folders.toString());
        assertEquals(200, count(train));
        assertEquals(30, count(out.resolve("test")));
        List<Row> rows = TestData.fashionRows("train", 100);
        for (int i : new int[] {0, 1, 57, 99}) {
            Row original = rows.get(i);
            Path dir = train.resolve(DataExport.directoryName(FashionMnist.CLASS_NAMES.get(original.label())));
            assertArrayEquals(original.x, png(dir.resolve(String.format("%05d.png", i))), "image " + i + " as it is");
            float[] copy = png(dir.resolve(String.format("%05d-1.png", i)));
            assertTrue(shiftedOneOrTwo(original.x, copy), "copy of image " + i + " is it moved 1-2 pixels each way");
        }
    }

    private static long count(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".png")).count();
        }
    }

    private static float[] png(Path file) throws IOException {
        return ImageRows.pixels(ImageRows.decode(Files.readAllBytes(file), file.toString()), 1, 28, 28);
    }

    private static boolean shiftedOneOrTwo(float[] original, float[] copy) {
        for (int dy : new int[] {-2, -1, 1, 2}) {
            for (int dx : new int[] {-2, -1, 1, 2}) {
                float[] moved = new float[784];
                AugmentImages.move(original, moved, 28, 28, 1, false, dy, dx);
                if (Arrays.equals(moved, copy)) {
                    return true;
                }
            }
        }
        return false;
    }

    @Test
    void badUsageAndBadDataWriteNothing() throws IOException {
        Path full = Files.createDirectories(tmp.resolve("full"));
        Files.writeString(full.resolve("keep.txt"), "an earlier file");
        DiskSnapshot before = DiskSnapshot.of(tmp);
        Run notEmpty = makeData("parquet", full);
        assertEquals(2, notEmpty.code(), notEmpty.err());
        assertTrue(notEmpty.err().startsWith("sparktrain: error: output directory " + full + " already holds files"),
                notEmpty.err());
        Run format = makeData("xml", tmp.resolve("x"));
        assertEquals(2, format.code());
        assertEquals("sparktrain: error: --format xml: must be one of parquet, csv, json, orc, images\n", format.err());
        Run copies = makeData("csv", tmp.resolve("x"), "--copies", "0");
        assertEquals("sparktrain: error: --copies 0: must be >= 1\n", copies.err());
        Run dataSet = sparktrain("make-data", "mnist", "--format", "csv", "--output", tmp.resolve("x").toString());
        assertEquals("sparktrain: error: make-data: unknown data set mnist: must be one of fashion-mnist\n", dataSet.err());
        before.assertUnchanged(DiskSnapshot.of(tmp));

        // labels that do not match the images: found by the executors while writing, after the output was begun
        Path idx = Files.createDirectories(tmp.resolve("idx"));
        TestData.smallDataSet(idx, 20, 10);
        Files.write(idx.resolve("t10k-labels-idx1-ubyte.gz"), TestData.gzip(TestData.labels(9, 10)));
        DiskSnapshot beforeBad = DiskSnapshot.of(tmp);
        Run bad = makeData("images", tmp.resolve("out"), "--set", "data.path=\"" + idx.toUri() + "\"");
        assertEquals(3, bad.code(), bad.err());
        assertTrue(bad.err().contains("t10k-images-idx3-ubyte.gz holds 10 images but"), bad.err());
        assertEquals(1, bad.err().lines().count(), bad.err());
        assertFalse(Files.exists(tmp.resolve("out")));
        beforeBad.assertUnchanged(DiskSnapshot.of(tmp));
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(new HashSet<>(List.of("full", "idx")), new HashSet<>(left.map(p -> p.getFileName().toString())
                    .toList()), "no hidden temporary directory left");
        }
    }
}
