package sparktrain.driver.data;

import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.api.Model;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.driver.training.TrainingSession;
import sparktrain.testing.SparkTestBase;
import sparktrain.testing.Tables;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;
import sparktrain.worker.data.Preprocessing;
import sparktrain.worker.data.Row;
import sparktrain.worker.model.NetworkFactory;
import sparktrain.worker.model.Networks;
import sparktrain.worker.tasks.ClassificationTask;
import sparktrain.worker.tasks.RegressionTask;
import sparktrain.worker.training.EpochLoop;
import sparktrain.worker.training.LocalSession;
import sparktrain.worker.training.TrainingStrategy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparktrain.driver.data.InputsTest.assertBadData;

/** data.type = table: Spark SQL tables read by the executors, split by row id, normalised by training statistics. */
class TableInputTest extends SparkTestBase {
    private static final int DIMS = 12;
    private static SparkSession spark;
    private static Path tables;

    @TempDir
    Path tmp;

    /** One blobs table (5 classes, 12 features), written as Parquet in one file and in seven, and as CSV. */
    @BeforeAll
    static void writeTables(@TempDir Path dir) {
        spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
        tables = dir;
        var blobs = Tables.blobs(spark, 8000, 5, DIMS, 0.9, 11).cache();
        blobs.coalesce(1).write().parquet(dir.resolve("blobs.parquet").toString());
        blobs.repartition(7).write().parquet(dir.resolve("blobs-7.parquet").toString());
        blobs.coalesce(2).write().option("header", true).csv(dir.resolve("blobs.csv").toString());
        Tables.asVectorAndArray(spark, blobs.limit(600), DIMS).coalesce(1).write()
                .parquet(dir.resolve("vectors.parquet").toString());
        blobs.unpersist();
    }

    private static String uri(String name) {
        return tables.resolve(name).toUri().toString();
    }

    private static JobConfig job(String path, String... sets) {
        List<String> all = new ArrayList<>(List.of("data.type=table", "data.path=\"" + path + "\"", "model.type=mlp",
                "data.features=[\"x*\"]", "data.label=label"));
        all.addAll(List.of(sets));
        return JobFiles.parse("", "test", all);
    }

    /**
     * The acceptance line: a table that is not Fashion-MNIST trains the MLP with two Spark workers, from Parquet
     * and from CSV, to the test accuracy a single-JVM fit of the same network on the same training rows reaches
     * (the same epochs, each in the same seeded order), within one point.
     */
    @Test
    void blobsTrainFromParquetAndCsvToTheSingleJvmAccuracy() {
        List<Double> accuracies = new ArrayList<>();
        for (String[] source : new String[][] {{"blobs.parquet", "parquet"}, {"blobs.csv", "csv"}}) {
            JobConfig job = job(uri(source[0]), "data.format=" + source[1], "model.hidden-layers=[32]",
                    "training.epochs=6", "training.batch-size=32", "training.learning-rate=0.003",
                    "training.workers=2", "training.threads-per-worker=1", "training.averaging-frequency=5",
                    "data.validation-fraction=0.1", "data.test-fraction=0.25");
            try (TrainingSession session = TrainingSession.open(job, sc)) {
                assertEquals(List.of(), InputsTest.parallelized(session.data().train().rdd()));
                assertTrue(session.data().testRows() > 1800, "test rows " + session.data().testRows());
                Model initial = NetworkFactory.build(job.model(), job.training(), job.seed(), session.shape());
                double spark;
                try (TrainingStrategy strategy = session.strategy(Networks.copy(initial), 0)) {
                    spark = (Double) session.test(new EpochLoop(session).run(strategy).network()).get("accuracy");
                }
                LocalSession local = new LocalSession(job, session.task(), session.data().train().collect(), List.of(), 1);
                TrainingStrategy single = local.strategy(Networks.copy(initial), 0);
                for (int epoch = 1; epoch <= job.training().epochs(); epoch++) {
                    single.fitEpoch(epoch);
                }
                double jvm = (Double) session.test(single.network()).get("accuracy");
                System.out.printf("%s: spark %.4f, single JVM %.4f%n", source[1], spark, jvm);
                assertTrue(jvm > 0.8, source[1] + ": the single JVM should learn the blobs: " + jvm);
                assertEquals(jvm, spark, 0.01, source[1] + ": two Spark workers against one JVM");
                accuracies.add(spark);
            }
        }
        assertEquals(accuracies.get(0), accuracies.get(1), 0.01, "Parquet and CSV hold the same rows");
    }

    /** One Vector column, one array column and the x* columns are the same inputs; data.id names the rows. */
    @Test
    void vectorArrayAndPatternColumnsGiveTheSameRows() {
        List<List<Row>> read = new ArrayList<>();
        for (String features : List.of("[\"x*\"]", "[features]", "[values]")) {
            JobConfig job = job(uri("vectors.parquet"), "data.features=" + features, "data.id=id",
                    "data.normalize=none");
            try (Data data = Inputs.read(job, sc).requireTrainable()) {
                InputsTest.parallelized(data.train().rdd()).forEach(p -> {
                    throw new AssertionError("parallelized on the driver: " + p);
                });
                List<Row> rows = new ArrayList<>(data.train().collect());
                rows.sort(Comparator.comparingLong(r -> r.id));
                read.add(rows);
                assertEquals(DIMS, data.task(job).shape().flatSize());
            }
        }
        assertTrue(read.get(0).size() > 400, "rows " + read.get(0).size());
        for (List<Row> other : read.subList(1, 3)) {
            assertEquals(read.get(0).size(), other.size());
            for (int i = 0; i < other.size(); i++) {
                assertEquals(read.get(0).get(i).id, other.get(i).id);
                assertArrayEquals(read.get(0).get(i).x, other.get(i).x);
                assertArrayEquals(read.get(0).get(i).y, other.get(i).y);
            }
        }
    }

    /**
     * The same table in one file or seven: the same validation and test rows (with or without data.id), the same
     * class index and statistics; labels.json and preprocessing.json say so.
     */
    @Test
    void splitsClassesAndStatisticsDoNotDependOnPartitioning() {
        for (String id : List.of("", "x3")) {
            List<Set<Long>> validation = new ArrayList<>();
            List<Set<Long>> test = new ArrayList<>();
            List<Map<String, String>> beside = new ArrayList<>();
            for (String table : List.of("blobs.parquet", "blobs-7.parquet")) {
                JobConfig job = job(uri(table), "data.id=\"" + id + "\"", "data.validation-fraction=0.2");
                try (Data data = Inputs.read(job, sc).requireTrainable()) {
                    validation.add(new HashSet<>(data.validation().map(new Row.Id()).collect()));
                    test.add(new HashSet<>(data.test().map(new Row.Id()).collect()));
                    beside.add(data.task(job).besideModel());
                }
            }
            assertEquals(validation.get(0), validation.get(1), "data.id = " + id);
            assertEquals(test.get(0), test.get(1), "data.id = " + id);
            assertEquals(beside.get(0), beside.get(1), "labels.json and preprocessing.json, data.id = " + id);
            assertEquals(1600, validation.get(0).size(), 120, "about 20% of 8000");
            assertEquals(Set.of(ClassificationTask.LABELS_FILE, Preprocessing.FILE), beside.get(0).keySet());
            assertEquals("{\"labels\":[\"alpha\",\"bravo\",\"charlie\",\"delta\",\"echo\"]}",
                    beside.get(0).get(ClassificationTask.LABELS_FILE).replaceAll("\\s", ""));
        }
    }

    /** standard and minmax statistics are the training rows' own (and only theirs), applied in every batch. */
    @Test
    void statisticsAreTheTrainingRowsOwn() {
        for (String method : List.of("standard", "minmax")) {
            JobConfig job = job(uri("blobs-7.parquet"), "data.normalize=" + method);
            try (Data data = Inputs.read(job, sc).requireTrainable()) {
                ClassificationTask task = (ClassificationTask) data.task(job);
                List<Row> train = data.train().collect();
                Preprocessing p = task.preprocessing();
                for (int j = 0; j < DIMS; j++) {
                    final int column = j;
                    double[] values = train.stream().mapToDouble(r -> r.x[column]).toArray();
                    double mean = Arrays.stream(values).average().orElseThrow();
                    double std = Math.sqrt(Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum()
                            / (values.length - 1));
                    double min = Arrays.stream(values).min().orElseThrow();
                    double max = Arrays.stream(values).max().orElseThrow();
                    double offset = method.equals("standard") ? mean : min;
                    double scale = method.equals("standard") ? 1 / std : 1 / (max - min);
                    assertEquals(offset, p.offset()[j], Math.abs(offset) * 1e-5 + 1e-6, method + " offset " + j);
                    assertEquals(scale, p.scale()[j], scale * 1e-5, method + " scale " + j);
                }
                float[] normalised = task.batch(train.subList(0, 1), false).getFeatures().toFloatVector();
                assertArrayEquals(p.apply(train.get(0).x), normalised);
            }
        }
        JobConfig none = job(uri("blobs.parquet"), "data.normalize=none");
        try (Data data = Inputs.read(none, sc).requireTrainable()) {
            assertEquals(null, ((ClassificationTask) data.task(none)).preprocessing());
            assertEquals(Set.of(ClassificationTask.LABELS_FILE), data.task(none).besideModel().keySet());
        }
    }

    /** A regression's targets are standardised by the training rows; data.test-path is the test set whole. */
    @Test
    void aRegressionStandardisesItsTargetsAndTakesASeparateTestTable() {
        var table = Tables.sinePlusSquare(spark, 3000, 0.1, 5);
        table.limit(2500).write().parquet(tmp.resolve("train").toString());
        Tables.sinePlusSquare(spark, 500, 0.1, 6).write().parquet(tmp.resolve("test").toString());
        JobConfig job = job(tmp.resolve("train").toUri().toString(), "data.features=[x1, x2, x3]",
                "data.label=y", "data.task=regression", "data.test-path=\"" + tmp.resolve("test").toUri() + "\"");
        try (Data data = Inputs.read(job, sc).requireTrainable()) {
            assertEquals(500, data.testRows());
            assertEquals(2500, data.trainRows() + data.validationRows());
            RegressionTask task = (RegressionTask) data.task(job);
            double[] y = data.train().collect().stream().mapToDouble(r -> r.y[0]).toArray();
            double mean = Arrays.stream(y).average().orElseThrow();
            assertEquals(mean, task.targets().offset()[0], 1e-5);
            assertEquals(Set.of(RegressionTask.TARGETS_FILE, Preprocessing.FILE), task.besideModel().keySet());
            var batch = task.batch(data.train().take(200), true);
            assertEquals(0.0, batch.getLabels().meanNumber().doubleValue(), 0.2, "standardised targets");
        }
    }

    /** Integer labels are classes sorted as numbers; a null label names its file. */
    @Test
    void integerLabelsSortAsNumbersAndANullLabelNamesItsFile() {
        StructType schema = new StructType().add("a", DataTypes.DoubleType).add("grade", DataTypes.IntegerType);
        List<org.apache.spark.sql.Row> rows = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            rows.add(RowFactory.create((double) i, List.of(10, 2, 1).get(i % 3)));
        }
        spark.createDataFrame(rows, schema).write().parquet(tmp.resolve("grades").toString());
        JobConfig job = job(tmp.resolve("grades").toUri().toString(), "data.features=[a]", "data.label=grade",
                "data.test-fraction=0.3");
        try (Data data = Inputs.read(job, sc).requireTrainable()) {
            assertEquals(List.of("1", "2", "10"), ((ClassificationTask) data.task(job)).classes());
        }
        rows.set(7, RowFactory.create(7.0, null));
        spark.createDataFrame(rows, schema).coalesce(1).write().mode(SaveMode.Overwrite)
                .parquet(tmp.resolve("grades").toString());
        assertBadData(() -> Inputs.read(job, sc).requireTrainable(), "column grade: null (a row without a label)");
        assertBadData(() -> Inputs.read(job, sc).requireTrainable(), ".parquet: column grade");
    }

    /** Vectors of different lengths, NaN and null features: the executor's error names the file and the column. */
    @Test
    void badValuesAreBadDataNamingTheFileAndTheColumn() throws IOException {
        StructType schema = new StructType().add("v", SQLDataTypes.VectorType()).add("label", DataTypes.StringType);
        List<org.apache.spark.sql.Row> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            rows.add(RowFactory.create(Vectors.dense(i, 1, 2), i % 2 == 0 ? "a" : "b"));
        }
        rows.set(13, RowFactory.create(Vectors.dense(1, 2), "b"));
        spark.createDataFrame(rows, schema).coalesce(1).write().parquet(tmp.resolve("v").toString());
        String file = partFile(tmp.resolve("v"));
        assertBadData(() -> Inputs.read(job(tmp.resolve("v").toUri().toString(), "data.features=[v]"), sc)
                .requireTrainable(), file + ": column v: 2 values, but the first row read has 3");

        StructType numbers = new StructType().add("x1", DataTypes.DoubleType).add("x2", DataTypes.DoubleType)
                .add("label", DataTypes.StringType);
        for (Double bad : Arrays.asList(Double.NaN, null)) {
            List<org.apache.spark.sql.Row> values = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                values.add(RowFactory.create(1.0 * i, i == 9 ? bad : (Double) 2.0, i % 2 == 0 ? "a" : "b"));
            }
            Path dir = tmp.resolve("n" + values.hashCode());
            spark.createDataFrame(values, numbers).coalesce(1).write().parquet(dir.toString());
            assertBadData(() -> Inputs.read(job(dir.toUri().toString()), sc).requireTrainable(), partFile(dir)
                    + ": column x2: " + (bad == null ? "null (a missing value)" : "NaN is not a finite number")
                    + " (data.features)");
        }
    }

    /**
     * The bad-input corpus's one Parquet file (BadInputTest, case table-vectors-unequal): 12 rows of a Vector
     * column {@code features} and a {@code species}, the sixth vector one value short. Python cannot write Parquet
     * here, so make-corpus.py keeps the file; {@code -Dbad-input.write=true} rewrites it, else this checks it.
     */
    @Test
    void theCorpusParquetFileHoldsVectorsOfUnequalLength() throws IOException {
        StructType schema = new StructType().add("features", SQLDataTypes.VectorType()).add("species", DataTypes.StringType);
        List<org.apache.spark.sql.Row> rows = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            double[] v = i == 5 ? new double[] {0.5, 1.5, 2.5} : new double[] {i, i + 0.5, i + 1, i + 1.5};
            rows.add(RowFactory.create(Vectors.dense(v), i % 2 == 0 ? "a" : "b"));
        }
        Path committed = Path.of("src/test/resources/bad-input/table-vectors-unequal/files/table.parquet");
        if (Boolean.getBoolean("bad-input.write")) {
            spark.createDataFrame(rows, schema).coalesce(1).write().parquet(tmp.resolve("corpus").toString());
            Files.createDirectories(committed.getParent());
            Files.copy(tmp.resolve("corpus").resolve(partFile(tmp.resolve("corpus"))), committed,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        assertTrue(Files.size(committed) < 20_000, "a small file: " + Files.size(committed));
        assertEquals(rows, spark.read().parquet(committed.toString()).collectAsList());
    }

    private static String partFile(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            Path part = files.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst().orElseThrow();
            assertNotEquals(null, part);
            return part.getFileName().toString();
        }
    }
}
