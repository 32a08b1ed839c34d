package sparktrain.worker.sharing;

import io.aeron.driver.MediaDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.worker.ExitCode;
import sparktrain.worker.JavaOpens;
import sparktrain.worker.SparktrainException;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Gradient sharing's Aeron directories do not outlive their JVMs, and a full /dev/shm is one line, not a hang. */
class AeronDirectoriesTest {
    @TempDir
    Path tmp;

    /**
     * A media driver in a JVM killed with SIGKILL leaves its directory behind; the next JVM to prepare removes it once
     * its heartbeat is older than the driver timeout, and keeps a live driver's directory (this JVM's), a directory
     * too new to have its cnc.dat, and other names.
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void theDirectoryOfAKilledMediaDriverIsRemovedALiveOneKept() throws Exception {
        File killed = tmp.resolve("aeron-test-killed").toFile();
        Process child = start(tmp.resolve("killed.log"), Driver.class, killed.toString());
        try {
            assertEquals(killed.toString(), firstLine(child, tmp.resolve("killed.log")));
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertTrue(new File(killed, "cnc.dat").isFile(), "a killed media driver leaves its directory: " + killed);
        assertEquals(child.pid(), AeronDirectories.ownerPid(killed));

        File live = tmp.resolve("aeron-test-live").toFile();
        File starting = Files.createDirectory(tmp.resolve("aeron-test-starting")).toFile();
        File other = Files.createDirectory(tmp.resolve("other")).toFile();
        try (MediaDriver driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(live.toString())
                .dirDeleteOnShutdown(true))) {
            assertEquals(ProcessHandle.current().pid(), AeronDirectories.ownerPid(live));
            assertEquals(-1, AeronDirectories.ownerPid(starting));

            assertEquals(0, AeronDirectories.orphanedBytes(tmp.toFile(), "aeron-test-", 60_000));
            assertEquals(List.of(), AeronDirectories.removeOrphans(tmp.toFile(), "aeron-test-", 60_000),
                    "a heartbeat younger than the driver timeout is taken for a live driver");
            // a timeout of 0: the killed driver's directory (its cnc.dat at least) counts, the live one does not
            long counted = AeronDirectories.orphanedBytes(tmp.toFile(), "aeron-test-", 0);
            assertTrue(counted >= new File(killed, "cnc.dat").length() && counted > 0, counted + " bytes");
            // a timeout of 0 takes every heartbeat for stale: the live driver is kept for its running process
            assertEquals(List.of(killed), AeronDirectories.removeOrphans(tmp.toFile(), "aeron-test-", 0));
            assertFalse(killed.exists());
            assertEquals(0, AeronDirectories.orphanedBytes(tmp.toFile(), "aeron-test-", 0), "nothing left to count");
            assertTrue(new File(live, "cnc.dat").isFile(), "a live media driver's directory was removed");
            assertTrue(starting.isDirectory() && other.isDirectory());
            assertEquals(List.of(live), AeronDirectories.own(tmp.toFile(), "aeron-test-"), "this JVM's directories");
        }
    }

    /**
     * An executor JVM prepares as sharing does, then DL4J's transport launches its embedded media driver (in
     * /dev/shm on Linux) and never closes it: the directory is gone once the JVM exits, by System.exit or by SIGTERM
     * (a standalone Worker ends its executors so). Like a sharing JVM, the child first removes the orphans in this
     * machine's /dev/shm, and fails naming it if less than two Aeron logs are free there.
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void aJvmDeletesItsMediaDriversDirectoryWhenItExits() throws Exception {
        for (String end : List.of("exit", "sigterm")) {
            Path log = tmp.resolve(end + ".log");
            Process child = start(log, Executor.class);
            File dir;
            try {
                dir = new File(firstLine(child, log));
                assertTrue(new File(dir, "cnc.dat").isFile(), end + ": the media driver did not start in " + dir);
                assertEquals(AeronDirectories.parent(), dir.getParentFile());
                if (end.equals("exit")) {
                    child.getOutputStream().close();
                } else {
                    child.destroy();
                }
                assertTrue(child.waitFor(60, TimeUnit.SECONDS), end + ": the JVM did not end");
            } finally {
                child.destroyForcibly();
            }
            assertFalse(dir.exists(), end + ": the JVM left " + dir + " behind:\n" + Files.readString(log));
        }
    }

    @Test
    void tooLittleSpaceIsOneLineNamingTheDirectory() {
        long needed = AeronDirectories.bytesNeeded();
        assertEquals(2 * (3L * (1 << 25) + 4096), needed, "DL4J's 32 MiB terms");
        SparktrainException e = assertThrows(SparktrainException.class,
                () -> AeronDirectories.requireSpace(new File("/dev/shm"), 100L << 20, needed));
        assertEquals(ExitCode.FAILURE, e.exitCode());
        assertEquals("/dev/shm: 100 MiB free, gradient sharing's Aeron needs 192 MiB in each JVM of the mesh (two logs"
                + " of three 32 MiB terms); free it or enlarge it (docker run --shm-size=1g; mount -o remount,size=1g"
                + " /dev/shm)", e.getMessage());
        AeronDirectories.requireSpace(new File("/dev/shm"), needed, needed);
    }

    private static Process start(Path log, Class<?> main, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(JavaOpens.OPTIONS);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectError(log.toFile()).start();
    }

    private static String firstLine(Process p, Path log) throws IOException {
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertNotNull(line, "the child JVM ended without output:\n" + Files.readString(log));
        return line;
    }

    /** A media driver in the directory args[0], running until the JVM is killed. */
    public static final class Driver {
        public static void main(String[] args) throws InterruptedException {
            MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(args[0]));
            System.out.println(args[0]);
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE);
        }
    }

    /** Prepares as a sharing executor does, launches a media driver as DL4J's transport does, exits when stdin ends. */
    public static final class Executor {
        public static void main(String[] args) throws IOException {
            AeronDirectories.prepare();
            MediaDriver driver = MediaDriver.launchEmbedded(new MediaDriver.Context());
            System.out.println(driver.aeronDirectoryName());
            System.out.flush();
            while (System.in.read() >= 0) {
                // run until the test closes stdin
            }
            System.exit(0);
        }
    }
}
