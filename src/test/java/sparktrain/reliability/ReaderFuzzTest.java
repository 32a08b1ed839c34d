package sparktrain.reliability;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.hadoop.fs.Path;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.JobFiles;
import sparktrain.worker.data.CsvSequences;
import sparktrain.worker.data.IdxFile;
import sparktrain.worker.data.TextCorpus;
import sparktrain.testing.TestData;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Mutated IDX files, CSV text, text corpora and job files fed to the real readers: each either reads or
 * throws a SparktrainException with one-line problems; never another exception (NullPointerException,
 * ArrayIndexOutOfBounds, NumberFormatException...), and never longer than the timeout (no hang).
 * Bounded tries, fixed seeds: the whole class runs in seconds and the same way every time.
 */
class ReaderFuzzTest {
    /** Generous: the machine may be shared and loaded; a hang still fails. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final byte[] IMAGES = TestData.images(2, 28, 28);
    private static final byte[] LABELS = TestData.labels(6, 10);
    private static final AtomicInteger FILES = new AtomicInteger();
    private static java.nio.file.Path dir;

    @BeforeContainer
    static void createDirectory() throws IOException {
        dir = Files.createTempDirectory("sparktrain-fuzz");
        // load Hadoop's file system and the readers' classes once, outside the timed tries
        IdxFile.readImages(new Path(write("warm-up-idx3-ubyte", IMAGES).toUri()), 28, 28);
        JobFiles.parse(JOB, "warm-up.conf", List.of());
    }

    @AfterContainer
    static void deleteDirectory() throws IOException {
        try (Stream<java.nio.file.Path> all = Files.walk(dir)) {
            for (java.nio.file.Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /** Runs {@code read}; only success or a clean SparktrainException passes. */
    private static void readsOrFailsCleanly(String what, java.util.concurrent.Callable<?> read) {
        try {
            assertTimeoutPreemptively(TIMEOUT, read::call, what + " took longer than " + TIMEOUT);
            Statistics.collect("read");
        } catch (SparktrainException e) {
            Statistics.collect("rejected: exit " + e.exitCode().code);
            assertFalse(e.problems().isEmpty(), what);
            for (String problem : e.problems()) {
                assertFalse(problem.isBlank() || problem.contains("\n"), what + ": not one line: " + problem);
            }
        } catch (RuntimeException e) {
            fail(what + ": " + e, e);
        }
    }

    private static java.nio.file.Path write(String name, byte[] bytes) {
        try {
            java.nio.file.Path sub = Files.createDirectories(dir.resolve("f" + FILES.incrementAndGet()));
            return Files.write(sub.resolve(name), bytes);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- IDX

    @Property(tries = 300, seed = "42")
    void idxImages(@ForAll("mutatedImages") byte[] bytes, @ForAll boolean gzName) {
        java.nio.file.Path file = write("train-images-idx3-ubyte" + (gzName ? ".gz" : ""), bytes);
        readsOrFailsCleanly("images " + file, () -> IdxFile.readImages(new Path(file.toUri()), 28, 28));
    }

    @Property(tries = 300, seed = "43")
    void idxLabels(@ForAll("mutatedLabels") byte[] bytes) {
        java.nio.file.Path file = write("train-labels-idx1-ubyte", bytes);
        readsOrFailsCleanly("labels " + file, () -> IdxFile.readLabels(new Path(file.toUri()), 10));
    }

    @Provide
    Arbitrary<byte[]> mutatedImages() {
        return maybeGzipped(IMAGES);
    }

    @Provide
    Arbitrary<byte[]> mutatedLabels() {
        return maybeGzipped(LABELS);
    }

    /** Mutations of {@code valid}, of its gzip, or the gzip of a mutation. */
    private static Arbitrary<byte[]> maybeGzipped(byte[] valid) {
        Arbitrary<byte[]> plain = mutations(valid, 16);
        return Arbitraries.oneOf(plain, plain.map(TestData::gzip), mutations(TestData.gzip(valid), 10));
    }

    /** One to four edits: a header int set to an edge value, a byte changed, the file cut, bytes inserted. */
    private static Arbitrary<byte[]> mutations(byte[] valid, int header) {
        Arbitrary<UnaryOperator<byte[]>> headerInt = Combinators.combine(
                Arbitraries.integers().between(0, header / 4 - 1),
                Arbitraries.of(0, -1, 1, 2, 3, 27, 28, 29, 10, 0x801, 0x803, 0x0d03, 0x08030000, 1 << 14, (1 << 14) + 1,
                        Integer.MAX_VALUE, Integer.MIN_VALUE, 600_000_000)).as((slot, value) -> bytes -> {
            byte[] b = bytes.clone();
            for (int i = 0; i < 4 && slot * 4 + i < b.length; i++) {
                b[slot * 4 + i] = (byte) (value >>> (24 - 8 * i));
            }
            return b;
        });
        Arbitrary<UnaryOperator<byte[]>> flip = Combinators.combine(Arbitraries.integers().between(0, valid.length - 1),
                Arbitraries.bytes()).as((at, value) -> bytes -> {
            byte[] b = bytes.clone();
            if (at < b.length) {
                b[at] = value;
            }
            return b;
        });
        Arbitrary<UnaryOperator<byte[]>> cut = Arbitraries.integers().between(0, valid.length)
                .map(length -> bytes -> Arrays.copyOf(bytes, Math.min(length, bytes.length)));
        Arbitrary<UnaryOperator<byte[]>> insert = Combinators.combine(Arbitraries.integers().between(0, valid.length),
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(8)).as((at, extra) -> bytes -> {
            int pos = Math.min(at, bytes.length);
            byte[] b = new byte[bytes.length + extra.length];
            System.arraycopy(bytes, 0, b, 0, pos);
            System.arraycopy(extra, 0, b, pos, extra.length);
            System.arraycopy(bytes, pos, b, pos + extra.length, bytes.length - pos);
            return b;
        });
        return Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(4, headerInt), net.jqwik.api.Tuple.of(3, flip),
                        net.jqwik.api.Tuple.of(2, cut), net.jqwik.api.Tuple.of(1, insert))
                .list().ofMinSize(1).ofMaxSize(4)
                .map(edits -> {
                    byte[] b = valid;
                    for (UnaryOperator<byte[]> edit : edits) {
                        b = edit.apply(b);
                    }
                    return b;
                });
    }

    // ---- CSV sequences

    @Property(tries = 300, seed = "44")
    void csvFiles(@ForAll("csvTexts") List<String> texts, @ForAll("window") int window, @ForAll boolean series) {
        java.nio.file.Path sub;
        try {
            sub = Files.createDirectories(dir.resolve("csv" + FILES.incrementAndGet()));
            for (int i = 0; i < texts.size(); i++) {
                Files.writeString(sub.resolve("s" + i + ".csv"), texts.get(i));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        java.nio.file.Path folder = sub;
        readsOrFailsCleanly("csv " + sub, () -> {
            List<CsvSequences.Parsed> parsed = new java.util.ArrayList<>();
            for (int i = 0; i < (series ? 1 : texts.size()); i++) {
                java.nio.file.Path file = folder.resolve("s" + i + ".csv");
                byte[] bytes = Files.readAllBytes(file);
                parsed.add(new CsvSequences.Parsed(new sparktrain.worker.data.DataFile(file.toString(), bytes.length, ""),
                        CsvSequences.parse(new org.apache.hadoop.fs.Path(file.toUri()), bytes)));
            }
            if (series) {
                new CsvSequences.Windows(window).call(parsed.get(0)).forEachRemaining(row -> { });
            } else {
                CsvSequences.requireSameShape(parsed);
            }
            return parsed;
        });
    }

    @Provide
    Arbitrary<Integer> window() {
        return Arbitraries.integers().between(2, 6);
    }

    /** Valid sequences (1-3 files, same shape), then 0-3 cells replaced by junk, separators or line breaks. */
    @Provide
    Arbitrary<List<String>> csvTexts() {
        Arbitrary<String> junk = Arbitraries.of("", " ", "NaN", "Infinity", "-Infinity", "1e400", "abc", "\"1.5\"", "\"",
                "0x1p3", "1,5", "1;2", "\t", "--1", "1e", ".", "\uff11", "\u0000", "\r", "\n", "1\n2", ",", "\n\n");
        Arbitrary<int[]> edit = Arbitraries.integers().between(0, 1000).array(int[].class).ofSize(3);
        return Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.integers().between(0, 8),
                Arbitraries.integers().between(1, 3), edit.list().ofMaxSize(3), junk.list().ofSize(3),
                Arbitraries.of("", "\n", "\r\n", "\n\n")).as((files, rows, cols, edits, junks, end) -> {
            String[][][] cells = new String[files][rows][cols];
            for (int f = 0; f < files; f++) {
                for (int r = 0; r < rows; r++) {
                    for (int c = 0; c < cols; c++) {
                        cells[f][r][c] = Double.toString(0.1 * r - 0.01 * c + f);
                    }
                }
            }
            for (int i = 0; i < edits.size() && rows > 0; i++) {
                int[] e = edits.get(i);
                cells[e[0] % files][e[1] % rows][e[2] % cols] = junks.get(i);
            }
            return Arrays.stream(cells).map(file -> String.join("\n",
                    Arrays.stream(file).map(row -> String.join(",", row)).toList()) + end).toList();
        });
    }

    // ---- text corpora

    @Property(tries = 200, seed = "45")
    void textCorpus(@ForAll("corpusBytes") byte[] bytes) {
        java.nio.file.Path file = write("corpus.txt", bytes);
        readsOrFailsCleanly("corpus " + file, () -> TextCorpus.decode(new org.apache.hadoop.fs.Path(file.toUri()), bytes));
    }

    @Provide
    Arbitrary<byte[]> corpusBytes() {
        byte[] text = TestData.sentences(5, 1).getBytes(StandardCharsets.UTF_8);
        return Arbitraries.oneOf(mutations(text, 0 + 4), Arbitraries.bytes().array(byte[].class).ofMaxSize(64),
                Arbitraries.strings().ofMaxLength(40).map(s -> s.getBytes(StandardCharsets.UTF_8)));
    }

    // ---- job files

    private static final String JOB = String.join("\n",
            "name = fuzz",
            "data { path = \"file:///tmp/nowhere\", validation-fraction = 0.1, train-limit = 100 }",
            "model { type = mlp, hidden-layers = [64, 32], dropout = 0.2 }",
            "training { epochs = 2, batch-size = 32, learning-rate = 0.01, updater = adam",
            "  schedule { type = step, decay = 0.5, step-epochs = 1 } }",
            "spark { master = \"local[2]\", conf { \"spark.ui.enabled\" = false } }",
            "");

    @Property(tries = 400, seed = "46")
    void jobFiles(@ForAll("jobTexts") String text, @ForAll("overrides") List<String> overrides) {
        readsOrFailsCleanly("job file:\n" + text + "\n--set " + overrides,
                () -> JobFiles.parse(text, "fuzz.conf", overrides));
    }

    /** The job file with characters replaced, deleted or inserted, and lines with odd values added. */
    @Provide
    Arbitrary<String> jobTexts() {
        Arbitrary<Character> odd = Arbitraries.of('{', '}', '[', ']', '"', '=', ':', ',', '\n', '$', '#', '.', '0', '-', 'x', ' ');
        Arbitrary<UnaryOperator<String>> replace = Combinators.combine(Arbitraries.integers().between(0, JOB.length() - 1), odd)
                .as((at, c) -> s -> at < s.length() ? s.substring(0, at) + c + s.substring(at + 1) : s);
        Arbitrary<UnaryOperator<String>> delete = Arbitraries.integers().between(0, JOB.length() - 1)
                .map(at -> s -> at < s.length() ? s.substring(0, at) + s.substring(at + 1) : s);
        Arbitrary<UnaryOperator<String>> line = Combinators.combine(
                Arbitraries.of("training.epochs", "training.batch-size", "training.learning-rate", "model.dropout",
                        "model.hidden-layers", "model.type", "training.updater", "data.validation-fraction",
                        "training.schedule.type", "training.workers", "spark.conf", "seed", "name", "data", "training",
                        "model.conv-channels", "training.sharing.threshold", "data.sequence-length", "trainin.epochs"),
                Arbitraries.of("0", "-1", "1e400", "NaN", "null", "[]", "[0]", "[-1, 2]", "{}", "\"\"", "true", "2147483648",
                        "\"${HOME}\"", "${?NOPE}", "${nope}", "1.0", "abc", "[\"a\"]", "{ x = 1 }", "0.999999", "1 2"))
                .as((key, value) -> s -> s + key + " = " + value + "\n");
        return Arbitraries.frequencyOf(net.jqwik.api.Tuple.of(2, replace), net.jqwik.api.Tuple.of(1, delete),
                        net.jqwik.api.Tuple.of(3, line))
                .list().ofMinSize(0).ofMaxSize(4)
                .map(edits -> {
                    String s = JOB;
                    for (UnaryOperator<String> edit : edits) {
                        s = edit.apply(s);
                    }
                    return s;
                });
    }

    @Provide
    Arbitrary<List<String>> overrides() {
        return Arbitraries.of("training.epochs=3", "training.epochs=", "=3", "training..epochs=1", "model.dropout=abc",
                        "data.path=file:///x//y", "training.learning-rate=[1]", "spark.conf.\"a.b\"=1", "x", "a=b=c",
                        "training.schedule={ type = cosine }", "model.hidden-layers=[8,", "training.epochs=\"",
                        "spark.master=local[1]")
                .list().ofMaxSize(2);
    }
}
