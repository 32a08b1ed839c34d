package sparktrain.worker.io;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.StreamCapabilities;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;

import java.io.BufferedInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.zip.GZIPInputStream;

/**
 * All file IO goes through Hadoop's FileSystem, so every path may be file://, hdfs://, s3a:// or a
 * plain local path. Writes go to a temporary name in the same directory and are renamed into place.
 */
public final class HadoopFiles {
    private static volatile Configuration configuration = new Configuration();

    private HadoopFiles() {
    }

    /** Lets the driver hand over Spark's Hadoop configuration (fs.defaultFS and friends). */
    public static void useConfiguration(Configuration conf) {
        configuration = conf;
    }

    public static Path path(String location) {
        return new Path(location);
    }

    public static FileSystem fileSystem(Path path) {
        try {
            FileSystem fs = path.getFileSystem(configuration);
            // the checksummed local file system leaves .crc files beside every output
            return fs instanceof LocalFileSystem local ? local.getRaw() : fs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the file system of " + path + ": " + e.getMessage(), e);
        }
    }

    public static boolean exists(String location) {
        Path p = path(location);
        try {
            return fileSystem(p).exists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static long length(Path p) throws IOException {
        return fileSystem(p).getFileStatus(p).getLen();
    }

    /** Opens a file, transparently gunzipping it when it starts with the gzip magic bytes. */
    public static InputStream open(Path p) throws IOException {
        return maybeGunzip(fileSystem(p).open(p));
    }

    public static boolean startsWithGzipMagic(Path p) throws IOException {
        try (InputStream in = fileSystem(p).open(p)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }

    /** Wraps {@code raw} in a gunzipping stream when it starts with the gzip magic bytes. */
    public static InputStream maybeGunzip(InputStream raw) throws IOException {
        InputStream in = new BufferedInputStream(raw, 1 << 16);
        in.mark(2);
        int b1 = in.read();
        int b2 = in.read();
        in.reset();
        if (b1 == 0x1f && b2 == 0x8b) {
            return new BufferedInputStream(new GZIPInputStream(in, 1 << 16), 1 << 16);
        }
        return in;
    }

    public static String readText(String location, String what) {
        Path p = path(location);
        try (InputStream in = fileSystem(p).open(p)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (FileNotFoundException e) {
            throw SparktrainException.usage(what + " " + location + ": not found");
        } catch (IOException e) {
            throw SparktrainException.usage(what + " " + location + ": cannot read: " + e.getMessage());
        }
    }

    public interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /**
     * Writes {@code target} atomically: to a hidden temporary file first, then renamed over the target,
     * so a crash mid-write leaves either the old file or the new one, never half of one.
     */
    public static void writeAtomically(Path target, Writer writer) throws IOException {
        FileSystem fs = fileSystem(target);
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
        try {
            try (FSDataOutputStream out = fs.create(tmp, false)) {
                writer.write(out);
                if (out.hasCapability(StreamCapabilities.HSYNC)) {
                    out.hsync();
                }
            } catch (FSError e) {
                // the local file system reports a failed write (no space left, I/O error) as an Error
                throw e.getCause() instanceof IOException io ? io : new IOException(e.getMessage(), e);
            }
            rename(fs, tmp, target);
        } catch (IOException | RuntimeException e) {
            try {
                fs.delete(tmp, false);
            } catch (IOException ignored) {
                // the original error is the one to report
            }
            throw e;
        }
    }

    /** Fills a directory. */
    public interface DirectoryWriter {
        void write(Path directory) throws IOException;
    }

    /**
     * Writes the directory {@code target} (new or empty) whole or not at all: {@code writer} fills a hidden
     * directory beside it, renamed into place when the writer returns; on any failure the hidden directory is
     * removed and nothing is left under the target's name.
     */
    public static void writeDirectoryAtomically(Path target, DirectoryWriter writer) throws IOException {
        FileSystem fs = fileSystem(target);
        Path qualified = fs.makeQualified(target);
        Path tmp = new Path(qualified.getParent(), "." + qualified.getName() + ".tmp-" + UUID.randomUUID());
        boolean renamed = false;
        try {
            mkdirs(tmp);
            writer.write(tmp);
            if (fs.exists(qualified)) {
                fs.delete(qualified, false); // empty: a non-recursive delete of a non-empty directory fails
            }
            renamed = fs.rename(tmp, qualified);
            if (!renamed) {
                throw new IOException("cannot rename " + tmp + " to " + qualified);
            }
        } finally {
            // Spark's failures arrive as a checked SparkException, which no catch here could name
            if (!renamed) {
                deleteQuietly(tmp);
            }
        }
    }

    public static void writeAtomically(Path target, String text) throws IOException {
        writeAtomically(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static void rename(FileSystem fs, Path from, Path to) throws IOException {
        if (fs instanceof DistributedFileSystem dfs) {
            dfs.rename(from, to, Options.Rename.OVERWRITE);
            return;
        }
        // POSIX rename(2) replaces the target atomically; other stores get delete-then-rename
        if (!(fs instanceof RawLocalFileSystem) && fs.exists(to)) {
            fs.delete(to, false);
        }
        if (!fs.rename(from, to)) {
            throw new IOException("cannot rename " + from + " to " + to);
        }
    }

    /**
     * Creates {@code dir} and its parents. On the local file system through java.nio, whose exception says
     * why it failed ("Read-only file system"), where Hadoop's mkdirs only returns false.
     */
    /** Removes {@code path} and everything under it, if it exists; a failure is left for the next writer to report. */
    public static void deleteQuietly(Path path) {
        try {
            fileSystem(path).delete(path, true);
        } catch (IOException ignored) {
            // whoever writes there next names the problem
        }
    }

    public static void mkdirs(Path dir) throws IOException {
        FileSystem fs = fileSystem(dir);
        if (fs instanceof RawLocalFileSystem local) {
            try {
                java.nio.file.Files.createDirectories(local.pathToFile(fs.makeQualified(dir)).toPath());
            } catch (java.nio.file.FileSystemException e) {
                throw new IOException(e.getReason() != null ? e.getReason() : e.getMessage(), e);
            }
        } else if (!fs.mkdirs(dir)) {
            throw new IOException("cannot create it");
        }
    }

    /**
     * The error for an output that could not be written (read-only, not permitted, no space left): exit code 1,
     * naming the path and the file system's reason.
     */
    public static SparktrainException cannotWrite(Object path, Throwable e) {
        String reason = reason(e);
        String fix = reason.contains("No space") ? "make room on that file system" : "make it writable";
        return new SparktrainException(ExitCode.FAILURE, "cannot write " + path + ": " + reason
                + ": " + fix + " or choose another --output (files written before are unchanged)", e);
    }

    /**
     * Why a write failed, without the name of the file it tried: the local file system says "/dir/.name.tmp-UUID
     * (Read-only file system)", of which the part in brackets; else the message's first line.
     */
    public static String reason(Throwable e) {
        Throwable root = e instanceof FSError && e.getCause() != null ? e.getCause() : e;
        String reason = root.getMessage() == null ? root.getClass().getSimpleName()
                : root.getMessage().lines().findFirst().orElse("");
        java.util.regex.Matcher m = java.util.regex.Pattern.compile(".* \\(([^()]+)\\)$").matcher(reason);
        return m.matches() ? m.group(1) : reason;
    }

    /**
     * Creates (or replaces) {@code file} for writing; its directory must exist. On the local file system through
     * java.nio: Hadoop's forks a {@code chmod} for every file it creates when its native library is missing, which
     * makes writing many small files slow.
     */
    public static OutputStream create(Path file) throws IOException {
        FileSystem fs = fileSystem(file);
        if (fs instanceof RawLocalFileSystem local) {
            return new java.io.BufferedOutputStream(java.nio.file.Files.newOutputStream(
                    local.pathToFile(fs.makeQualified(file)).toPath()), 1 << 16);
        }
        if (!fs.exists(file.getParent())) {
            throw new FileNotFoundException(file.getParent() + ": no such directory");
        }
        return fs.create(file, true);
    }

    public static FileStatus[] list(Path dir) throws IOException {
        return fileSystem(dir).listStatus(dir);
    }
}
