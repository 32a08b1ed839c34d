package sparktrain.driver.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.testing.Cli;
import sparktrain.testing.JobFile;
import sparktrain.testing.TestData;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the LSTM tasks add to report.html: a generated sample (char-lstm), forecasts against actual (timeseries-lstm). */
class TaskReportTest {
    @TempDir
    Path tmp;

    private Path train(String... lines) throws IOException {
        Path job = JobFile.write(tmp.resolve("job-" + List.of(lines).hashCode() + ".conf"), List.of(
                "name = task-report-test",
                "training { epochs = 1, batch-size = 16, averaging-frequency = 4, loss-sample = 100 }"), lines);
        Path run = tmp.resolve("run-" + List.of(lines).hashCode());
        Cli.Run train = Cli.sparktrain("train", job.toString(), "--output", run.toString());
        assertEquals(0, train.code(), train.err());
        return run;
    }

    @Test
    void charLstmReportShowsASampleOfTheCorpusCharacters() throws IOException {
        Path corpus = tmp.resolve("corpus.txt");
        String text = TestData.sentences(300, 3);
        Files.writeString(corpus, text);
        Path run = train("data { type = text, path = \"" + corpus.toUri() + "\", sequence-length = 40 }",
                "model { type = char-lstm, hidden-layers = [32], embedding-size = 8 }", "training.tbptt-length = 20");
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("<h2>Generated sample</h2>"), "the sample section");
        Matcher pre = Pattern.compile("<pre>([^<]*)</pre>").matcher(html);
        assertTrue(pre.find(), "the sample");
        String sample = pre.group(1).replace("&#39;", "'").replace("&amp;", "&");
        assertEquals(600, sample.length(), "600 characters: " + sample);
        assertTrue(sample.chars().allMatch(c -> text.indexOf(c) >= 0), "only characters of the corpus: " + sample);
        assertTrue(html.contains("bitsPerChar"), "the test metric");
        assertFalse(html.contains("report-confusion.png"), "no confusion matrix for text");
    }

    @Test
    void timeSeriesReportPlotsForecastsAgainstActual() throws IOException {
        Path run = train("data { type = sine, sequence-length = 30, sine.series = 300 }",
                "model { type = timeseries-lstm, hidden-layers = [16] }");
        String html = Files.readString(run.resolve("report.html"));
        assertTrue(html.contains("<h2>Forecasts on test sequences</h2>"), "the forecast section");
        BufferedImage png = ImageIO.read(run.resolve("report-forecasts.png").toFile());
        assertNotNull(png);
        assertEquals(760, png.getWidth());
        assertTrue(RunReportTest.distinctColours(png) > 20, "the forecast chart has content");
        assertTrue(html.contains("rmse"), "the test metric");
    }
}
