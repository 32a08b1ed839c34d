package sparktrain.reliability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every file and directory under a root with its size, modification time and SHA-256: what "nothing changed" means. */
public record DiskSnapshot(Path root, Map<String, String> entries) {

    public static DiskSnapshot of(Path root) {
        Map<String, String> entries = new TreeMap<>();
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : all.toList()) {
                String name = root.relativize(p).toString();
                if (Files.isDirectory(p)) {
                    entries.put(name + "/", "dir");
                } else {
                    entries.put(name, Files.size(p) + " bytes, mtime " + Files.getLastModifiedTime(p).toMillis()
                            + ", sha256 " + sha256(Files.readAllBytes(p)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new DiskSnapshot(root, entries);
    }

    public void assertUnchanged(DiskSnapshot after) {
        assertEquals(entries, after.entries, "files under " + root + " changed");
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
