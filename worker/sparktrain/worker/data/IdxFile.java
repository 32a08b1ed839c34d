package sparktrain.worker.data;

import org.apache.hadoop.fs.Path;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.io.HadoopFiles;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.ZipException;

/**
 * Reads IDX files (LeCun's MNIST format, also used by Fashion-MNIST), gzipped or plain, through Hadoop's
 * FileSystem. Every check names the file: magic number, dimensions, count, truncation and label range.
 */
public final class IdxFile {
    static final int UNSIGNED_BYTE = 0x08;
    private static final int MAX_DIMENSION = 1 << 14;

    private IdxFile() {
    }

    /** The bytes of an IDX file's payload with its header, and the SHA-256 of the file as stored. */
    public record Contents(int[] dims, byte[] data, long storedBytes, String sha256) {
        public int count() {
            return dims[0];
        }
    }

    public static Contents readImages(Path file, int rows, int cols) {
        Contents c = read(file, 3);
        if (c.dims[1] != rows || c.dims[2] != cols) {
            throw fail(file, "wrong image dimensions " + c.dims[1] + "x" + c.dims[2] + ": expected " + rows + "x" + cols);
        }
        return c;
    }

    public static Contents readLabels(Path file, int classes) {
        Contents c = read(file, 1);
        byte[] labels = c.data;
        for (int i = 0; i < labels.length; i++) {
            int label = labels[i] & 0xff;
            if (label >= classes) {
                throw fail(file, "label " + label + " at record " + i + " is out of range [0, " + (classes - 1) + "]");
            }
        }
        return c;
    }

    static Contents read(Path file, int expectedDims) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long stored;
        try {
            stored = HadoopFiles.length(file);
        } catch (java.io.FileNotFoundException e) {
            throw fail(file, "not found");
        } catch (IOException e) {
            throw fail(file, "cannot read: " + e.getMessage());
        }
        if (stored == 0) {
            throw fail(file, "empty file: expected an IDX header");
        }
        try (InputStream raw = HadoopFiles.fileSystem(file).open(file);
             DigestInputStream hashed = new DigestInputStream(raw, sha);
             DataInputStream in = new DataInputStream(HadoopFiles.maybeGunzip(hashed))) {
            int magic = readHeaderInt(in, file, "magic number");
            int type = (magic >>> 8) & 0xff;
            int dims = magic & 0xff;
            if ((magic >>> 16) != 0 || type != UNSIGNED_BYTE || dims != expectedDims) {
                boolean misnamed = file.getName().endsWith(".gz") && !HadoopFiles.startsWithGzipMagic(file);
                throw fail(file, String.format("wrong magic number 0x%08x: expected 0x%08x (IDX, unsigned bytes, %d dimension%s)%s",
                        magic, (UNSIGNED_BYTE << 8) | expectedDims, expectedDims, expectedDims == 1 ? "" : "s",
                        misnamed ? "; the name ends in .gz but the file is not gzip" : ""));
            }
            int[] shape = new int[dims];
            long total = 1;
            for (int d = 0; d < dims; d++) {
                shape[d] = readHeaderInt(in, file, "dimension " + (d + 1));
                if (shape[d] <= 0 || (d > 0 && shape[d] > MAX_DIMENSION)) {
                    throw fail(file, "dimension " + (d + 1) + " is " + shape[d] + ": expected a size in [1, " + MAX_DIMENSION + "]");
                }
                total *= shape[d];
            }
            if (total > Integer.MAX_VALUE - 16) {
                throw fail(file, "header declares " + total + " bytes of data: too large");
            }
            byte[] data = in.readNBytes((int) total);
            if (data.length < total) {
                throw fail(file, "truncated: the header declares " + shape[0] + " records (" + total
                        + " bytes) but only " + data.length + " bytes follow");
            }
            while (hashed.read() >= 0) {
                // hash the rest of the stored file (a gzip trailer) so the checksum covers all of it
            }
            return new Contents(shape, data, stored, HexFormat.of().formatHex(sha.digest()));
        } catch (SparktrainException e) {
            throw e;
        } catch (ZipException | EOFException e) {
            throw fail(file, "corrupt gzip data: " + e.getMessage());
        } catch (IOException e) {
            throw fail(file, "cannot read: " + e.getMessage());
        }
    }

    private static int readHeaderInt(DataInputStream in, Path file, String what) throws IOException {
        try {
            return in.readInt();
        } catch (EOFException e) {
            if (e.getMessage() != null) {
                throw e; // the gunzipping stream's "Unexpected end of ZLIB input stream": corrupt gzip, not a short header
            }
            throw fail(file, "truncated header: file ends before the " + what);
        }
    }

    static SparktrainException fail(Path file, String problem) {
        return SparktrainException.badData(file + ": " + problem);
    }
}
