package sparktrain.worker.data;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.api.java.function.PairFunction;
import org.apache.spark.input.PortableDataStream;
import scala.Tuple2;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.io.HadoopFiles;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A plain-text corpus: one UTF-8 file, or every file of a directory in name order. In a directory, hidden
 * files and {@code .dat} files (the fortune program's indexes) are skipped, and so is a file whose content
 * equals one read before (the fortunes package links every {@code X.u8} to {@code X}).
 */
public final class TextCorpus {
    private TextCorpus() {
    }

    /** The files {@code location} names, in name order: itself, or a directory's files but hidden and .dat ones. */
    public static List<Path> files(String location) {
        Path root = HadoopFiles.path(location);
        try {
            FileStatus status = HadoopFiles.fileSystem(root).getFileStatus(root);
            if (!status.isDirectory()) {
                return List.of(status.getPath());
            }
            return Arrays.stream(HadoopFiles.list(root))
                    .filter(FileStatus::isFile)
                    .map(FileStatus::getPath)
                    .filter(p -> !p.getName().startsWith(".") && !p.getName().startsWith("_")
                            && !p.getName().endsWith(".dat"))
                    .sorted(Comparator.comparing(Path::getName))
                    .toList();
        } catch (FileNotFoundException e) {
            throw SparktrainException.badData(location + ": not found (data.path)");
        } catch (IOException e) {
            throw SparktrainException.badData(location + ": cannot read: " + e.getMessage());
        }
    }

    /** One file of the corpus as decoded on an executor: its place in name order, what was read, its text. */
    public record TextFile(int index, DataFile file, String text) implements Serializable {
    }

    /** On an executor: a file read whole and decoded as strict UTF-8 (an error names the file and line). */
    public record Decode(Map<String, Integer> index) implements Function<Tuple2<String, PortableDataStream>, TextFile> {
        @Override
        public TextFile call(Tuple2<String, PortableDataStream> file) {
            Path path = new Path(file._1());
            byte[] bytes = file._2().toArray();
            Integer at = index.get(path.toString());
            return new TextFile(at == null ? Integer.MAX_VALUE : at, new DataFile(path.toString(), bytes.length,
                    sha256(bytes)), decode(path, bytes));
        }
    }

    /** A file keyed by its content's checksum: files with the same content meet under one key. */
    public record ByChecksum() implements PairFunction<TextFile, String, TextFile> {
        @Override
        public Tuple2<String, TextFile> call(TextFile file) {
            return new Tuple2<>(file.file().sha256(), file);
        }
    }

    /** Of two files with the same content, the first in name order. */
    public record First() implements Function2<TextFile, TextFile, TextFile> {
        @Override
        public TextFile call(TextFile a, TextFile b) {
            return a.index() <= b.index() ? a : b;
        }
    }

    /** What was read of a file, and how many characters it holds: for run.json, without the text. */
    public record Read() implements Function<TextFile, Tuple2<DataFile, Integer>> {
        @Override
        public Tuple2<DataFile, Integer> call(TextFile file) {
            return new Tuple2<>(file.file(), file.text().length());
        }
    }

    /** The distinct characters of a file. */
    public record Characters() implements FlatMapFunction<TextFile, Character> {
        @Override
        public Iterator<Character> call(TextFile file) {
            return file.text().chars().distinct().mapToObj(c -> (char) c).iterator();
        }
    }

    /** How often each character (by index) is a target in sequence rows: the unigram baseline's counts. */
    public record TargetCounts() implements Function2<long[], Row, long[]> {
        @Override
        public long[] call(long[] counts, Row row) {
            for (int t = 1; t < row.x.length; t++) {
                counts[(int) row.x[t]]++;
            }
            return counts;
        }

        public static long[] add(long[] a, long[] b) {
            long[] sum = a.clone();
            for (int i = 0; i < sum.length; i++) {
                sum[i] += b[i];
            }
            return sum;
        }
    }

    /**
     * A file's text cut into consecutive sequences of {@code length + 1} characters (each predicts the same
     * characters shifted by one; consecutive sequences share one character), as rows of character indices.
     * The id is the file's index and the sequence's.
     */
    public record Sequences(Vocabulary vocabulary, int length) implements FlatMapFunction<TextFile, Row> {
        @Override
        public Iterator<Row> call(TextFile file) {
            String text = file.text();
            List<Row> rows = new ArrayList<>();
            for (int start = 0, i = 0; start + length < text.length(); start += length, i++) {
                float[] x = new float[length + 1];
                for (int t = 0; t <= length; t++) {
                    x[t] = vocabulary.index(text.charAt(start + t));
                }
                rows.add(new Row(((long) file.index() << 32) | i, x, null));
            }
            return rows.iterator();
        }
    }

    /** Strict UTF-8: a NUL byte or an invalid byte sequence means the file is not text. */
    public static String decode(Path file, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == 0) {
                throw SparktrainException.badData(file + ": line " + lineOf(bytes, i) + ": NUL byte at byte " + i
                        + ": a binary file, expected UTF-8 text");
            }
        }
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isError()) {
            int at = in.position();
            throw SparktrainException.badData(file + ": line " + lineOf(bytes, at) + ": invalid UTF-8 byte sequence at byte "
                    + at + ": expected UTF-8 text");
        }
        decoder.flush(out);
        return out.flip().toString();
    }

    private static int lineOf(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n') {
                line++;
            }
        }
        return line;
    }

    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
