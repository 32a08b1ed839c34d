package sparktrain.driver.report;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.worker.SparktrainException;
import sparktrain.driver.report.SweepReport;
import sparktrain.testing.Chromium;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The sweep report from a hand-written trials.csv and sweep.json (src/test/resources/sweep). */
class SweepReportTest {
    @TempDir
    Path tmp;

    private Path fixture() throws IOException {
        return fixture("sweep");
    }

    /**
     * @param name a folder of src/test/resources: "sweep" (hand-written, with a failed trial's long reason) or
     *             "sweep-mlp-random" (what {@code sweep conf/sweep-mlp-random.conf --set data.train-limit=3000} wrote)
     */
    private Path fixture(String name) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        for (String f : List.of("trials.csv", "sweep.json")) {
            Files.copy(Path.of("src/test/resources", name, f), dir.resolve(f));
        }
        return dir;
    }

    private static List<String> trialOrder(String html) {
        List<String> order = new ArrayList<>();
        Matcher m = Pattern.compile("<tr[^>]*><td class=\"num\">\\d*</td><td>(t\\d+)</td>").matcher(html);
        while (m.find()) {
            order.add(m.group(1));
        }
        return order;
    }

    @Test
    void leaderboardRanksBestFirstAndPlotsTheMetricAgainstEachKey() throws IOException {
        Path dir = fixture();
        SweepReport.write(dir.toString());
        String html = Files.readString(dir.resolve("report.html"));
        assertEquals(List.of("t003", "t007", "t002", "t006", "t001", "t005", "t004", "t008", "t009"), trialOrder(html),
                "best validation.accuracy first, trials without a metric last");
        assertTrue(html.contains("<tr class=\"best\"><td class=\"num\">1</td><td>t003</td>"), "the best trial is marked");
        assertTrue(html.contains("training diverged in epoch 1: training loss is NaN; lower training.learning-rate (now 1.0)"),
                "a quoted reason with commas and semicolons survives");
        assertTrue(html.contains("addEventListener('click'"), "the sort script");
        for (String image : List.of("report-sweep-1.png", "report-sweep-2.png")) {
            assertTrue(html.contains("<img src=\"" + image + "\""), image);
            BufferedImage png = ImageIO.read(dir.resolve(image).toFile());
            assertNotNull(png, image);
            assertTrue(RunReportTest.distinctColours(png) > 20, image + " has content");
        }
    }

    @Test
    void chromiumSortsTheLeaderboardOnAClick() throws IOException, InterruptedException {
        Path dir = fixture();
        SweepReport.write(dir.toString());
        String html = Files.readString(dir.resolve("report.html"));
        // click "training.learning-rate" twice (ascending, then descending) and record the first trial each time
        Path probe = dir.resolve("probe.html");
        Files.writeString(probe, html.replace("</body>", "<script>window.addEventListener('load', () => {"
                + " const th = [...document.querySelectorAll('th')].find(h => h.textContent === 'training.learning-rate');"
                + " const first = () => document.querySelector('table.sortable tbody tr').cells[1].textContent;"
                + " th.click(); const asc = first(); th.click(); const desc = first();"
                + " const all = [...document.images];"
                + " document.body.setAttribute('data-probe', asc + ',' + desc + ','"
                + " + all.filter(i => i.complete && i.naturalWidth > 0).length + '/' + all.length); });</script></body>"));
        String dom = Chromium.dumpDom(probe, tmp.resolve("profile"));
        Matcher m = Pattern.compile("data-probe=\"([^\"]*)\"").matcher(dom);
        assertTrue(m.find(), "the probe ran");
        String[] probeResult = m.group(1).split(",");
        assertTrue(List.of("t001", "t005").contains(probeResult[0]), "ascending learning rate starts at 0.0001: " + m.group(1));
        assertEquals("t008", probeResult[1], "descending learning rate starts at 1.0");
        assertEquals("2/2", probeResult[2], "both charts loaded");
        Path artifacts = Files.createDirectories(Path.of("target", "report-test"));
        Chromium.screenshot(dir.resolve("report.html"), artifacts.resolve("sweep-report.png"), 1200, 1600, tmp.resolve("profile"));
    }

    @Test
    void sweptNumbersHaveThreeSignificantDigitsAndSortByTheirExactValue() throws IOException {
        Path dir = fixture("sweep-mlp-random");
        SweepReport.write(dir.toString());
        String html = Files.readString(dir.resolve("report.html"));
        assertTrue(html.contains("<td class=\"num\" data-value=\"2.30089E-4\">2.30e-4</td>"), "a small learning rate");
        assertTrue(html.contains("<td class=\"num\" data-value=\"0.0983446\">0.0983</td>"), "a dropout");
        assertTrue(html.contains("<td class=\"num\" data-value=\"0.00819726\">0.00820</td>"), "a learning rate");
        assertTrue(html.contains("training.learning-rate = 0.00820"), "the best trial's values in the facts");
        assertFalse(html.contains(">2.30089E-4<") || html.contains(">0.0983446<"), "no raw number is shown");
        assertEquals("2.30e-4", SweepReport.significant(2.30089e-4, 3));
        assertEquals("0.0100", SweepReport.significant(0.01, 3));
        assertEquals("41.2", SweepReport.significant(41.23, 3));
        assertEquals("-1.50e6", SweepReport.significant(-1.5e6, 3));
        assertEquals("0.8530", SweepReport.significant(0.853, 4));
    }

    /** At 1280 px: no horizontal scroll bar, and no row taller than three lines (reasons are cut, in full on hover). */
    @Test
    void theLeaderboardFitsA1280PixelWindow() throws IOException, InterruptedException {
        for (String name : List.of("sweep", "sweep-mlp-random")) {
            Path dir = fixture(name);
            SweepReport.write(dir.toString());
            Chromium.Layout layout = Chromium.layout(dir.resolve("report.html"), tmp.resolve("profile"), 1280, 900);
            assertTrue(layout.fitsWidth(), name + ": the page is " + layout.scrollWidth() + " px wide in a window of "
                    + layout.innerWidth() + " px (" + layout.clientWidth() + " beside the scroll bar)");
            assertTrue(layout.tallestRowLines() <= 3.05, name + ": a row " + layout.tallestRowLines() + " lines tall: "
                    + layout.tallestRow());
        }
        String html = Files.readString(tmp.resolve("sweep").resolve("report.html"));
        String reason = "training diverged in epoch 1: training loss is NaN; lower training.learning-rate (now 1.0)";
        assertTrue(html.contains("<td class=\"reason\" title=\"" + reason + "\">"), "the whole reason on hover");
    }

    @Test
    void aTrialsFileWithoutTheStatusColumnIsBadDataNamingTheFile() throws IOException {
        Path dir = fixture();
        Files.writeString(dir.resolve("trials.csv"), "trial,training.learning-rate,metric\nt001,0.1,0.5\n");
        SparktrainException e = assertThrows(SparktrainException.class, () -> SweepReport.write(dir.toString()));
        assertTrue(e.getMessage().contains("trials.csv: the header trial,training.learning-rate,metric lacks the column status"),
                e.getMessage());
    }
}
