package sparktrain.worker.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.data.CsvSequences;
import sparktrain.worker.data.FashionMnist;
import sparktrain.worker.data.TextCorpus;
import sparktrain.worker.data.Vocabulary;
import sparktrain.testing.TestData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CSV sequence reader, the text corpus reader and the vocabulary file. */
class SequenceDataTest {
    @TempDir
    Path tmp;

    private Path write(String name, String content) throws IOException {
        Path file = tmp.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
        return file;
    }

    private static void assertBadData(String expected, Runnable read) {
        SparktrainException e = assertThrows(SparktrainException.class, read::run);
        assertEquals(ExitCode.BAD_DATA, e.exitCode());
        assertEquals(1, e.problems().size());
        assertTrue(e.getMessage().contains(expected), () -> "expected '" + expected + "' in: " + e.getMessage());
    }

    private double[][] parse(Path file) throws IOException {
        return CsvSequences.parse(new org.apache.hadoop.fs.Path(file.toUri()), Files.readAllBytes(file));
    }

    @Test
    void aCsvFileIsRowsOfColumns() throws IOException {
        Path file = write("seq/a.csv", "1,10\n2,20\n3,30\n");
        assertArrayEquals(new double[][] {{1, 10}, {2, 20}, {3, 30}}, parse(file));
    }

    @Test
    void aSeriesIsCutIntoWindowsThatShareOneRow() throws Exception {
        Path file = write("series.csv", "0\n1\n2\n3\n4\n5\n6\n");
        var parsed = new CsvSequences.Parsed(new DataFile(file.toString(), 0, ""), parse(file));
        List<Row> windows = new java.util.ArrayList<>();
        new CsvSequences.Windows(3).call(parsed).forEachRemaining(windows::add);
        assertEquals(3, windows.size());
        assertArrayEquals(new float[] {2, 3, 4}, windows.get(1).x);
        assertEquals(1, windows.get(1).id);
    }

    @Test
    void raggedRowsAreRejectedWithFileAndLine() throws IOException {
        Path file = write("seq/ragged.csv", "1,2\n3,4\n5\n");
        assertBadData(file.getFileName() + ": line 3: ragged row: 1 values, expected 2", () -> parseQuietly(file));
    }

    @Test
    void nonNumericCellsAreRejectedWithFileAndLine() throws IOException {
        Path file = write("words.csv", "1,2\n3,abc\n");
        assertBadData("words.csv: line 2, column 2: not a number: \"abc\"", () -> parseQuietly(file));
    }

    @Test
    void nanInfinityAndMissingValuesAreRejected() throws IOException {
        Path nan = write("nan.csv", "1\nNaN\n");
        assertBadData("nan.csv: line 2, column 1: NaN is not a finite number", () -> parseQuietly(nan));
        Path inf = write("inf.csv", "1,2\n3,-Infinity\n");
        assertBadData("inf.csv: line 2, column 2: -Infinity is not a finite number", () -> parseQuietly(inf));
        Path missing = write("missing.csv", "1,2\n,4\n");
        assertBadData("missing.csv: line 2, column 1: missing value", () -> parseQuietly(missing));
    }

    @Test
    void sequenceFilesOfDifferentLengthsAreRejected() {
        var a = new CsvSequences.Parsed(new DataFile("a.csv", 0, ""), new double[3][1]);
        var b = new CsvSequences.Parsed(new DataFile("b.csv", 0, ""), new double[2][1]);
        assertBadData("b.csv: 2 rows, but a.csv has 3", () -> CsvSequences.requireSameShape(List.of(a, b)));
    }

    private void parseQuietly(Path file) {
        try {
            parse(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void binaryAndInvalidUtf8AreRejectedWithFileAndLine() {
        assertBadData("binary.txt: line 2: NUL byte at byte 3", () -> TextCorpus.decode(
                new org.apache.hadoop.fs.Path("binary.txt"), new byte[] {'a', '\n', 'b', 0, 'c'}));
        assertBadData("latin1.txt: line 2: invalid UTF-8 byte sequence at byte 6", () -> TextCorpus.decode(
                new org.apache.hadoop.fs.Path("latin1.txt"), new byte[] {'o', 'k', '\n', 'c', 'a', 'f', (byte) 0xe9, '\n'}));
    }

    @Test
    void theFortunesListingSkipsIndexes() {
        List<String> names = TextCorpus.files(TestData.fortunes()).stream().map(p -> p.getName()).toList();
        assertTrue(names.contains("computers"), names.toString());
        assertTrue(names.stream().noneMatch(n -> n.endsWith(".dat")), names.toString());
    }

    @Test
    void theVocabularyRoundTripsThroughJson() {
        Vocabulary v = Vocabulary.of("ab\n\"\\é\t" + "\uD83D\uDE00");
        Vocabulary back = Vocabulary.fromJson(v.toJson(), "test");
        assertEquals(v, back);
        assertEquals(9, back.size());
        assertEquals(v.index('é'), back.index('é'));
    }
}
