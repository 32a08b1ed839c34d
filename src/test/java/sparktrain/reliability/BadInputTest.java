package sparktrain.reliability;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import sparktrain.testing.Cli;
import sparktrain.testing.JobFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every case under src/test/resources/bad-input (written by its make-corpus.py) through the real CLI,
 * {@code sparktrain train}: the documented exit code, one {@code sparktrain: error:} line naming the file
 * (and line or record) with no stack trace, and not one byte or mtime changed on disk, nor a run directory made.
 */
class BadInputTest {
    static final Path CORPUS = resource("bad-input");

    @TempDir
    Path tmp;

    private static final Pattern README_COUNT = Pattern.compile("bad input: (\\d+) cases in `src/test/resources/bad-input/`");
    private static final AtomicInteger RAN = new AtomicInteger();

    /** Every directory of the corpus but the base-* ones is a case; one without a case.conf fails its test. */
    static Stream<String> cases() throws IOException {
        return caseNames(CORPUS).stream();
    }

    private static List<String> caseNames(Path corpus) throws IOException {
        try (Stream<Path> dirs = Files.list(corpus)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString())
                    .filter(n -> !n.startsWith("base-")).sorted().toList();
        }
    }

    /** The number the reliability row of docs/reliability.md gives. */
    private static int readmeCount() throws IOException {
        Matcher m = README_COUNT.matcher(Files.readString(Path.of("docs/reliability.md")));
        assertTrue(m.find(), "docs/reliability.md's reliability row gives the number of bad-input cases");
        return Integer.parseInt(m.group(1));
    }

    @Test
    void theReadmeGivesTheNumberOfCases() throws IOException {
        assertEquals(readmeCount(), caseNames(Path.of("src/test/resources/bad-input")).size(),
                "docs/reliability.md's count of bad-input cases against the case directories in src/test/resources/bad-input");
    }

    @AfterAll
    static void everyCaseRan() throws IOException {
        if (RAN.get() == 0) {
            return; // only the other test was selected; JUnit fails a parameterized test given no cases
        }
        assertEquals(readmeCount(), RAN.get(), "bad-input cases run against docs/reliability.md's count");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void isRejectedCleanlyAndChangesNothing(String name) throws IOException {
        RAN.incrementAndGet();
        Path dir = CORPUS.resolve(name);
        Config c = ConfigFactory.parseFile(dir.resolve("case.conf").toFile());
        Path data = Files.createDirectories(tmp.resolve("data"));
        String base = c.getString("base");
        if (!base.equals("none")) {
            copyTree(CORPUS.resolve("base-" + base), data);
        }
        if (Files.isDirectory(dir.resolve("files"))) {
            copyTree(dir.resolve("files"), data);
        }
        Path dataPath = c.hasPath("path") ? data.resolve(c.getString("path")) : data;
        // the case's lines start at line 9, as its expected messages say
        Path job = JobFile.write(tmp.resolve("job.conf"),
                "name = bad-input",
                "data.path = \"" + dataPath.toUri() + "\"",
                "data.validation-fraction = 0.2",
                "model { type = mlp, hidden-layers = [8] }",
                "training { epochs = 1, batch-size = 4 }",
                "training.checkpoint.every = 1",
                "spark.master = \"local[1]\"",
                c.hasPath("job") ? c.getString("job") : "");
        // an earlier run beside the new one: a failed run must not touch it
        Path runs = Files.createDirectories(tmp.resolve("runs"));
        Files.writeString(Files.createDirectories(runs.resolve("earlier")).resolve("model.zip"), "an earlier model");
        Path output = runs.resolve("new");

        List<String> args = new ArrayList<>(List.of("train", job.toString(), "--output", output.toString()));
        for (String set : c.hasPath("set") ? c.getStringList("set") : List.<String>of()) {
            args.add("--set");
            args.add(set);
        }
        DiskSnapshot before = DiskSnapshot.of(tmp);
        List<String> cwdBefore = topLevel(Path.of(""));
        Cli.Run run = Cli.sparktrain(args.toArray(String[]::new));

        String message = run.err();
        assertEquals(c.getInt("exit"), run.code(), message);
        List<String> lines = message.lines().toList();
        assertEquals(1, lines.size(), "one line: " + message);
        assertTrue(lines.get(0).startsWith("sparktrain: error: "), message);
        for (String expected : c.getStringList("expect")) {
            assertTrue(message.contains(expected), () -> "expected '" + expected + "' in: " + message);
        }
        assertFalse(message.contains("\tat ") || message.contains("Exception"), "no stack trace: " + message);
        assertTrue(message.contains(c.getInt("exit") == 3 ? "/data" : "job.conf") || message.contains("--set: "),
                "the message names the file: " + message);
        assertEquals("", run.out());
        assertFalse(Files.exists(output), "no run directory for a rejected run");
        before.assertUnchanged(DiskSnapshot.of(tmp));
        assertEquals(cwdBefore, topLevel(Path.of("")), "nothing new in the working directory");
    }

    private static List<String> topLevel(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir.toAbsolutePath())) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                Files.createDirectories(target.getParent());
                Files.copy(f, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    static Path resource(String name) {
        try {
            return Path.of(BadInputTest.class.getClassLoader().getResource(name).toURI());
        } catch (URISyntaxException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
