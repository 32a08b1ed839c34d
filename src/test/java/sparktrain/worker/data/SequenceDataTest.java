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

    @Test
    void csvFilesAreSequences() throws IOException {
        write("seq/a.csv", "1,10\n2,20\n3,30\n");
        write("seq/b.csv", "4,40\n5,50\n6,60\n");
        CsvSequences.Read read = CsvSequences.read(tmp.resolve("seq").toUri().toString(), "files", 0);
        assertEquals(2, read.sequences().size());
        assertArrayEquals(new double[] {5, 50}, read.sequences().get(1)[1]);
        assertEquals(2, read.files().size());
    }

    @Test
    void aSeriesIsCutIntoWindowsThatShareOneRow() throws IOException {
        Path file = write("series.csv", "0\n1\n2\n3\n4\n5\n6\n");
        List<double[][]> windows = CsvSequences.read(file.toUri().toString(), "series", 3).sequences();
        assertEquals(3, windows.size());
        assertArrayEquals(new double[][] {{2}, {3}, {4}}, windows.get(1));
    }

    @Test
    void raggedRowsAreRejectedWithFileAndLine() throws IOException {
        Path file = write("seq/ragged.csv", "1,2\n3,4\n5\n");
        assertBadData(file.getFileName() + ": line 3: ragged row: 1 values, expected 2",
                () -> CsvSequences.read(tmp.resolve("seq").toUri().toString(), "files", 0));
    }

    @Test
    void nonNumericCellsAreRejectedWithFileAndLine() throws IOException {
        Path file = write("words.csv", "1,2\n3,abc\n");
        assertBadData("words.csv: line 2, column 2: not a number: \"abc\"",
                () -> CsvSequences.read(file.toUri().toString(), "series", 2));
    }

    @Test
    void nanInfinityAndMissingValuesAreRejected() throws IOException {
        Path nan = write("nan.csv", "1\nNaN\n");
        assertBadData("nan.csv: line 2, column 1: NaN is not a finite number",
                () -> CsvSequences.read(nan.toUri().toString(), "series", 2));
        Path inf = write("inf.csv", "1,2\n3,-Infinity\n");
        assertBadData("inf.csv: line 2, column 2: -Infinity is not a finite number",
                () -> CsvSequences.read(inf.toUri().toString(), "series", 2));
        Path missing = write("missing.csv", "1,2\n,4\n");
        assertBadData("missing.csv: line 2, column 1: missing value",
                () -> CsvSequences.read(missing.toUri().toString(), "series", 2));
    }

    @Test
    void sequenceFilesOfDifferentLengthsAreRejected() throws IOException {
        write("seq/a.csv", "1\n2\n3\n");
        write("seq/b.csv", "1\n2\n");
        assertBadData("b.csv: 2 rows, but", () -> CsvSequences.read(tmp.resolve("seq").toUri().toString(), "files", 0));
    }

    @Test
    void theFortunesCorpusSkipsIndexesAndDuplicates() {
        TextCorpus corpus = TextCorpus.read(TestData.fortunes());
        List<String> names = corpus.files().stream().map(FashionMnist.DataFile::path).toList();
        assertTrue(names.stream().anyMatch(n -> n.endsWith("/computers")), names.toString());
        assertTrue(names.stream().noneMatch(n -> n.endsWith(".dat") || n.endsWith(".u8")), names.toString());
        long bytes = corpus.files().stream().mapToLong(FashionMnist.DataFile::bytes).sum();
        assertTrue(bytes > 1_000_000 && bytes < 3_000_000, "the fortunes text without duplicates: " + bytes + " bytes");
        assertTrue(Vocabulary.of(corpus.text()).size() < 300);
    }

    @Test
    void binaryAndInvalidUtf8AreRejectedWithFileAndLine() throws IOException {
        Path binary = tmp.resolve("binary.txt");
        Files.write(binary, new byte[] {'a', '\n', 'b', 0, 'c'});
        assertBadData("binary.txt: line 2: NUL byte at byte 3", () -> TextCorpus.read(binary.toUri().toString()));
        Path latin1 = tmp.resolve("latin1.txt");
        Files.write(latin1, new byte[] {'o', 'k', '\n', 'c', 'a', 'f', (byte) 0xe9, '\n'});
        assertBadData("latin1.txt: line 2: invalid UTF-8 byte sequence at byte 6",
                () -> TextCorpus.read(latin1.toUri().toString()));
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
