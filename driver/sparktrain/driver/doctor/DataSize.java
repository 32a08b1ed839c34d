package sparktrain.driver.doctor;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import sparktrain.worker.config.DataConfig;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.data.FashionMnist;
import sparktrain.worker.io.HadoopFiles;

import java.io.IOException;
import java.util.Locale;

/**
 * The training set's size as the float minibatches training holds, from the data files' sizes before anything is
 * read: Fashion-MNIST's image count from the images file's length (a gzipped file's uncompressed length is in
 * its trailer), a text corpus's characters from its files' lengths, the sine series from the job file.
 */
final class DataSize {
    private static final int IDX_IMAGES_HEADER = 16;

    /** @param examples what the bytes are, e.g. "216000 training images of 28x28 with one-hot labels" */
    record Estimate(long bytes, String examples) {
    }

    private DataSize() {
    }

    /** The estimate, or null when there is none (csv-sequences, or files that cannot be sized). */
    static Estimate of(JobConfig job) {
        DataConfig d = job.data();
        try {
            switch (d.type()) {
                case "fashion-mnist" -> {
                    int pixels = FashionMnist.SIDE * FashionMnist.SIDE;
                    long images = (uncompressedLength(FashionMnist.images(d.path(), FashionMnist.TRAIN))
                            - IDX_IMAGES_HEADER) / pixels;
                    long train = training(limit(images, d.trainLimit()), d.validationFraction());
                    return new Estimate(4L * train * (pixels + FashionMnist.CLASSES), String.format(Locale.ROOT,
                            "%d training images of %dx%d with one-hot labels", train, FashionMnist.SIDE, FashionMnist.SIDE));
                }
                case "text" -> {
                    long sequences = limit(corpusBytes(HadoopFiles.path(d.path())) / d.sequenceLength(), d.trainLimit());
                    long train = training(sequences, d.validationFraction() + d.testFraction());
                    // characters and next characters travel as indices, one float each
                    return new Estimate(8L * train * d.sequenceLength(), String.format(Locale.ROOT,
                            "about %d training sequences of %d characters, as indices", train, d.sequenceLength()));
                }
                case "sine" -> {
                    long train = training(limit(d.sineSeries(), d.trainLimit()), d.validationFraction() + d.testFraction());
                    return new Estimate(8L * train * d.sequenceLength(), String.format(Locale.ROOT,
                            "%d training series of %d steps", train, d.sequenceLength()));
                }
                default -> {
                    return null;
                }
            }
        } catch (IOException | RuntimeException e) {
            return null; // the data path check reports what is wrong with the files
        }
    }

    private static long limit(long count, int limit) {
        return limit > 0 ? Math.min(count, limit) : count;
    }

    private static long training(long count, double heldOut) {
        return count - Math.round(count * heldOut);
    }

    /** A file's length, or for gzip the uncompressed length its trailer records (modulo 4 GiB, as gzip keeps it). */
    static long uncompressedLength(Path file) throws IOException {
        long length = HadoopFiles.length(file);
        if (!HadoopFiles.startsWithGzipMagic(file)) {
            return length;
        }
        try (FSDataInputStream in = HadoopFiles.fileSystem(file).open(file)) {
            in.seek(length - 4);
            byte[] b = in.readNBytes(4);
            return (b[0] & 0xffL) | (b[1] & 0xffL) << 8 | (b[2] & 0xffL) << 16 | (b[3] & 0xffL) << 24;
        }
    }

    /** The bytes of a corpus file, or of a directory's files as TextCorpus reads them (hidden and .dat skipped). */
    private static long corpusBytes(Path path) throws IOException {
        FileSystem fs = HadoopFiles.fileSystem(path);
        if (!fs.getFileStatus(path).isDirectory()) {
            return fs.getFileStatus(path).getLen();
        }
        long bytes = 0;
        for (FileStatus f : fs.listStatus(path)) {
            String name = f.getPath().getName();
            if (f.isFile() && !name.startsWith(".") && !name.endsWith(".dat")) {
                bytes += f.getLen();
            }
        }
        return bytes;
    }
}
