package sparktrain.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.testing.Cli;
import sparktrain.testing.JobFile;
import sparktrain.testing.Tables;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code sparktrain train} on tables a user has: a classification from Parquet, a regression. */
class TableCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path tables;

    @TempDir
    Path tmp;

    /** The tables, written by a Spark session of the test's own, stopped before the CLI starts its own. */
    @BeforeAll
    static void writeTables(@TempDir Path dir) {
        tables = dir;
        SparkSession spark = SparkSession.builder().master("local[2]").appName("tables")
                .config("spark.ui.enabled", false).config("spark.driver.host", "127.0.0.1").getOrCreate();
        try {
            Tables.blobs(spark, 4000, 4, 10, 1.0, 3).write().parquet(dir.resolve("blobs").toString());
            Tables.bars(spark, 1500, 16, 5).write().json(dir.resolve("bars").toString());
            Tables.sinePlusSquare(spark, 10000, 0.1, 7).repartition(3).write().parquet(dir.resolve("sine").toString());
        } finally {
            spark.stop();
        }
    }

    private Path train(String... lines) throws IOException {
        Path out = tmp.resolve("run");
        Path job = JobFile.write(tmp.resolve("job.conf"), List.of("name = table", "data.type = table",
                "training.checkpoint.every = 0"), lines);
        Cli.Run run = Cli.sparktrain("train", job.toString(), "--output", out.toString(), "--quiet");
        assertEquals(0, run.code(), run.err());
        return out;
    }

    @Test
    void aParquetTableTrainsWithItsLabelsAndStatisticsBesideTheModel() throws IOException {
        Path out = train("data.path = \"" + tables.resolve("blobs").toUri() + "\"", "data.features = [\"x*\"]",
                "data.label = label", "model { type = mlp, hidden-layers = [32] }",
                "training { epochs = 4, batch-size = 32, learning-rate = 0.003 }");
        JsonNode metrics = JSON.readTree(out.resolve("metrics.json").toFile());
        assertTrue(metrics.at("/test/accuracy").asDouble() > 0.85, metrics.toString());
        assertEquals("{\"labels\":[\"alpha\",\"charlie\",\"delta\",\"echo\"]}",
                JSON.readTree(out.resolve("labels.json").toFile()).toString(), "the 4 classes drawn, sorted");
        JsonNode preprocessing = JSON.readTree(out.resolve("preprocessing.json").toFile());
        assertEquals("standard", preprocessing.get("method").asText());
        assertEquals(10, preprocessing.get("offset").size());
        JsonNode data = JSON.readTree(out.resolve("run.json").toFile()).get("data");
        assertEquals("parquet", data.get("format").asText(), data.toString());
        assertEquals(10, data.get("inputs").asInt(), data.toString());
        assertTrue(data.get("files").size() >= 1, data.toString());

        // evaluate normalises with the model's preprocessing.json, not with statistics of the job it is given
        Cli.Run evaluate = Cli.sparktrain("evaluate", "--model", out.resolve("model.zip").toString(),
                tmp.resolve("job.conf").toString(), "--set", "data.normalize=minmax", "--output",
                tmp.resolve("evaluation.json").toString());
        assertEquals(0, evaluate.code(), evaluate.err());
        assertEquals(metrics.at("/test/accuracy").asDouble(),
                JSON.readTree(tmp.resolve("evaluation.json").toFile()).at("/test/accuracy").asDouble(), 1e-12);
    }

    /** With data.image.* a table's array column is an image, flattened channels first, and lenet5 trains on it. */
    @Test
    void anArrayColumnWithImageSizesTrainsLenet5() throws IOException {
        Path out = train("data.path = \"" + tables.resolve("bars").toUri() + "\"", "data.format = json",
                "data.features = [pixels]", "data.label = label", "data.image { height = 16, width = 16, channels = 1 }",
                "model { type = lenet5, conv-channels = [4, 8], dense-size = 16 }",
                "training { epochs = 2, batch-size = 16, learning-rate = 0.003 }");
        JsonNode metrics = JSON.readTree(out.resolve("metrics.json").toFile());
        assertTrue(metrics.at("/test/accuracy").asDouble() > 0.9, metrics.toString());
        assertTrue(Files.isRegularFile(out.resolve("labels.json")));
        assertTrue(!Files.exists(out.resolve("preprocessing.json")), "data.normalize = auto takes pixels as given");
    }

    /** The acceptance line: y = sin(x1) + x2² + noise learnt at least five times better than the mean. */
    @Test
    void aRegressionBeatsTheMeanPredictorFiveTimesOver() throws IOException {
        Path out = train("data.path = \"" + tables.resolve("sine").toUri() + "\"", "data.features = [x1, x2, x3]",
                "data.label = y", "data.task = regression", "data.test-fraction = 0.15",
                "model { type = mlp, hidden-layers = [64, 64] }",
                "training { epochs = 15, batch-size = 32, learning-rate = 0.003 }");
        JsonNode test = JSON.readTree(out.resolve("metrics.json").toFile()).get("test");
        double rmse = test.get("rmse").asDouble();
        double mean = test.get("meanRmse").asDouble();
        System.out.printf("regression: test rmse %.4f, mean predictor %.4f (%.1fx), r2 %.4f%n", rmse, mean,
                mean / rmse, test.get("r2").asDouble());
        assertTrue(mean > 1.2 && mean < 1.6, "the mean predictor's RMSE is y's deviation, about 1.39: " + test);
        assertTrue(rmse * 5 <= mean, "at least 5x better than the mean predictor: " + test);
        JsonNode targets = JSON.readTree(out.resolve("targets.json").toFile());
        assertEquals("[\"y\"]", targets.get("labels").toString());
        assertTrue(Files.isRegularFile(out.resolve("preprocessing.json")));
        assertTrue(Files.readString(out.resolve("history.csv")).lines().findFirst().orElse("").contains("rmse"));
    }
}
