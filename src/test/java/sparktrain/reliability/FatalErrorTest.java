package sparktrain.reliability;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.testing.OutOfMemoryListener;
import sparktrain.testing.Processes;
import sparktrain.testing.TestData;

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
 * An OutOfMemoryError on a thread that is not the main one (a Spark listener throws it as epoch 2 starts; Spark's
 * listener thread dies of it) ends the run within seconds: exit 1, one line naming the thread, the heap and
 * the variable to raise, and the checkpoint to continue from; no model.
 */
class FatalErrorTest {
    @TempDir
    Path tmp;

    @Test
    void anOutOfMemoryErrorOnSparksListenerThreadEndsTheRunWithOneLine() throws Exception {
        Path data = TestData.smallDataSet(tmp.resolve("data"), 640, 100);
        Path job = tmp.resolve("job.conf");
        Files.write(job, List.of(
                "name = fatal",
                "data.path = \"" + data.toUri() + "\"",
                "model { type = mlp, hidden-layers = [16] }",
                "training { epochs = 3, batch-size = 16, averaging-frequency = 2 }",
                "spark { master = \"local[2]\", conf { \"spark.ui.enabled\" = false } }"));
        Path runDir = tmp.resolve("run");
        Path log = tmp.resolve("oom.log");
        Process p = Processes.sparktrain(log, List.of("-Dspark.extraListeners=" + OutOfMemoryListener.class.getName(),
                "-D" + OutOfMemoryListener.PROPERTY + "=sparktrain: epoch 2"), "train", job.toString(), "--output", runDir.toString());
        boolean ended = p.waitFor(5, TimeUnit.MINUTES);
        long exitMillis = System.currentTimeMillis();
        String text = Files.readString(log);
        if (!ended) {
            p.destroyForcibly().waitFor();
        }
        assertTrue(ended, "the run did not end after the error: " + text);
        Matcher thrown = Pattern.compile("OutOfMemoryListener: throwing at (\\d+)").matcher(text);
        assertTrue(thrown.find(), text);
        double seconds = (exitMillis - Long.parseLong(thrown.group(1))) / 1000.0;
        List<String> errors = text.lines().filter(l -> l.startsWith("sparktrain: error:")).toList();
        System.out.printf("OutOfMemoryError on the listener thread: exit %d %.1f s later: %s%n", p.exitValue(), seconds, errors);
        assertEquals(1, p.exitValue(), text);
        assertTrue(seconds < 20, "exit within seconds of the error: " + seconds + " s");
        assertEquals(1, errors.size(), text);
        String line = errors.get(0);
        for (String expected : List.of("sparktrain: error: the driver JVM ran out of heap memory (OutOfMemoryError: Java"
                + " heap space) in thread \"spark-listener-group-shared\": raise SPARKTRAIN_DRIVER_MEMORY",
                "GiB), e.g. SPARKTRAIN_DRIVER_MEMORY=8g", "the last checkpoint is file:" + runDir.resolve("checkpoints/epoch-0001"),
                "continue from it with train --resume " + runDir)) {
            assertTrue(line.contains(expected), () -> "expected '" + expected + "' in: " + line);
        }
        String after = text.substring(text.indexOf(line) + line.length());
        assertFalse(after.contains("\tat "), "a stack trace after the message: " + after);
        assertFalse(Files.exists(runDir.resolve("model.zip")), "no model from a run that ended on a fatal error");
    }
}
