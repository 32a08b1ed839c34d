package sparktrain.worker.data;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.io.HadoopFiles;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
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
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * A plain-text corpus: one UTF-8 file, or every file of a directory in name order. In a directory, hidden
 * files and {@code .dat} files (the fortune program's indexes) are skipped, and so is a file whose content
 * equals one read before (the fortunes package links every {@code X.u8} to {@code X}).
 */
public record TextCorpus(String text, List<FashionMnist.DataFile> files) {

    public static TextCorpus read(String location) {
        Path root = HadoopFiles.path(location);
        List<Path> candidates = new ArrayList<>();
        try {
            FileStatus status = HadoopFiles.fileSystem(root).getFileStatus(root);
            if (status.isDirectory()) {
                Arrays.stream(HadoopFiles.list(root))
                        .filter(FileStatus::isFile)
                        .map(FileStatus::getPath)
                        .filter(p -> !p.getName().startsWith(".") && !p.getName().endsWith(".dat"))
                        .sorted(Comparator.comparing(Path::getName))
                        .forEach(candidates::add);
            } else {
                candidates.add(status.getPath());
            }
        } catch (FileNotFoundException e) {
            throw SparktrainException.badData(location + ": not found (data.path)");
        } catch (IOException e) {
            throw SparktrainException.badData(location + ": cannot read: " + e.getMessage());
        }
        StringBuilder text = new StringBuilder();
        List<FashionMnist.DataFile> files = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Path file : candidates) {
            byte[] bytes = readAll(file);
            String sha256 = sha256(bytes);
            if (seen.add(sha256)) {
                text.append(decode(file, bytes));
                files.add(new FashionMnist.DataFile(file.toString(), bytes.length, sha256));
            }
        }
        if (text.isEmpty()) {
            throw SparktrainException.badData(location + ": empty corpus: " + (candidates.isEmpty()
                    ? "no text files" : candidates.size() + " file(s) but no text") + " (data.path)");
        }
        return new TextCorpus(text.toString(), List.copyOf(files));
    }

    private static byte[] readAll(Path file) {
        try (InputStream in = HadoopFiles.fileSystem(file).open(file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw SparktrainException.badData(file + ": cannot read: " + e.getMessage());
        }
    }

    /** Strict UTF-8: a NUL byte or an invalid byte sequence means the file is not text. */
    static String decode(Path file, byte[] bytes) {
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

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
