package sparktrain.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
