package sparktrain.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.testing.Cli.Run;
import sparktrain.testing.JobFile;
import sparktrain.testing.TestData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparktrain.testing.Cli.sparktrain;

/** The CLI contract: exit codes, one-line errors, the run directory, and no clobbering. */
class CliTest {
    @TempDir
    Path tmp;

    private Path jobFile(String... lines) throws IOException {
        return JobFile.write(tmp.resolve("job.conf"), List.of(
                "name = cli-test",
                JobFile.fashionMnist(),
                "data.train-limit = 1200",
                "data.test-limit = 1000",
                "model { type = mlp, hidden-layers = [64] }",
                "training { epochs = 1, batch-size = 32, averaging-frequency = 5 }"), lines);
    }

    private static void assertOneLineError(Run run, int code, String expected) {
        assertEquals(code, run.code(), run.err());
        assertTrue(run.err().startsWith("sparktrain: error: "), run.err());
        assertTrue(run.err().contains(expected), () -> "expected '" + expected + "' in: " + run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace without --verbose: " + run.err());
    }

    @Test
    void noCommandIsBadUsage() {
        assertEquals(2, sparktrain().code());
    }

    @Test
    void everyCommandHasHelp() {
        Run run = sparktrain("train", "--help");
        assertEquals(0, run.code(), run.err());
        assertTrue(run.out().contains("--resume"), run.out());
        for (var command : new picocli.CommandLine(new Main()).getSubcommands().values()) {
            for (var option : command.getCommandSpec().options()) {
                assertFalse(String.join("", option.description()).isBlank(),
                        command.getCommandName() + " " + option.longestName() + " has no help");
            }
        }
    }

    @Test
    void unknownOptionIsAnErrorLineAndTheCommandsUsage() {
        Run run = sparktrain("train", "x.conf", "--bogus");
        assertOneLineError(run, 2, "Unknown option: '--bogus'");
        assertTrue(run.err().lines().skip(1).findFirst().orElse("").startsWith("Usage: sparktrain train"), run.err());
    }

    @Test
    void aMissingFileArgumentIsAnErrorLineAndTheCommandsUsage() {
        for (String command : List.of("train", "doctor", "sweep")) {
            Run run = sparktrain(command);
            assertOneLineError(run, 2, "missing the " + (command.equals("sweep") ? "sweep" : "job") + " file");
            assertTrue(run.err().lines().skip(1).findFirst().orElse("").startsWith("Usage: sparktrain " + command),
                    run.err());
        }
    }

    @Test
    void missingJobFile() {
        assertOneLineError(sparktrain("train", tmp.resolve("nope.conf").toString()), 2, "nope.conf: not found");
    }

    @Test
    void unknownKeyInSet() throws IOException {
        assertOneLineError(sparktrain("train", jobFile().toString(), "--set", "training.epoch=2"), 2,
                "--set: training.epoch: unknown key (did you mean training.epochs?)");
    }

    @Test
    void badValueInTheFile() throws IOException {
        assertOneLineError(sparktrain("train", jobFile("training.learning-rate = -1").toString()), 2,
                "training.learning-rate = -1.0: must be > 0");
    }

    @Test
    void corruptDataIsExit3AndNamesTheFile() throws IOException {
        Path data = TestData.smallDataSet(tmp.resolve("data"), 50, 20);
        Files.write(data.resolve("train-labels-idx1-ubyte"), TestData.idx(0x801, new int[] {50}, new byte[50 - 1]));
        Path out = tmp.resolve("run");
        Run run = sparktrain("train", jobFile().toString(), "--set", "data.path=" + data.toUri(), "--output", out.toString());
        assertOneLineError(run, 3, "train-labels-idx1-ubyte: truncated");
        assertFalse(Files.exists(out.resolve("model.zip")));
    }

    @Test
    void divergenceIsExit4AndWritesNoModel() throws IOException {
        Path out = tmp.resolve("run");
        Run run = sparktrain("train", jobFile().toString(), "--output", out.toString(),
                "--set", "training.updater=sgd", "--set", "training.learning-rate=1e12");
        assertOneLineError(run, 4, "training diverged in epoch 1: training loss is NaN; lower training.learning-rate");
        assertFalse(Files.exists(out.resolve("model.zip")));
    }

    @Test
    void verbosePrintsTheStackTrace() {
        Run run = sparktrain("train", tmp.resolve("nope.conf").toString(), "--verbose");
        assertEquals(2, run.code());
        assertTrue(run.err().contains("\tat "), run.err());
    }

    @Test
    void aRunNeverWritesIntoAnEarlierRun() throws IOException {
        Path earlier = Files.createDirectories(tmp.resolve("earlier"));
        Files.writeString(earlier.resolve("model.zip"), "an earlier model");
        Run run = sparktrain("train", jobFile().toString(), "--output", earlier.toString());
        assertOneLineError(run, 2, "already holds files: choose another --output (nothing was changed)");
        assertEquals("an earlier model", Files.readString(earlier.resolve("model.zip")));
        assertEquals(1, Files.list(earlier).count());
    }

    @Test
    void trainWritesTheRunDirectoryAndEvaluateReproducesItsMetrics() throws IOException {
        Path out = tmp.resolve("run");
        Run train = sparktrain("train", jobFile().toString(), "--output", out.toString());
        assertEquals(0, train.code(), train.err());
        for (String name : List.of("model.zip", "metrics.json", "history.csv", "run.json")) {
            assertTrue(Files.isRegularFile(out.resolve(name)), name);
        }
        ObjectMapper json = new ObjectMapper();
        JsonNode metrics = json.readTree(out.resolve("metrics.json").toFile());
        double accuracy = metrics.at("/test/accuracy").asDouble();
        assertTrue(accuracy > 0.6, "test accuracy " + accuracy);
        assertEquals(10, metrics.at("/test/confusionMatrix").size());
        assertEquals(1000, metrics.at("/test/examples").asInt());
        assertEquals(2, Files.readAllLines(out.resolve("history.csv")).size());
        JsonNode runJson = json.readTree(out.resolve("run.json").toFile());
        assertEquals("3.5.7", runJson.at("/versions/spark").asText());
        assertEquals("1.0.0-M2.1", runJson.at("/versions/nd4j").asText());
        assertEquals(4, runJson.at("/data/files").size());
        assertEquals(64, runJson.at("/data/files/0/sha256").asText().length());
        assertEquals("mlp", runJson.at("/config/model/type").asText());
        // training.workers = 0: Spark's default parallelism, local[2]'s 2 (bench communication reads this key)
        assertEquals(2, runJson.path("workers").asInt(-1), "run.json's workers: " + runJson);

        Path evaluation = tmp.resolve("evaluation.json");
        Run evaluate = sparktrain("evaluate", "--model", out.resolve("model.zip").toString(), jobFile().toString(),
                "--output", evaluation.toString());
        assertEquals(0, evaluate.code(), evaluate.err());
        double again = json.readTree(evaluation.toFile()).at("/test/accuracy").asDouble();
        assertEquals(accuracy, again, 1e-9);
        assertTrue(evaluate.out().contains("\"accuracy\""), evaluate.out());
    }

    @Test
    void evaluateRejectsAFileThatIsNotAModel() throws IOException {
        Path bogus = Files.writeString(tmp.resolve("model.zip"), "not a zip");
        assertOneLineError(sparktrain("evaluate", "--model", bogus.toString(), jobFile().toString()), 2,
                "model.zip: not a DL4J model file");
    }
}
