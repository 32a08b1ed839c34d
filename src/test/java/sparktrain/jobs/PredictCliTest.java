package sparktrain.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.driver.SavedModel;
import sparktrain.testing.Cli;
import sparktrain.testing.JobFile;
import sparktrain.testing.Tables;
import sparktrain.worker.tasks.ClassificationTask;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code predict} and {@code evaluate} with {@code --input}: a table scored by the executors with a model train
 * wrote, in Parquet and CSV, against evaluate's metrics on the same rows; {@code evaluate --split} on the job's own
 * held-out rows against what train measured on them; and what they refuse.
 */
class PredictCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path dir;
    private static Path run;

    /** A blobs table in 3 files with an id column, another one unlabelled, and a model trained on the first. */
    @BeforeAll
    static void trainAModel(@TempDir Path tmp) throws IOException {
        dir = tmp;
        withSession(spark -> {
            Dataset<Row> blobs = Tables.blobs(spark, 3000, 4, 10, 1.0, 5).withColumn("id", functions.monotonically_increasing_id());
            blobs.repartition(3).write().parquet(tmp.resolve("blobs").toString());
            blobs.drop("label").limit(50).write().parquet(tmp.resolve("unlabelled").toString());
            blobs.drop("x3").limit(50).write().parquet(tmp.resolve("no-x3").toString());
            blobs.withColumn("x2", functions.when(functions.col("id").equalTo(7), Double.NaN).otherwise(functions.col("x2")))
                    .write().parquet(tmp.resolve("nan").toString());
            return null;
        });
        run = tmp.resolve("run");
        Path job = JobFile.write(tmp.resolve("job.conf"), List.of("name = predict", "data.type = table",
                "data.path = \"" + tmp.resolve("blobs").toUri() + "\"", "data.features = [\"x*\"]", "data.id = id",
                "model { type = mlp, hidden-layers = [32] }", "training { epochs = 3, batch-size = 32, learning-rate = 0.003 }",
                "training.checkpoint.every = 0"));
        Cli.Run train = Cli.sparktrain("train", job.toString(), "--output", run.toString(), "--quiet", "--skip-doctor");
        assertEquals(0, train.code(), train.err());
    }

    /** The test's own Spark session, stopped before the CLI starts its own. */
    private static <T> T withSession(Function<SparkSession, T> body) {
        SparkSession spark = SparkSession.builder().master("local[2]").appName("predict-test")
                .config("spark.ui.enabled", false).config("spark.driver.host", "127.0.0.1").getOrCreate();
        try {
            return body.apply(spark);
        } finally {
            spark.stop();
        }
    }

    @Test
    void predictionsAgreeWithTheLabelsAsOftenAsEvaluateSaysInInputOrderInParquetAndCsv(@TempDir Path tmp)
            throws IOException {
        String input = dir.resolve("blobs").toString();
        Cli.Run parquet = Cli.sparktrain("predict", "--model", run.toString(), "--input", input,
                "--output", tmp.resolve("parquet").toString());
        assertEquals(0, parquet.code(), parquet.err());
        assertTrue(parquet.out().contains("3000 predictions written to"), parquet.out());
        Cli.Run csv = Cli.sparktrain("predict", "--model", run.resolve("model.zip").toString(), "--input", input,
                "--output", tmp.resolve("csv").toString(), "--output-format", "csv");
        assertEquals(0, csv.code(), csv.err());
        Cli.Run evaluate = Cli.sparktrain("evaluate", "--model", run.toString(), "--input", input, "--format", "parquet",
                "--output", tmp.resolve("evaluation.json").toString());
        assertEquals(0, evaluate.code(), evaluate.err());
        JsonNode test = JSON.readTree(tmp.resolve("evaluation.json").toFile()).get("test");
        assertEquals(3000, test.get("examples").asInt(), "every row, nothing split off: " + test);
        double accuracy = test.get("accuracy").asDouble();
        assertTrue(accuracy > 0.85, "4 well separated blobs: " + accuracy);

        withSession(spark -> {
            Dataset<Row> p = spark.read().parquet(tmp.resolve("parquet").toString());
            assertEquals(List.of("x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "label", "id",
                    "prediction", "prediction_index", "probability"), List.of(p.columns()));
            List<Row> rows = p.collectAsList();
            assertEquals(3000, rows.size(), "as many rows written as predict said");
            long agree = rows.stream().filter(r -> r.getString(10).equals(r.getString(12))).count();
            assertEquals(accuracy, agree / 3000.0, 0.0, "the share of predictions equal to the label is evaluate's accuracy");
            for (Row r : rows) {
                List<Double> probability = r.getList(14);
                assertEquals(4, probability.size());
                assertEquals(1.0, probability.stream().mapToDouble(Double::doubleValue).sum(), 1e-5);
                assertEquals(probability.indexOf(probability.stream().max(Double::compare).orElseThrow()), r.getInt(13));
            }
            List<Long> inputOrder = spark.read().parquet(input).select("id").as(org.apache.spark.sql.Encoders.LONG())
                    .collectAsList();
            assertEquals(inputOrder, rows.stream().map(r -> r.getLong(11)).toList(), "the input's order, partition by partition");

            Dataset<Row> c = spark.read().option("header", true).option("inferSchema", true).csv(tmp.resolve("csv").toString());
            assertEquals(List.of("x1", "x2", "x3", "x4", "x5", "x6", "x7", "x8", "x9", "x10", "label", "id",
                    "prediction", "prediction_index", "confidence"), List.of(c.columns()));
            List<Row> csvRows = c.collectAsList();
            assertEquals(rows.stream().map(r -> r.getLong(11) + " " + r.getString(12)).toList(),
                    csvRows.stream().map(r -> r.get(11) + " " + r.getString(12)).toList(), "CSV holds the same predictions");
            for (int i = 0; i < rows.size(); i++) {
                List<Double> probability = rows.get(i).getList(14);
                assertEquals(probability.get(rows.get(i).getInt(13)), ((Number) csvRows.get(i).get(14)).doubleValue(), 1e-6);
            }
            return null;
        });
    }

    @Test
    void rowsWithoutTheLabelAreScoredButNotEvaluated(@TempDir Path tmp) {
        String input = dir.resolve("unlabelled").toString();
        Cli.Run predict = Cli.sparktrain("predict", "--model", run.toString(), "--input", input,
                "--output", tmp.resolve("p").toString(), "--output-format", "csv");
        assertEquals(0, predict.code(), predict.err());
        assertTrue(predict.out().contains("50 predictions"), predict.out());
        Cli.Run evaluate = Cli.sparktrain("evaluate", "--model", run.toString(), "--input", input);
        assertOneError(evaluate, 3, "data.label: no column label");
    }

    @Test
    void evaluateOnTheJobsValidationRowsGivesWhatTrainMeasuredThereAfterTheLastEpoch(@TempDir Path tmp) throws IOException {
        String job = dir.resolve("job.conf").toString();
        String model = run.resolve("model.zip").toString();
        Cli.Run validation = Cli.sparktrain("evaluate", job, "--model", model, "--split", "validation",
                "--output", tmp.resolve("validation.json").toString());
        assertEquals(0, validation.code(), validation.err());
        JsonNode measured = JSON.readTree(tmp.resolve("validation.json").toFile()).get("validation");
        List<String> history = Files.readAllLines(run.resolve("history.csv"));
        int column = List.of(history.get(0).split(",")).indexOf("validation_accuracy");
        double trained = Double.parseDouble(history.get(history.size() - 1).split(",")[column]);
        // history.csv rounds to 6 decimals; a few hundred rows of 3,000 (the default 10%), none of the test rows
        assertEquals(trained, measured.get("accuracy").asDouble(), 1e-6, measured.toString());
        int rows = measured.get("examples").asInt();
        assertTrue(rows > 200 && rows < 400, "about 300 validation rows: " + rows);

        Cli.Run test = Cli.sparktrain("evaluate", job, "--model", model, "--output", tmp.resolve("test.json").toString());
        assertEquals(0, test.code(), test.err());
        JsonNode tested = JSON.readTree(tmp.resolve("test.json").toFile()).get("test");
        assertEquals(JSON.readTree(run.resolve("metrics.json").toFile()).at("/test/accuracy").asDouble(),
                tested.get("accuracy").asDouble(), 1e-9);
        int trainingRows = Integer.parseInt(history.get(1).split(",")[List.of(history.get(0).split(",")).indexOf("samples")]);
        assertEquals(3000, trainingRows + rows + tested.get("examples").asInt(), "three disjoint splits of the 3,000 rows");

        assertOneError(Cli.sparktrain("evaluate", job, "--model", model, "--split", "train"), 2,
                "--split train: must be test or validation");
        assertOneError(Cli.sparktrain("evaluate", job, "--model", model, "--split", "validation",
                "--set", "data.validation-fraction=0"), 2, "--split validation: the job holds out no validation rows");
        assertOneError(Cli.sparktrain("evaluate", "--model", run.toString(), "--input", dir.resolve("blobs").toString(),
                "--split", "validation"), 2, "--split validation: not with --input");
        assertFalse(Files.exists(run.resolve("evaluation-validation.json")), "the refused runs wrote nothing");
        // without --output: beside the model, not over evaluation.json
        byte[] testFile = Files.exists(run.resolve("evaluation.json")) ? Files.readAllBytes(run.resolve("evaluation.json")) : null;
        assertEquals(0, Cli.sparktrain("evaluate", job, "--model", model, "--split", "validation").code());
        assertEquals(measured, JSON.readTree(run.resolve("evaluation-validation.json").toFile()).get("validation"));
        assertEquals(testFile == null, !Files.exists(run.resolve("evaluation.json")), "evaluation.json untouched");
        if (testFile != null) {
            assertEquals(new String(testFile), Files.readString(run.resolve("evaluation.json")), "evaluation.json untouched");
        }
    }

    @Test
    void badInputIsOneLineAndLeavesNoOutput(@TempDir Path tmp) throws IOException {
        Path out = tmp.resolve("out");
        assertOneError(Cli.sparktrain("predict", "--model", run.toString(), "--input", dir.resolve("no-x3").toString(),
                "--output", out.toString()), 2, "takes 10 inputs but the data at " + dir.resolve("no-x3")
                + " has 9 values per example");
        assertOneError(Cli.sparktrain("predict", "--model", run.toString(), "--input", dir.resolve("no-x3").toString(),
                "--output", out.toString(), "--set", "data.features=[x1, x2, x3, x4, x5, x6, x7, x8, x9, x10]"), 3,
                "data.features: no column x3");
        assertOneError(Cli.sparktrain("predict", "--model", run.toString(), "--input", dir.resolve("nan").toString(),
                "--output", out.toString()), 3, "column x2: NaN is not a finite number");
        assertOneError(Cli.sparktrain("predict", "--model", run.toString(), "--input", dir.resolve("nowhere").toString(),
                "--output", out.toString()), 3, "not found (--input)");
        Files.createDirectories(tmp.resolve("pictures"));
        assertOneError(Cli.sparktrain("predict", "--model", run.toString(), "--input", tmp.resolve("pictures").toString(),
                "--output", out.toString()), 3, "no parquet files (--input; --format names what it holds");
        Files.delete(tmp.resolve("pictures"));
        assertOneError(Cli.sparktrain("predict", "--model", run.toString(), "--input", dir.resolve("blobs").toString(),
                "--output", out.toString(), "--set", "data.features=[x1, x2, x3]"), 2,
                "takes 10 inputs but the data at " + dir.resolve("blobs") + " has 3 values per example");
        assertOneError(Cli.sparktrain("predict", "--model", run.toString(), "--input", dir.resolve("blobs").toString(),
                "--output", out.toString(), "--format", "avro"), 2, "--format avro: must be one of");
        assertFalse(Files.exists(out), "nothing under the output's name");
        try (Stream<Path> left = Files.list(tmp)) {
            assertEquals(List.of(), left.toList(), "no hidden temporary directory left either");
        }

        Files.createDirectories(out);
        Files.writeString(out.resolve("kept.txt"), "mine");
        assertOneError(Cli.sparktrain("predict", "--model", run.toString(), "--input", dir.resolve("blobs").toString(),
                "--output", out.toString()), 2, "already holds files");
        assertEquals("mine", Files.readString(out.resolve("kept.txt")));

        Path copy = tmp.resolve("model-without-labels");
        Files.createDirectories(copy);
        Files.copy(run.resolve("model.zip"), copy.resolve("model.zip"));
        Files.copy(run.resolve("job.conf"), copy.resolve("job.conf"));
        assertOneError(Cli.sparktrain("predict", "--model", copy.toString(), "--input", dir.resolve("blobs").toString(),
                "--output", tmp.resolve("o2").toString()), 2, "labels.json: not found");
    }

    @Test
    void aSavedModelReadsItsLabelsOnce(@TempDir Path tmp) throws IOException {
        for (String name : List.of("model.zip", "job.conf", "labels.json", "preprocessing.json")) {
            if (Files.exists(run.resolve(name))) {
                Files.copy(run.resolve(name), tmp.resolve(name));
            }
        }
        SavedModel saved = SavedModel.read(tmp.toString(), null, List.of(), dir.resolve("blobs").toString(), null);
        Files.delete(tmp.resolve("labels.json"));
        assertEquals(4, saved.classes().size(), saved.classes().toString());
        assertEquals(saved.classes(), ((ClassificationTask) saved.task(10)).classes(), "the task takes the classes read");
    }

    private static void assertOneError(Cli.Run run, int code, String expected) {
        assertEquals(code, run.code(), run.err());
        List<String> lines = run.err().lines().filter(l -> l.startsWith("sparktrain: error:")).toList();
        assertEquals(1, lines.size(), run.err());
        assertTrue(lines.get(0).contains(expected), lines.get(0));
    }
}
