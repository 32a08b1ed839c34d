package sparktrain.jobs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.worker.data.Vocabulary;
import sparktrain.testing.Cli;
import sparktrain.testing.JobFile;
import sparktrain.testing.TestData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparktrain.testing.Cli.sparktrain;

/** train, generate and predict for the two LSTM models, and the text reader's bad inputs, through the CLI. */
class LstmCliTest {
    @TempDir
    Path tmp;

    private Path jobFile(String... lines) throws IOException {
        return JobFile.write(tmp.resolve("job-" + List.of(lines).hashCode() + ".conf"), List.of(
                "name = lstm-cli-test",
                "training { epochs = 1, batch-size = 16, averaging-frequency = 4, loss-sample = 100 }"), lines);
    }

    private Path textJob(Path corpus) throws IOException {
        return jobFile("data { type = text, path = \"" + corpus.toUri() + "\", sequence-length = 40 }",
                "model { type = char-lstm, hidden-layers = [32], embedding-size = 8 }",
                "training.tbptt-length = 20");
    }

    private static void assertError(Cli.Run run, int code, String expected) {
        assertEquals(code, run.code(), run.err());
        assertTrue(run.err().startsWith("sparktrain: error: "), run.err());
        assertTrue(run.err().contains(expected), () -> "expected '" + expected + "' in: " + run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace without --verbose: " + run.err());
    }

    @Test
    void theVocabularyTravelsWithTheModelAndGenerateSamplesFromIt() throws IOException {
        Path corpus = tmp.resolve("corpus.txt");
        String text = TestData.sentences(300, 3);
        Files.writeString(corpus, text);
        Path out = tmp.resolve("run");
        Cli.Run train = sparktrain("train", textJob(corpus).toString(), "--output", out.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("bitsPerChar"), train.out());

        String model = out.resolve("model.zip").toString();
        assertEquals(Vocabulary.of(text), Vocabulary.besideModel(model));
        Cli.Run generate = sparktrain("generate", "--model", model, "--length", "60", "--prime", "the ", "--seed", "1");
        assertEquals(0, generate.code(), generate.err());
        String sample = generate.out().strip();
        assertTrue(sample.startsWith("the ") && sample.length() > 40, sample);
        assertTrue(sample.chars().allMatch(c -> text.indexOf(c) >= 0), "only characters of the corpus: " + sample);
        assertEquals(generate.out(), sparktrain("generate", "--model", model, "--length", "60", "--prime", "the ",
                "--seed", "1").out(), "the same seed samples the same text");

        assertError(sparktrain("generate", "--model", model, "--prime", "XYZ"), 2, "vocabulary lacks 'X', 'Y', 'Z'");
        Files.delete(out.resolve(Vocabulary.FILE));
        assertError(sparktrain("generate", "--model", model), 2, "no vocabulary.json beside it");
    }

    @Test
    void badTextCorporaExitWithCode3NamingThePath() throws IOException {
        Path empty = tmp.resolve("empty.txt");
        Files.writeString(empty, "");
        assertError(sparktrain("train", textJob(empty).toString(), "--output", tmp.resolve("a").toString()), 3,
                "empty.txt: empty corpus");
        Path emptyDir = Files.createDirectories(tmp.resolve("nothing"));
        assertError(sparktrain("train", textJob(emptyDir).toString(), "--output", tmp.resolve("b").toString()), 3,
                "nothing/: empty corpus: no text files");
        Path binary = tmp.resolve("binary.bin");
        Files.write(binary, new byte[] {'x', 0, 1, 2});
        assertError(sparktrain("train", textJob(binary).toString(), "--output", tmp.resolve("c").toString()), 3,
                "binary.bin: line 1: NUL byte at byte 1");
        Path shortText = tmp.resolve("short.txt");
        Files.writeString(shortText, "too short for a sequence of 40");
        assertError(sparktrain("train", textJob(shortText).toString(), "--output", tmp.resolve("d").toString()), 3,
                "short.txt: the corpus has 30 characters, fewer than one sequence needs (data.sequence-length + 1 = 41)");
        assertError(sparktrain("train", textJob(tmp.resolve("missing")).toString(), "--output",
                tmp.resolve("e").toString()), 3, "missing: not found");
    }

    @Test
    void timeSeriesTrainsAndPredictWritesForecastsWithActuals() throws IOException {
        Path job = jobFile("data { type = sine, sequence-length = 20, sine.series = 200, test-fraction = 0.1 }",
                "model { type = timeseries-lstm, hidden-layers = [16], loss = mae }");
        Path out = tmp.resolve("run");
        Cli.Run train = sparktrain("train", job.toString(), "--output", out.toString());
        assertEquals(0, train.code(), train.err());
        assertTrue(train.out().contains("naiveRmse"), train.out());

        Cli.Run predict = sparktrain("predict", "--model", out.resolve("model.zip").toString(), job.toString());
        assertEquals(0, predict.code(), predict.err());
        List<String> csv = Files.readAllLines(out.resolve("forecasts.csv"));
        assertEquals("sequence,column,actual,forecast,naive", csv.get(0));
        Map<?, ?> metrics = new com.fasterxml.jackson.databind.ObjectMapper().readValue(
                out.resolve("metrics.json").toFile(), Map.class);
        int sequences = ((Number) ((Map<?, ?>) metrics.get("test")).get("sequences")).intValue();
        assertTrue(sequences > 10 && sequences < 30, "about a tenth of 200 series: " + sequences);
        assertEquals(1 + sequences, csv.size(), "one row per test sequence: " + csv);
        assertEquals(5, csv.get(1).split(",").length);
    }

    @Test
    void lossesAreCheckedPerModelType() throws IOException {
        assertError(sparktrain("train", jobFile("data.type = sine",
                        "model { type = timeseries-lstm, hidden-layers = [8], loss = hinge }").toString()), 2,
                "model.loss = hinge: model.type timeseries-lstm takes mse or mae");
        assertError(sparktrain("train", jobFile("data.type = sine", "model.type = lenet5").toString()), 2,
                "model.type = lenet5: does not fit data.type sine");
    }
}
