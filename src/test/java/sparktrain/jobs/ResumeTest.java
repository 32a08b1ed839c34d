package sparktrain.jobs;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.testing.Cli;
import sparktrain.testing.JobFile;
import sparktrain.testing.Processes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** kill -9 after an epoch, then --resume: the run ends where an uninterrupted one does. */
class ResumeTest {
    @TempDir
    Path tmp;

    private Path jobFile() throws IOException {
        return JobFile.write(tmp.resolve("job.conf"),
                "name = resume-test",
                JobFile.fashionMnist(),
                "data.train-limit = 3000",
                "data.test-limit = 5000",
                "model { type = mlp, hidden-layers = [128] }",
                "training { epochs = 4, batch-size = 32, averaging-frequency = 5, schedule.type = cosine }",
                "training.checkpoint { every = 1, keep = 2 }");
    }

    private static double testAccuracy(Path run) throws IOException {
        return new ObjectMapper().readTree(run.resolve("metrics.json").toFile()).at("/test/accuracy").asDouble();
    }

    @Test
    void killedAfterAnEpochAndResumedEndsLikeAnUninterruptedRun() throws Exception {
        Path job = jobFile();
        Path uninterrupted = tmp.resolve("uninterrupted");
        assertEquals(0, Cli.sparktrain("train", job.toString(), "--output", uninterrupted.toString()).code());

        Path run = tmp.resolve("killed");
        Process p = Processes.sparktrain(tmp.resolve("killed.log"), "train", job.toString(), "--output", run.toString());
        Path firstCheckpoint = run.resolve("checkpoints/epoch-0001/state.json");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(4);
        while (!Files.exists(firstCheckpoint) && p.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(Files.exists(firstCheckpoint), "no checkpoint after epoch 1: " + Files.readString(tmp.resolve("killed.log")));
        p.destroyForcibly().waitFor(); // SIGKILL
        assertFalse(Files.exists(run.resolve("model.zip")), "killed before the end, so no model yet");

        Cli.Run resumed = Cli.sparktrain("train", "--resume", run.toString());
        assertEquals(0, resumed.code(), resumed.err());
        List<String> history = Files.readAllLines(run.resolve("history.csv"));
        assertEquals(5, history.size(), "header and 4 epochs: " + history);
        for (int epoch = 1; epoch <= 4; epoch++) {
            assertTrue(history.get(epoch).startsWith(epoch + ","), history.toString());
        }
        String report = Files.readString(run.resolve("report.html"));
        assertTrue(report.contains("4 of 4") && report.contains("since the resume"), "the resume writes the report");
        double a = testAccuracy(uninterrupted);
        double b = testAccuracy(run);
        System.out.printf("resume: uninterrupted test accuracy %.4f, killed after epoch 1 and resumed %.4f%n", a, b);
        assertTrue(Math.abs(a - b) <= 0.005, "uninterrupted " + a + " vs killed and resumed " + b);
        try (var checkpoints = Files.list(run.resolve("checkpoints"))) {
            assertEquals(2, checkpoints.count(), "keeps the newest 2");
        }
    }

    @Test
    void resumeWithoutCheckpointsIsBadUsage() throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Files.copy(jobFile(), empty.resolve("job.conf"));
        Cli.Run run = Cli.sparktrain("train", "--resume", empty.toString());
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().contains("no complete checkpoint"), run.err());
    }

    @Test
    void resumingWhatIsNotThereOrNotARunIsOneLineNamingIt() throws IOException {
        Path missing = tmp.resolve("missing");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        for (String command : List.of("train", "sweep")) {
            Cli.Run notThere = Cli.sparktrain(command, "--resume", missing.toString());
            assertEquals(2, notThere.code(), notThere.err());
            assertEquals("sparktrain: error: --resume " + missing + ": not found", notThere.err().strip());
            Cli.Run notARun = Cli.sparktrain(command, "--resume", empty.toString());
            assertEquals(2, notARun.code(), notARun.err());
            assertEquals("sparktrain: error: --resume " + empty + ": no " + (command.equals("train") ? "job" : "sweep")
                    + ".conf in it: not a directory " + command + " wrote", notARun.err().strip());
        }
    }
}
