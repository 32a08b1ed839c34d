package sparktrain.driver.data;

import org.apache.spark.rdd.ParallelCollectionRDD;
import org.apache.spark.rdd.RDD;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.testing.SparkTestBase;
import sparktrain.testing.TestData;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;
import sparktrain.worker.data.DataFile;
import sparktrain.worker.data.Row;
import sparktrain.worker.tasks.CharTextTask;
import sparktrain.worker.tasks.TimeSeriesTask;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every data type read by the executors: rows, splits, checks, and no data shipped from the driver. */
class InputsTest extends SparkTestBase {
    @TempDir
    Path tmp;

    private static JobConfig job(String... sets) {
        return JobFiles.parse("", "test", List.of(sets));
    }

    /** The RDDs a job's rows come from: none may be a collection parallelized on the driver. */
    static List<String> parallelized(RDD<?> rdd) {
        List<String> found = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        List<RDD<?>> todo = new ArrayList<>(List.of(rdd));
        while (!todo.isEmpty()) {
            RDD<?> r = todo.remove(todo.size() - 1);
            if (!seen.add(r.id())) {
                continue;
            }
            if (r instanceof ParallelCollectionRDD<?>) {
                found.add(r.toString());
            }
            scala.collection.Iterator<org.apache.spark.Dependency<?>> deps = r.dependencies().iterator();
            while (deps.hasNext()) {
                todo.add(deps.next().rdd());
            }
        }
        return found;
    }

    private static void assertReadByExecutors(Data data) {
        for (RDD<?> rdd : List.of(data.train().rdd(), data.validation().rdd(), data.test().rdd())) {
            assertEquals(List.of(), parallelized(rdd), "rows must come from the executors' reads: " + rdd.toDebugString());
        }
    }

    @Test
    void fashionMnistIsReadByTheExecutorsAndSplitByRowId() {
        JobConfig job = TestData.job("data.train-limit=1000", "data.test-limit=500", "data.validation-fraction=0.1",
                "seed=7");
        try (Data data = Inputs.read(job, sc).requireTrainable()) {
            assertReadByExecutors(data);
            assertEquals(1000, data.trainRows() + data.validationRows());
            assertTrue(data.validationRows() > 60 && data.validationRows() < 140, "about 10%: " + data.validationRows());
            assertEquals(500, data.testRows());
            Set<Long> validationIds = new HashSet<>(data.validation().map(new Row.Id()).collect());
            Set<Long> trainIds = new HashSet<>(data.train().map(new Row.Id()).collect());
            assertTrue(trainIds.stream().noneMatch(validationIds::contains), "a row is in one split only");
            List<Float> pixels = toList(data.train().first().x);
            assertTrue(pixels.stream().allMatch(v -> v >= 0 && v <= 1) && pixels.stream().anyMatch(v -> v > 0.5),
                    "pixels scaled to [0, 1]");
            // the split depends on the ids alone: the same with another partitioning
            try (Data again = Inputs.read(job, sc)) {
                assertEquals(validationIds, new HashSet<>(again.validation().repartition(5).map(new Row.Id()).collect()));
            }
            @SuppressWarnings("unchecked")
            List<DataFile> files = (List<DataFile>) data.provenance().get("files");
            assertEquals(4, files.size(), files.toString());
            assertTrue(files.stream().allMatch(f -> f.sha256().length() == 64 && f.bytes() > 0), files.toString());
        }
    }

    @Test
    void countsThatDisagreeAreBadDataFromTheExecutor() throws IOException {
        TestData.smallDataSet(tmp.resolve("d"), 20, 10);
        Files.write(tmp.resolve("d/train-labels-idx1-ubyte"), TestData.labels(19, 10));
        JobConfig job = job("data.path=\"" + tmp.resolve("d").toUri() + "\"");
        assertBadData(() -> Inputs.read(job, sc).requireTrainable(), "holds 20 images but");
    }

    @Test
    void aMissingFileSaysWhatToInstall() {
        JobConfig job = job("data.path=\"" + tmp.toUri() + "\"");
        assertBadData(() -> Inputs.read(job, sc), "no train-images-idx3-ubyte.gz or train-images-idx3-ubyte (data.path);"
                + " install the data set with: apt-get install dataset-fashion-mnist");
    }

    @Test
    void csvFilesAreOneSequenceEach() throws IOException {
        for (int i = 0; i < 20; i++) {
            Files.createDirectories(tmp.resolve("seq"));
            Files.writeString(tmp.resolve("seq/s" + (10 + i) + ".csv"), i + "," + (i * 10) + "\n" + (i + 1) + ","
                    + (i * 10 + 10) + "\n" + (i + 2) + "," + (i * 10 + 20) + "\n");
        }
        JobConfig job = job("data.type=csv-sequences", "data.path=\"" + tmp.resolve("seq").toUri() + "\"",
                "model.type=timeseries-lstm", "data.validation-fraction=0.2", "data.test-fraction=0.2");
        try (Data data = Inputs.read(job, sc).requireTrainable()) {
            assertReadByExecutors(data);
            assertEquals(20, data.trainRows() + data.validationRows() + data.testRows());
            TimeSeriesTask task = (TimeSeriesTask) data.task(job);
            assertEquals(2, task.steps());
            assertEquals(2, task.columns());
            Row first = data.train().union(data.validation()).union(data.test()).filter(r -> r.id == 3).first();
            assertEquals(List.of(3f, 30f, 4f, 40f, 5f, 50f), toList(first.x));
        }
    }

    @Test
    void csvSequenceFilesOfDifferentLengthsAreRejected() throws IOException {
        Files.createDirectories(tmp.resolve("seq"));
        Files.writeString(tmp.resolve("seq/a.csv"), "1\n2\n3\n");
        Files.writeString(tmp.resolve("seq/b.csv"), "1\n2\n");
        JobConfig job = job("data.type=csv-sequences", "data.path=\"" + tmp.resolve("seq").toUri() + "\"",
                "model.type=timeseries-lstm");
        assertBadData(() -> Inputs.read(job, sc), "b.csv: 2 rows, but");
    }

    @Test
    void aRaggedCsvFileIsBadDataNamingFileAndLine() throws IOException {
        Files.writeString(tmp.resolve("ragged.csv"), "1,2\n3,4\n5\n6,7\n");
        JobConfig job = job("data.type=csv-sequences", "data.csv-layout=series", "data.sequence-length=2",
                "data.path=\"" + tmp.resolve("ragged.csv").toUri() + "\"", "model.type=timeseries-lstm");
        assertBadData(() -> Inputs.read(job, sc).requireTrainable(), "ragged.csv: line 3: ragged row: 1 values, expected 2");
    }

    @Test
    void theFortunesCorpusSkipsIndexesAndDuplicates() {
        JobConfig job = job("data.type=text", "data.path=\"" + TestData.fortunes() + "\"", "model.type=char-lstm");
        try (Data data = Inputs.read(job, sc).requireTrainable()) {
            assertReadByExecutors(data);
            Map<String, Object> p = data.provenance();
            @SuppressWarnings("unchecked")
            List<DataFile> files = (List<DataFile>) p.get("files");
            List<String> names = files.stream().map(DataFile::path).toList();
            assertTrue(names.stream().anyMatch(n -> n.endsWith("/computers")), names.toString());
            assertTrue(names.stream().noneMatch(n -> n.endsWith(".dat") || n.endsWith(".u8")), names.toString());
            long bytes = files.stream().mapToLong(DataFile::bytes).sum();
            assertTrue(bytes > 1_000_000 && bytes < 3_000_000, "the fortunes text without duplicates: " + bytes + " bytes");
            CharTextTask task = (CharTextTask) data.task(job);
            assertTrue(task.vocabulary().size() < 300);
            assertEquals(101, data.train().first().x.length);
        }
    }

    @Test
    void aBinaryCorpusIsBadDataNamingTheFile() throws IOException {
        Path binary = tmp.resolve("binary.txt");
        Files.write(binary, new byte[] {'a', '\n', 'b', 0, 'c'});
        JobConfig job = job("data.type=text", "data.path=\"" + binary.toUri() + "\"", "model.type=char-lstm");
        assertBadData(() -> Inputs.read(job, sc), "binary.txt: line 2: NUL byte at byte 3");
    }

    /** Generated data: the series are made on the executors from their index; only range slices cross the wire. */
    @Test
    void sineSeriesAreGeneratedWhereTheyLieAndSeeded() {
        JobConfig job = job("data.type=sine", "data.sine.series=50", "data.sequence-length=10", "model.type=timeseries-lstm");
        try (Data a = Inputs.read(job, sc).requireTrainable(); Data b = Inputs.read(job, sc)) {
            List<Row> first = a.train().collect();
            List<Row> second = b.train().collect();
            assertEquals(first.size(), second.size());
            for (int i = 0; i < first.size(); i++) {
                assertEquals(toList(first.get(i).x), toList(second.get(i).x));
            }
            assertTrue(first.stream().allMatch(r -> r.x.length == 11));
        }
    }

    private static List<Float> toList(float[] x) {
        List<Float> out = new ArrayList<>();
        for (float v : x) {
            out.add(v);
        }
        return out;
    }

    static void assertBadData(org.junit.jupiter.api.function.Executable read, String expected) {
        Throwable thrown = assertThrows(Throwable.class, read);
        SparktrainException e = null;
        for (Throwable t = thrown; t != null && e == null; t = t.getCause()) {
            if (t instanceof SparktrainException s) {
                e = s;
            }
        }
        assertFalse(e == null, "expected a SparktrainException among the causes of " + thrown);
        assertEquals(ExitCode.BAD_DATA, e.exitCode(), e.getMessage());
        String message = e.getMessage();
        assertTrue(message.contains(expected), () -> "expected '" + expected + "' in: " + message);
    }
}
