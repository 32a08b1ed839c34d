package sparktrain.reliability;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.testing.MiniHdfs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A writer JVM killed with SIGKILL while it rewrites a file through HadoopFiles.writeAtomically leaves the
 * earlier version whole, byte for byte: on the local file system and on a real HDFS (MiniDFSCluster on a
 * free port). Then a writer that runs to the end replaces it.
 */
class NothingLostTest {
    private static final int MEGABYTES = 400;

    @TempDir
    Path tmp;

    @Test
    void killedWriterLeavesTheEarlierFileOnTheLocalFileSystem() throws Exception {
        Path target = tmp.resolve("out").resolve("model.zip");
        Files.createDirectories(target.getParent());
        byte[] earlier = earlier();
        Files.write(target, earlier);
        String location = target.toUri().toString();

        killMidway(location, tmp.resolve("writer.log"), () -> {
            try (var files = Files.list(target.getParent())) {
                return files.filter(p -> p.getFileName().toString().startsWith(".model.zip.tmp-"))
                        .mapToLong(p -> p.toFile().length()).max().orElse(-1);
            }
        });
        assertArrayEquals(earlier, Files.readAllBytes(target), "the earlier model.zip changed");

        finish(location, tmp.resolve("writer2.log"));
        assertEquals(3L << 20, Files.size(target));
    }

    @Test
    void killedWriterLeavesTheEarlierFileOnHdfs() throws Exception {
        MiniDFSCluster cluster = MiniHdfs.start(0, tmp.resolve("hdfs").toFile());
        try {
            String base = "hdfs://127.0.0.1:" + cluster.getNameNodePort();
            org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(base + "/runs/a/model.zip");
            FileSystem fs = target.getFileSystem(new Configuration());
            byte[] earlier = earlier();
            try (OutputStream out = fs.create(target)) {
                out.write(earlier);
            }
            killMidway(target.toString(), tmp.resolve("writer.log"), () -> Arrays.stream(fs.listStatus(target.getParent()))
                    .filter(s -> s.getPath().getName().startsWith(".model.zip.tmp-")).mapToLong(s -> s.getLen())
                    .max().orElse(-1));
            try (InputStream in = fs.open(target)) {
                assertArrayEquals(earlier, in.readAllBytes(), "the earlier model.zip on HDFS changed");
            }

            finish(target.toString(), tmp.resolve("writer2.log"));
            assertEquals(3L << 20, fs.getFileStatus(target).getLen());
        } finally {
            cluster.shutdown();
        }
    }

    private static byte[] earlier() {
        byte[] bytes = new byte[1 << 20];
        new Random(7).nextBytes(bytes);
        return bytes;
    }

    interface TempSize {
        /** The size of the writer's temporary file, -1 while there is none. */
        long get() throws IOException;
    }

    /** Starts a writer, waits until its temporary file exists and 8 MB went out, and kills it with SIGKILL. */
    private static void killMidway(String target, Path log, TempSize tempSize) throws Exception {
        Process writer = writer(target, MEGABYTES, 50, log);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!(tempSize.get() >= 0 && written(log) >= 8)) {
                assertTrue(writer.isAlive(), "the writer ended early: " + Files.readString(log));
                if (System.nanoTime() > deadline) {
                    fail("the writer did not get going in 120 s: " + Files.readString(log));
                }
                Thread.sleep(50);
            }
        } finally {
            writer.destroyForcibly(); // SIGKILL on Linux: no shutdown hooks, no finally blocks
            assertTrue(writer.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(137, writer.exitValue(), "killed by SIGKILL");
        int mb = written(log);
        assertTrue(mb >= 8 && mb < MEGABYTES, "killed midway, after " + mb + " MB");
        assertFalse(Files.readString(log).contains("done"));
    }

    private static void finish(String target, Path log) throws Exception {
        Process writer = writer(target, 3, 0, log);
        assertTrue(writer.waitFor(120, TimeUnit.SECONDS), "the writer did not finish");
        assertEquals(0, writer.exitValue(), Files.readString(log));
    }

    private static int written(Path log) throws IOException {
        if (!Files.exists(log)) {
            return 0;
        }
        return (int) Files.readAllLines(log).stream().filter(l -> l.startsWith("wrote ")).count();
    }

    private static Process writer(String target, int megabytes, long pauseMillis, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
                "-Dlog4j2.configurationFile=" + Path.of("conf/log4j2.properties").toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), SlowWriter.class.getName(),
                target, String.valueOf(megabytes), String.valueOf(pauseMillis)));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }
}
