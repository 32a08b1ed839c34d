package sparktrain.driver.doctor;

import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.testing.TestData;
import sparktrain.worker.config.JobFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The doctor's "data size": the training set as float minibatches, from file sizes, against the heap that holds it. */
class DataSizeTest {
    private static final long MIB = 1L << 20;

    @TempDir
    java.nio.file.Path tmp;

    @Test
    void fashionMnistIsSizedFromItsFilesGzippedOrPlain() throws IOException {
        java.nio.file.Path data = TestData.smallDataSet(tmp.resolve("data"), 1000, 10);
        Path plain = new Path(data.resolve("train-images-idx3-ubyte").toUri());
        Path gz = new Path(data.resolve("t10k-images-idx3-ubyte.gz").toUri());
        assertEquals(16 + 1000 * 784, DataSize.uncompressedLength(plain));
        assertEquals(16 + 10 * 784, DataSize.uncompressedLength(gz), "a gzip file's trailer holds the plain length");

        DataSize.Estimate size = DataSize.of(JobFiles.parse("data.path = \"" + data.toUri() + "\"\n"
                + "data.validation-fraction = 0.1", "test", List.of()));
        assertEquals(4L * 900 * (784 + 10), size.bytes(), "900 training images (10% held out), pixels and one-hot labels");
        assertEquals("900 training images of 28x28 with one-hot labels", size.examples());
        DataSize.Estimate limited = DataSize.of(JobFiles.parse("data.path = \"" + data.toUri() + "\"\n"
                + "data.train-limit = 100", "test", List.of()));
        assertEquals(4L * 90 * 794, limited.bytes());
    }

    @Test
    void fourCopiesOfFashionMnistWarnInATwoGigabyteLocalDriverButNotInSix() {
        // the run: 240,000 images, 10% held out; it ran out of a 2 GiB heap and trained in 6 GiB
        DataSize.Estimate size = new DataSize.Estimate(4L * 216_000 * 794, "216000 training images of 28x28 with one-hot labels");
        SparkConf conf = new SparkConf(false);
        Finding two = Doctor.dataSize("driver", size, 2048 * MIB, 1, conf, Doctor.DRIVER_MEMORY_FIX);
        assertEquals(Finding.Status.WARNING, two.status(), two.toString());
        assertTrue(two.detail().startsWith("the training set is about 654 MiB as float minibatches (216000 training"
                + " images of 28x28 with one-hot labels), held about 2 times (its rows and the epoch's minibatches):"
                + " about 1308 MiB of Spark's 1049 MiB"), two.detail());
        assertTrue(two.fix().contains("SPARKTRAIN_DRIVER_MEMORY") && two.fix().contains("spark.driver.memory"), two.fix());
        assertEquals(Finding.Status.OK, Doctor.dataSize("driver", size, 6144 * MIB, 1, conf, "").status());
        DataSize.Estimate once = new DataSize.Estimate(4L * 54_000 * 794, "54000 training images");
        assertEquals(Finding.Status.OK, Doctor.dataSize("driver", once, 2048 * MIB, 1, conf, "").status());
    }

    @Test
    void anExecutorWhoseSparkMemoryCannotHoldItsShareIsWarned() {
        DataSize.Estimate size = new DataSize.Estimate(1000 * MIB, "many images");
        Finding f = Doctor.dataSize("executor 1 (h)", size, 1024 * MIB, 2, new SparkConf(false), "raise spark.executor.memory");
        assertEquals(Finding.Status.WARNING, f.status(), f.toString());
        assertTrue(f.detail().contains("500 MiB per executor of 2") && f.detail().contains("about 1000 MiB of Spark's 434 MiB"),
                f.detail());
        assertEquals("raise spark.executor.memory", f.fix());
        assertEquals(Finding.Status.OK, Doctor.dataSize("e", size, 1024 * MIB, 8, new SparkConf(false), "").status());
    }
}
