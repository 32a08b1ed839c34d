package sparktrain.jobs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every script in scripts/ answers --help with its usage on stdout and exit 0, and a wrong option with an error
 * line and its usage on stderr, exit 2. An integration test: scripts/sparktrain runs the packaged jar (in the
 * test phase it would build it first).
 */
class ScriptsIT {
    private static final Path SCRIPTS = Path.of("scripts").toAbsolutePath();
    /** Its arguments go to Maven as they are: Maven judges them. */
    private static final String MAVEN_WRAPPER = "test";

    record Run(int code, String out, String err) {
        String all() {
            return "exit " + code + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private static List<Path> scripts() throws IOException {
        try (Stream<Path> files = Files.list(SCRIPTS)) {
            return files.filter(Files::isRegularFile).filter(Files::isExecutable).sorted().toList();
        }
    }

    private static Run run(Path script, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile("script", ".out");
        Path err = Files.createTempFile("script", ".err");
        try {
            Process p = new ProcessBuilder(command).directory(Path.of("/tmp").toFile())
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(180, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail(String.join(" ", command) + " did not finish in 180 s");
            }
            return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    @Test
    void everyScriptFound() throws IOException {
        assertEquals(List.of("bench", "bench-overhead", "cluster", "gpu-discovery.sh", "hdfs", "sparktrain", "submit", "test"),
                scripts().stream().map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void helpIsTheUsageOnStdoutWithExitZero() throws IOException, InterruptedException {
        for (Path script : scripts()) {
            for (String help : List.of("--help", "-h")) {
                Run run = run(script, help);
                String name = script.getFileName() + " " + help;
                assertEquals(0, run.code(), name + ": " + run.all());
                assertTrue(run.out().contains("Usage: "), name + " prints its usage on stdout: " + run.all());
                assertFalse(run.err().contains("error"), name + ": " + run.all());
            }
        }
    }

    @Test
    void aWrongOptionIsAnErrorAndTheUsageOnStderrWithExitTwo() throws IOException, InterruptedException {
        for (Path script : scripts()) {
            if (script.getFileName().toString().equals(MAVEN_WRAPPER)) {
                continue;
            }
            Run run = run(script, "--no-such-option");
            String name = script.getFileName().toString();
            assertEquals(2, run.code(), name + ": " + run.all());
            assertEquals("", run.out(), name + ": " + run.all());
            assertTrue(run.err().lines().anyMatch(l -> l.matches("[\\w.-]+: error: .*")), name + ": an error line: " + run.all());
            assertTrue(run.err().contains("Usage: "), name + ": the usage on stderr: " + run.all());
        }
    }
}
