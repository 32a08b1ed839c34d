package sparktrain.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.testing.Cli.Run;
import sparktrain.testing.JobFile;
import sparktrain.testing.TestData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparktrain.testing.Cli.sparktrain;

/**
 * Epoch 1 trains fine; epoch 2 runs at learning rate 1e12 (resumed with {@code --set}) and diverges: the
 * workers' DivergenceGuard stops it within the averaging round, the CLI exits 4 naming the epoch, the rate and
 * the last good checkpoint, which stays whole and is marked in checkpoints/last-good.json; resuming from it
 * with a sane rate finishes the run.
 */
class DivergenceTest {
    @TempDir
    Path tmp;

    @Test
    void divergenceInEpoch2IsExit4AndKeepsAndMarksEpoch1() throws IOException {
        // real images: on the small synthetic set a huge rate kills every unit and the loss stays finite
        Path job = JobFile.write(tmp.resolve("job.conf"),
                "name = divergence",
                JobFile.fashionMnist(),
                "data { train-limit = 640, test-limit = 100 }",
                "model { type = mlp, hidden-layers = [16] }",
                "training { epochs = 1, batch-size = 16, averaging-frequency = 2, updater = sgd, learning-rate = 0.05 }",
                "training.checkpoint { every = 1, keep = 2 }");
        Path run = tmp.resolve("run");
        Run first = sparktrain("train", job.toString(), "--output", run.toString());
        assertEquals(0, first.code(), first.err());
        Path epoch1 = run.resolve("checkpoints/epoch-0001");
        DiskSnapshot goodCheckpoint = DiskSnapshot.of(epoch1);
        Files.delete(run.resolve("model.zip"));
        Files.delete(run.resolve("metrics.json"));

        long begin = System.nanoTime();
        Run diverged = sparktrain("train", "--resume", run.toString(), "--set", "training.epochs=2",
                "--set", "training.learning-rate=1e12");
        double seconds = (System.nanoTime() - begin) / 1e9;
        System.out.printf("exit %d after %.1f s: %s%n", diverged.code(), seconds, diverged.err().strip());
        assertEquals(4, diverged.code(), diverged.err());
        assertEquals(1, diverged.err().lines().count(), diverged.err());
        String message = diverged.err();
        for (String expected : List.of("sparktrain: error: training diverged in epoch 2: training loss is ",
                "lower training.learning-rate (now 1.0E12)", "stopped within that averaging round",
                "the last good checkpoint is file:" + epoch1, "checkpoints/last-good.json",
                "train --resume " + run + " --set training.learning-rate=LOWER")) {
            assertTrue(message.contains(expected), () -> "expected '" + expected + "' in: " + message);
        }
        assertFalse(message.contains("\tat "), message);
        // 576 training images (640 less 10% validation) in batches of 16 over 2 workers: 18 iterations per worker
        // in epoch 1, so the worker that saw NaN stopped in epoch 2's first averaging round (2 minibatches each)
        java.util.regex.Matcher at = java.util.regex.Pattern.compile("at its iteration ([0-9]+)").matcher(message);
        assertTrue(at.find(), message);
        int iteration = Integer.parseInt(at.group(1));
        assertTrue(iteration > 18 && iteration <= 18 + 2, "stopped in the first averaging round of epoch 2: " + message);
        JsonNode mark = new ObjectMapper().readTree(run.resolve("checkpoints/last-good.json").toFile());
        assertEquals("epoch-0001", mark.get("checkpoint").asText());
        assertTrue(mark.get("reason").asText().startsWith("training diverged in epoch 2"), mark.toString());
        goodCheckpoint.assertUnchanged(DiskSnapshot.of(epoch1));
        assertFalse(Files.exists(run.resolve("checkpoints/epoch-0002")), "no checkpoint of the diverged epoch");
        assertFalse(Files.exists(run.resolve("model.zip")), "no model from a diverged run");
        assertEquals(2, Files.readAllLines(run.resolve("history.csv")).size(), "history keeps epoch 1 only");

        Run resumed = sparktrain("train", "--resume", run.toString(), "--set", "training.epochs=2",
                "--set", "training.learning-rate=0.05");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(Files.isDirectory(run.resolve("checkpoints/epoch-0002")));
        assertTrue(Files.isRegularFile(run.resolve("model.zip")));
        assertFalse(Files.exists(run.resolve("checkpoints/last-good.json")), "a new checkpoint clears the mark");
        List<String> history = Files.readAllLines(run.resolve("history.csv"));
        assertEquals(3, history.size(), history.toString());
        double loss = Double.parseDouble(history.get(2).split(",")[4]);
        assertTrue(Double.isFinite(loss), history.toString());
    }
}
