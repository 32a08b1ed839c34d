package sparktrain.reliability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.testing.Processes;
import sparktrain.testing.StallingPlugin;
import sparktrain.testing.TestData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A run whose Spark tasks hang (a test plugin blocks every task of epoch 2 as it starts, reading nothing) is
 * stopped by the stall watchdog: exit 6 within training.stall-timeout plus 30 s, one line naming the epoch, the
 * stage and its tasks, stall-threads.txt in the run directory, the checkpoint before it whole, and
 * {@code train --resume} finishes the run. In a sweep, the trial that hangs fails with that reason and the
 * others, each running longer than the timeout, finish.
 */
class StallTest {
    private static final int TIMEOUT_SECONDS = 8;

    @TempDir
    Path tmp;

    record Exit(int code, String log, double secondsAfterStall) {
        String errorLine() {
            return log.lines().filter(l -> l.startsWith("sparktrain: error:")).findFirst().orElse("(no error line)");
        }
    }

    /** Runs the CLI in its own JVM with the stalling plugin on; the seconds from the first blocked task to the exit. */
    private Exit run(String name, String stall, String... args) throws IOException, InterruptedException {
        Path log = tmp.resolve(name + ".log");
        List<String> jvm = stall == null ? List.of()
                : List.of("-Dspark.plugins=" + StallingPlugin.class.getName(), "-D" + StallingPlugin.PROPERTY + "=" + stall);
        Process p = Processes.sparktrain(log, jvm, args);
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError(name + " did not end in 10 minutes: " + Files.readString(log));
        }
        long exitMillis = System.currentTimeMillis();
        String text = Files.readString(log);
        Matcher blocked = Pattern.compile("StallingPlugin: blocking .* at (\\d+)").matcher(text);
        double after = blocked.find() ? (exitMillis - Long.parseLong(blocked.group(1))) / 1000.0 : Double.NaN;
        return new Exit(p.exitValue(), text, after);
    }

    @Test
    void tasksThatHangInEpoch2AreExit6AndResumeFinishesTheRun() throws Exception {
        Path data = TestData.smallDataSet(tmp.resolve("data"), 640, 100);
        Path job = tmp.resolve("job.conf");
        Files.write(job, List.of(
                "name = stall",
                "data.path = \"" + data.toUri() + "\"",
                "model { type = mlp, hidden-layers = [16] }",
                "training { epochs = 1, batch-size = 16, averaging-frequency = 2, updater = sgd, learning-rate = 0.05 }",
                "training.checkpoint { every = 1, keep = 3 }",
                "spark { master = \"local[2]\", conf { \"spark.ui.enabled\" = false } }"));
        Path runDir = tmp.resolve("run");
        Exit first = run("epoch1", null, "train", job.toString(), "--output", runDir.toString());
        assertEquals(0, first.code(), first.log());
        Path epoch1 = runDir.resolve("checkpoints/epoch-0001");
        DiskSnapshot checkpoint = DiskSnapshot.of(epoch1);
        Files.delete(runDir.resolve("model.zip"));
        Files.delete(runDir.resolve("metrics.json"));

        Exit stalled = run("stalled", "sparktrain: epoch 2", "train", "--resume", runDir.toString(),
                "--set", "training.epochs=3", "--set", "training.stall-timeout=" + TIMEOUT_SECONDS + "s");
        String line = stalled.errorLine();
        System.out.printf("stalled run: exit %d, %.1f s after the first task blocked: %s%n", stalled.code(),
                stalled.secondsAfterStall(), line);
        assertEquals(6, stalled.code(), stalled.log());
        assertTrue(stalled.secondsAfterStall() <= TIMEOUT_SECONDS + 30, stalled.secondsAfterStall() + " s");
        assertEquals(1, stalled.log().lines().filter(l -> l.startsWith("sparktrain: error:")).count(), stalled.log());
        for (String expected : List.of("sparktrain: error: stalled: epoch 2 (training): nothing finished for ",
                "(training.stall-timeout = " + TIMEOUT_SECONDS + " s)", "waiting for stage ", "task 0.0 on the driver (local mode)",
                "a thread dump of the driver is in file:" + runDir.resolve("stall-threads.txt"),
                "the last checkpoint is file:" + epoch1, "continue from it with train --resume " + runDir)) {
            assertTrue(line.contains(expected), () -> "expected '" + expected + "' in: " + line);
        }
        String after = stalled.log().substring(stalled.log().indexOf(line) + line.length());
        assertFalse(after.contains("\tat "), "a stack trace after the message: " + after);
        String dump = Files.readString(runDir.resolve("stall-threads.txt"));
        assertTrue(dump.contains("StallingPlugin") && dump.contains("\"main\""), "the dump shows the blocked task and main");
        checkpoint.assertUnchanged(DiskSnapshot.of(epoch1));
        assertFalse(Files.exists(runDir.resolve("checkpoints/epoch-0002")), "no checkpoint of the stalled epoch");
        assertFalse(Files.exists(runDir.resolve("model.zip")), "no model from a stalled run");

        Exit resumed = run("resumed", null, "train", "--resume", runDir.toString(), "--set", "training.epochs=3");
        assertEquals(0, resumed.code(), resumed.log());
        assertTrue(Files.isRegularFile(runDir.resolve("model.zip")));
        assertEquals(4, Files.readAllLines(runDir.resolve("history.csv")).size(), "all three epochs in history.csv");
    }

    @Test
    void aSweepTrialThatHangsFailsWithTheStallAndTheOthersFinish() throws Exception {
        int timeout = 12;
        Files.write(tmp.resolve("base.conf"), List.of(
                "name = stall-sweep",
                "data.path = \"" + TestData.fashionMnist() + "\"",
                // healthy trials of 17 and 21 s here with 24 epochs, longer than the timeout only on a loaded machine:
                // 40 keep them well over it on a faster one
                "data { train-limit = 4000, test-limit = 500 }",
                "model { type = mlp, hidden-layers = [128] }",
                "training { epochs = 40, batch-size = 32, loss-sample = 500, stall-timeout = " + timeout + "s }",
                // the trials report their steps with the executor's heartbeats: every second instead of 10
                "spark { master = \"local[2]\", conf { \"spark.ui.enabled\" = false, \"spark.executor.heartbeatInterval\" = 1s } }"));
        Path file = tmp.resolve("sweep.conf");
        Files.write(file, List.of("base = base.conf", "strategy = trial-parallel", "parallelism = 2",
                "grid { \"training.learning-rate\" = [0.001, 0.002, 0.003] }"));
        Path out = tmp.resolve("sweep");
        Exit sweep = run("sweep", "t002", "sweep", file.toString(), "--output", out.toString());
        List<String> rows = Files.readAllLines(out.resolve("trials.csv"));
        System.out.println("sweep with trial t002 hanging: exit " + sweep.code() + "\n" + String.join("\n", rows));
        assertEquals(0, sweep.code(), sweep.log());
        assertEquals(4, rows.size(), rows.toString());
        String t002 = rows.stream().filter(r -> r.startsWith("t002,")).findFirst().orElseThrow();
        assertTrue(t002.contains(",failed,") && t002.contains("stalled: trial t002")
                && t002.contains("nothing finished for") && t002.contains("(training.stall-timeout = " + timeout + " s)")
                && t002.contains("on the driver (local mode)"), t002);
        assertTrue(Files.isRegularFile(out.resolve("trials/t002/stall-threads.txt")), "t002's thread dump");
        for (String done : List.of("t001,", "t003,")) {
            String row = rows.stream().filter(r -> r.startsWith(done)).findFirst().orElseThrow();
            assertTrue(row.contains(",done,"), row);
            double seconds = Double.parseDouble(row.split(",")[5]);
            assertTrue(seconds > timeout, "a healthy trial that ran longer than the timeout (" + seconds
                    + " s) was not taken for stalled: its steps count as progress: " + row);
        }
    }
}
