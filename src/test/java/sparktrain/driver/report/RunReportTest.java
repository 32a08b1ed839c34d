package sparktrain.driver.report;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.testing.Chromium;
import sparktrain.testing.Cli;
import sparktrain.testing.JobFile;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * report.html of a real training run (mlp on 1,200 Fashion-MNIST images, 2 epochs, DL4J stats on),
 * read as files and rendered by headless Chromium; the screenshot stays in target/report-test/.
 */
class RunReportTest {
    private static final Path ARTIFACTS = Path.of("target", "report-test");
    private static final Pattern IMG = Pattern.compile("<img src=\"([^\"]+)\"");

    @TempDir
    static Path tmp;
    static Path run;
    static String html;

    @BeforeAll
    static void train() throws IOException {
        Path job = JobFile.write(tmp.resolve("job.conf"),
                "name = report-test",
                JobFile.fashionMnist(),
                "data.train-limit = 1200",
                "data.test-limit = 500",
                "model { type = mlp, hidden-layers = [64] }",
                "training { epochs = 2, batch-size = 32, averaging-frequency = 5, collect-stats = true, loss-sample = 500 }",
                "log.progress-seconds = 1");
        run = tmp.resolve("run");
        Cli.Run train = Cli.sparktrain("train", job.toString(), "--output", run.toString());
        assertEquals(0, train.code(), train.err());
        html = Files.readString(run.resolve("report.html"));
    }

    @Test
    void theReportHasTheRunsFactsAndEveryChartAsAPng() throws IOException {
        for (String fact : List.of("report-test", "mlp", "averaging", "local[2]", "accuracy", "wall time")) {
            assertTrue(html.contains(fact), "report.html names " + fact);
        }
        Set<String> images = new HashSet<>();
        Matcher m = IMG.matcher(html);
        while (m.find()) {
            images.add(m.group(1));
        }
        assertEquals(Set.of("report-loss.png", "report-validation.png", "report-epoch-seconds.png",
                "report-throughput.png", "report-confusion.png", "report-phases.png"), images);
        for (String image : images) {
            BufferedImage png = ImageIO.read(run.resolve(image).toFile());
            assertNotNull(png, image + " is a PNG");
            assertTrue(distinctColours(png) > 20, image + " has content");
        }
        assertTrue(html.contains("ParameterAveragingWorkerFitTimesMs"), "DL4J's stats table");
        assertFalse(Files.list(run).anyMatch(p -> p.getFileName().toString().startsWith(".")), "no temporary files left");
    }

    @Test
    void chromiumRendersThePageWithAllItsImages() throws IOException, InterruptedException {
        Files.createDirectories(ARTIFACTS);
        // a copy of the page beside it, with a marker that says how many images loaded
        Path probe = run.resolve("report-probe.html");
        Files.writeString(probe, html.replace("</body>", "<script>window.addEventListener('load', () => {"
                + " const all = [...document.images];"
                + " const loaded = all.filter(i => i.complete && i.naturalWidth > 0).length;"
                + " document.body.setAttribute('data-images', loaded + '/' + all.length); });</script></body>"));
        String dom = Chromium.dumpDom(probe, tmp.resolve("chromium-profile"));
        Matcher marker = Pattern.compile("data-images=\"(\\d+)/(\\d+)\"").matcher(dom);
        assertTrue(marker.find(), "the probe script ran: " + dom.substring(0, Math.min(400, dom.length())));
        assertEquals("6", marker.group(2), "images on the page");
        assertEquals(marker.group(2), marker.group(1), "every image loaded");

        Path screenshot = ARTIFACTS.resolve("report.png");
        Chromium.screenshot(run.resolve("report.html"), screenshot, 1200, 3400, tmp.resolve("chromium-profile"));
        BufferedImage shot = ImageIO.read(screenshot.toFile());
        assertEquals(1200, shot.getWidth());
        assertTrue(distinctColours(shot) > 200, "the screenshot is not blank");
        Files.copy(run.resolve("report.html"), ARTIFACTS.resolve("report.html"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    /** At 1280 px: no horizontal scroll bar, and no table row taller than three lines. */
    @Test
    void theReportFitsA1280PixelWindow() throws IOException, InterruptedException {
        Chromium.Layout layout = Chromium.layout(run.resolve("report.html"), tmp.resolve("chromium-profile"), 1280, 900);
        assertTrue(layout.fitsWidth(), "the page is " + layout.scrollWidth() + " px wide in a window of "
                + layout.innerWidth() + " px (" + layout.clientWidth() + " beside the scroll bar)");
        assertTrue(layout.tallestRowLines() <= 3.05, "a row " + layout.tallestRowLines() + " lines tall: " + layout.tallestRow());
    }

    static int distinctColours(BufferedImage image) {
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 2) {
            for (int x = 0; x < image.getWidth(); x += 2) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
