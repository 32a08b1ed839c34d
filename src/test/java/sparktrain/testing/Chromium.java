package sparktrain.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.fail;

/** Headless Chromium (Debian's chromium package) for tests that look at a page as a browser renders it. */
public final class Chromium {
    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");

    private Chromium() {
    }

    /** Fails (never skips) when Chromium is missing, saying what to install. */
    public static String binary() {
        for (String c : CANDIDATES) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        fail("headless Chromium is missing (looked for " + String.join(", ", CANDIDATES)
                + "): install chromium with 'apt-get install chromium' (scripts/test does this)");
        return null;
    }

    /** The DOM of {@code page} after it loaded and its scripts ran. */
    public static String dumpDom(Path page, Path profile) throws IOException, InterruptedException {
        return run(profile, "--dump-dom", page.toUri().toString());
    }

    /** The DOM of {@code page} after it loaded and its scripts ran in a window of width x height. */
    public static String dumpDom(Path page, Path profile, int width, int height) throws IOException, InterruptedException {
        return run(profile, "--window-size=" + width + "," + height, "--dump-dom", page.toUri().toString());
    }

    /**
     * How a page lays out in a browser window: the document's width against the window's, and its tallest table row
     * in lines of text (the row's height less the cell's padding and borders, over the cell's line height).
     */
    public record Layout(int scrollWidth, int clientWidth, int innerWidth, double tallestRowLines, String tallestRow) {
        /** No horizontal scroll bar: the document is no wider than the window, nor than the space beside a vertical scroll bar. */
        public boolean fitsWidth() {
            return scrollWidth <= clientWidth && scrollWidth <= innerWidth;
        }
    }

    private static final String LAYOUT_PROBE = """
            <script>window.addEventListener('load', () => {
              const d = document.documentElement;
              let lines = 0, tallest = '';
              for (const row of document.querySelectorAll('tr')) {
                for (const cell of row.cells) {
                  const s = getComputedStyle(cell), px = v => parseFloat(v) || 0;
                  const lineHeight = px(s.lineHeight) || 1.2 * px(s.fontSize);
                  const content = cell.getBoundingClientRect().height - px(s.paddingTop) - px(s.paddingBottom)
                      - px(s.borderTopWidth) - px(s.borderBottomWidth);
                  if (content / lineHeight > lines) {
                    lines = content / lineHeight;
                    tallest = row.textContent.replace(/\\s+/g, ' ').trim().slice(0, 160).replace(/[^\\w .,:;=()%/+-]/g, '');
                  }
                }
              }
              document.body.setAttribute('data-layout', [d.scrollWidth, d.clientWidth, window.innerWidth, lines.toFixed(2),
                  tallest].join('|'));
            });</script>
            """;

    /** {@link Layout} of {@code page} (an HTML file, copied beside itself with a probe script) in a width x height window. */
    public static Layout layout(Path page, Path profile, int width, int height) throws IOException, InterruptedException {
        Path probe = page.resolveSibling("layout-probe-" + page.getFileName());
        Files.writeString(probe, Files.readString(page).replace("</body>", LAYOUT_PROBE + "</body>"));
        try {
            String dom = dumpDom(probe, profile, width, height);
            Matcher m = Pattern.compile("data-layout=\"(\\d+)\\|(\\d+)\\|(\\d+)\\|([\\d.]+)\\|([^\"]*)\"")
                    .matcher(dom);
            if (!m.find()) {
                fail("the layout probe did not run in " + page + ": " + dom.substring(0, Math.min(400, dom.length())));
            }
            return new Layout(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)),
                    Double.parseDouble(m.group(4)), m.group(5));
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    /** A PNG screenshot of {@code page} at width x height. */
    public static void screenshot(Path page, Path png, int width, int height, Path profile)
            throws IOException, InterruptedException {
        run(profile, "--screenshot=" + png.toAbsolutePath(), "--window-size=" + width + "," + height,
                "--hide-scrollbars", page.toUri().toString());
        if (!Files.isRegularFile(png)) {
            fail("chromium wrote no screenshot to " + png);
        }
    }

    private static String run(Path profile, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--no-first-run", "--disable-dev-shm-usage",
                "--user-data-dir=" + profile.toAbsolutePath(), "--virtual-time-budget=10000"));
        command.addAll(List.of(args));
        Path log = Files.createTempFile("chromium", ".log");
        Path out = Files.createTempFile("chromium", ".out");
        Process p = new ProcessBuilder(command).redirectError(log.toFile()).redirectOutput(out.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("chromium did not finish in 90 s: " + String.join(" ", command));
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            fail("chromium exited with " + p.exitValue() + ": " + Files.readString(log));
        }
        Files.deleteIfExists(log);
        Files.deleteIfExists(out);
        return stdout;
    }
}
