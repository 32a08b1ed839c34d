package sparktrain.reliability;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.testing.Cli.Run;
import sparktrain.testing.JobFile;
import sparktrain.testing.TestData;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static sparktrain.testing.Cli.sparktrain;

/**
 * A run directory on a real small tmpfs that fills up or turns read-only: the run stops with exit 1 and one
 * line naming the file it could not write and why, every file written before is unchanged (bytes and mtimes),
 * and once there is room again {@code train --resume} finishes the run. Mounting needs root.
 */
class OutputFailureTest {
    @TempDir
    Path tmp;

    private final List<Path> mounts = new ArrayList<>();

    private Path mountTmpfs(String name, String size) throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            fail("OutputFailureTest mounts a small tmpfs for a real full or read-only file system: run the tests as root");
        }
        Path dir = Files.createDirectories(tmp.resolve(name));
        command("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString());
        mounts.add(dir);
        return dir;
    }

    @AfterEach
    void unmount() throws Exception {
        for (Path m : mounts) {
            command("umount", m.toString());
        }
    }

    private static void command(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), String.join(" ", command));
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.exitValue(), String.join(" ", command) + ": " + out);
    }

    private Path jobFile() throws IOException {
        Path data = TestData.smallDataSet(tmp.resolve("data"), 300, 60);
        return JobFile.write(tmp.resolve("job.conf"),
                "name = output-failure",
                "data.path = \"" + data.toUri() + "\"",
                "model { type = mlp, hidden-layers = [16] }",
                "training { epochs = 1, batch-size = 32, averaging-frequency = 2, learning-rate = 0.01 }",
                "training.checkpoint { every = 1, keep = 2 }");
    }

    private static void assertOneLine(Run run, int code, String... expected) {
        System.out.println("exit " + run.code() + ": " + run.err().strip());
        assertEquals(code, run.code(), run.err());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().startsWith("sparktrain: error: "), run.err());
        for (String e : expected) {
            assertTrue(run.err().contains(e), () -> "expected '" + e + "' in: " + run.err());
        }
        assertFalse(run.err().contains("\tat "), run.err());
    }

    @Test
    void aFullDiskStopsTheRunWithEveryEarlierFileIntactAndResumeFinishesIt() throws Exception {
        Path disk = mountTmpfs("disk", "4m");
        Path run = disk.resolve("run");
        Path job = jobFile();
        assertEquals(0, sparktrain("train", job.toString(), "--output", run.toString()).code());
        assertTrue(Files.isDirectory(run.resolve("checkpoints/epoch-0001")));

        Path filler = disk.resolve("filler");
        fill(filler);
        DiskSnapshot before = DiskSnapshot.of(run);
        // --skip-doctor: the doctor would stop it before training (exit 2); this is the writers' own handling
        Run full = sparktrain("train", "--resume", run.toString(), "--skip-doctor", "--set", "training.epochs=2");
        assertOneLine(full, 1, "cannot write checkpoint file:" + run.resolve("checkpoints/epoch-0002"), "No space left on device",
                "make room on that file system or choose another --output");
        before.assertUnchanged(DiskSnapshot.of(run));

        Files.delete(filler);
        Run again = sparktrain("train", "--resume", run.toString(), "--set", "training.epochs=2");
        assertEquals(0, again.code(), again.err());
        assertTrue(Files.isDirectory(run.resolve("checkpoints/epoch-0002")));
        assertEquals(3, Files.readAllLines(run.resolve("history.csv")).size());
    }

    @Test
    void aReadOnlyOutputIsExit1NamingThePathAndChangesNothing() throws Exception {
        Path disk = mountTmpfs("ro", "4m");
        Path run = disk.resolve("run");
        Path job = jobFile();
        assertEquals(0, sparktrain("train", job.toString(), "--output", run.toString()).code());
        command("mount", "-o", "remount,ro", disk.toString());
        DiskSnapshot before = DiskSnapshot.of(disk);

        Run resumed = sparktrain("train", "--resume", run.toString(), "--skip-doctor", "--set", "training.epochs=2");
        assertOneLine(resumed, 1, "cannot write checkpoint file:" + run.resolve("checkpoints/epoch-0002"), "Read-only file system",
                "make it writable or choose another --output");
        Run fresh = sparktrain("train", job.toString(), "--skip-doctor", "--output", disk.resolve("other").toString());
        assertOneLine(fresh, 1, "cannot write output directory " + disk.resolve("other"), "Read-only file system",
                "make it writable or choose another --output");
        before.assertUnchanged(DiskSnapshot.of(disk));
    }

    /** Writes zeros into {@code file} until the file system says it is full. */
    private static void fill(Path file) throws IOException {
        byte[] chunk = new byte[4096];
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(chunk);
            }
        } catch (IOException e) {
            assertTrue(String.valueOf(e.getMessage()).contains("No space left on device"), e.toString());
        }
    }
}
