package sparktrain.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.testing.Cli;
import sparktrain.testing.JobFile;
import sparktrain.testing.Processes;
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

/** sweep end to end on local[2]: trials.csv, best/, failed trials, ASHA, and resume after a kill -9. */
class SweepCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path sweepFile(int epochs, String... lines) throws IOException {
        JobFile.write(tmp.resolve("base.conf"),
                "name = sweep-test",
                JobFile.fashionMnist(),
                "data.train-limit = 2000",
                "data.test-limit = 1000",
                "model { type = mlp, hidden-layers = [32] }",
                "training { epochs = " + epochs + ", batch-size = 32, loss-sample = 500 }");
        Path file = tmp.resolve("sweep.conf");
        Files.write(file, List.of(lines));
        return file;
    }

    private static List<String> rows(Path sweep) throws IOException {
        return Files.readAllLines(sweep.resolve("trials.csv"));
    }

    @Test
    void gridTrialParallelWritesEveryTrialAndTheBest() throws IOException {
        Path file = sweepFile(2, "base = base.conf", "strategy = trial-parallel",
                "grid { \"training.learning-rate\" = [0.001, 0.01], \"training.updater\" = [adam, sgd] }");
        Path out = tmp.resolve("sweep");
        Cli.Run run = Cli.sparktrain("sweep", file.toString(), "--output", out.toString());
        assertEquals(0, run.code(), run.err());
        List<String> rows = rows(out);
        assertEquals("trial,training.learning-rate,training.updater,status,metric,epochs,seconds,reason", rows.get(0));
        assertEquals(5, rows.size(), rows.toString());
        for (String row : rows.subList(1, 5)) {
            assertTrue(row.contains(",done,"), row);
            assertTrue(row.matches("t00\\d,[^,]+,[^,]+,done,0\\.\\d+,2,[0-9.]+,"), row);
        }
        JsonNode sweep = JSON.readTree(out.resolve("sweep.json").toFile());
        String best = sweep.at("/best/trial").asText();
        assertTrue(best.matches("t00[1-4]"), sweep.toString());
        assertEquals(8, sweep.at("/epochsRun").asInt());
        JsonNode bestMetrics = JSON.readTree(out.resolve("best/metrics.json").toFile());
        assertEquals(best, bestMetrics.at("/trial").asText());
        assertTrue(bestMetrics.at("/test/accuracy").asDouble() > 0.6, bestMetrics.toString());
        assertTrue(Files.exists(out.resolve("best/model.zip")));
        for (String name : List.of("model.zip", "metrics.json", "history.csv", "job.conf")) {
            assertTrue(Files.exists(out.resolve("trials/t001").resolve(name)), name);
        }
        assertFalse(JSON.readTree(out.resolve("trials/t002/metrics.json").toFile()).has("test"),
                "test metrics for the best trial only");
        assertTrue(run.out().contains("best " + best), run.out());
        assertTrue(Files.readString(out.resolve("report.html")).contains(best), "the sweep's report.html names the best trial");

        // a finished sweep resumed trains nothing and changes no row
        byte[] before = Files.readAllBytes(out.resolve("trials.csv"));
        Cli.Run again = Cli.sparktrain("sweep", "--resume", out.toString());
        assertEquals(0, again.code(), again.err());
        assertEquals(new String(before), new String(Files.readAllBytes(out.resolve("trials.csv"))));
        assertEquals(best, JSON.readTree(out.resolve("sweep.json").toFile()).at("/best/trial").asText());
    }

    @Test
    void aFailingTrialIsMarkedFailedWithItsReasonAndTheSweepGoesOn() throws IOException {
        Path missing = tmp.resolve("no-such-data");
        Path file = sweepFile(1, "base = base.conf", "parallelism = 1",
                "grid { \"data.path\" = [\"" + missing + "\", \"" + TestData.fashionMnist() + "\"] }");
        Path out = tmp.resolve("sweep");
        Cli.Run run = Cli.sparktrain("sweep", file.toString(), "--output", out.toString());
        assertEquals(0, run.code(), run.err());
        List<String> rows = rows(out);
        assertTrue(rows.get(1).startsWith("t001," + missing + ",failed,,0,"), rows.toString());
        assertTrue(rows.get(1).contains("no-such-data"), rows.get(1));
        assertTrue(rows.get(2).startsWith("t002,") && rows.get(2).contains(",done,"), rows.toString());
        assertEquals("t002", JSON.readTree(out.resolve("sweep.json").toFile()).at("/best/trial").asText());
    }

    @Test
    void distributedTrialsTrainOneAfterAnotherWithParameterAveraging() throws IOException {
        Path file = sweepFile(1, "base = base.conf", "strategy = distributed",
                "grid { \"training.averaging-frequency\" = [2, 8] }");
        Path out = tmp.resolve("sweep");
        Cli.Run run = Cli.sparktrain("sweep", file.toString(), "--output", out.toString());
        assertEquals(0, run.code(), run.err());
        List<String> rows = rows(out);
        assertEquals(3, rows.size(), rows.toString());
        rows.subList(1, 3).forEach(r -> assertTrue(r.contains(",done,"), r));
        assertTrue(JSON.readTree(out.resolve("best/metrics.json").toFile()).at("/test/accuracy").asDouble() > 0.6);
        assertEquals("distributed", JSON.readTree(out.resolve("sweep.json").toFile()).at("/strategy").asText());
    }

    @Test
    void ashaStopsTheWorseTrialsAtTheRungs() throws IOException {
        Path file = sweepFile(4, "base = base.conf", "parallelism = 1",
                "random { trials = 6, seed = 11, space { \"training.learning-rate\" = { log-uniform = [1e-5, 1e-1] } } }",
                "early-termination { type = asha, grace-epochs = 1, reduction-factor = 3 }");
        Path out = tmp.resolve("sweep");
        Cli.Run run = Cli.sparktrain("sweep", file.toString(), "--output", out.toString());
        assertEquals(0, run.code(), run.err());
        List<String> rows = rows(out);
        long stopped = rows.stream().filter(r -> r.contains(",stopped,")).count();
        assertTrue(stopped >= 3, "with 6 trials and factor 3 most stop early: " + rows);
        int epochs = JSON.readTree(out.resolve("sweep.json").toFile()).at("/epochsRun").asInt();
        assertTrue(epochs < 24 * 0.6, "ASHA trained " + epochs + " of 24 epochs: " + rows);
        rows.stream().filter(r -> r.contains(",stopped,")).forEach(r -> assertTrue(r.contains("ASHA: not in the best 1/3"), r));
    }

    @Test
    void killedMidwayAndResumedKeepsFinishedRowsAndTrainsOnlyTheRest() throws Exception {
        Path file = sweepFile(2, "base = base.conf", "parallelism = 1",
                "grid { \"training.learning-rate\" = [0.001, 0.003, 0.01, 0.03] }");
        Path out = tmp.resolve("sweep");
        Path log = tmp.resolve("killed.log");
        Process p = Processes.sparktrain(log, "sweep", file.toString(), "--output", out.toString());
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
        while (p.isAlive() && System.nanoTime() < deadline && countRows(out) < 2) {
            Thread.sleep(50);
        }
        assertTrue(countRows(out) >= 2, "two trials finished before the kill: " + Files.readString(log));
        p.destroyForcibly().waitFor(); // SIGKILL
        List<String> before = rows(out);
        assertTrue(before.size() < 5, "killed before the end: " + before);
        int epochsBeforeKill = count(Files.readString(log), "epoch \\d+/2:");
        java.util.Map<String, String> finishedFiles = new java.util.TreeMap<>();
        for (String row : before.subList(1, before.size())) {
            finishedFiles.putAll(snapshot(out.resolve("trials").resolve(row.substring(0, row.indexOf(',')))));
        }

        Path resumedLog = tmp.resolve("resumed.log");
        Process resumed = Processes.sparktrain(resumedLog, "sweep", "--resume", out.toString());
        assertTrue(resumed.waitFor(8, TimeUnit.MINUTES), "resume finished");
        assertEquals(0, resumed.exitValue(), Files.readString(resumedLog));
        int epochsAfter = count(Files.readString(resumedLog), "epoch \\d+/2:");
        List<String> after = rows(out);
        assertEquals(5, after.size(), after.toString());
        assertEquals(before.subList(0, before.size()), after.subList(0, before.size()),
                "rows of trials finished before the kill never change");
        java.util.Map<String, String> finishedAfter = new java.util.TreeMap<>();
        for (String row : before.subList(1, before.size())) {
            finishedAfter.putAll(snapshot(out.resolve("trials").resolve(row.substring(0, row.indexOf(',')))));
        }
        assertEquals(finishedFiles, finishedAfter, "finished trials are not trained again: their files are untouched");
        // progress never goes backwards: at most the epoch that was running at the kill is trained again
        List<String> history = Files.readAllLines(out.resolve("trials/t00" + before.size() + "/history.csv"));
        assertEquals(3, history.size(), history.toString());
        // the work a kill costs: epochs trained before and after it against the sweep's 8
        System.out.printf("sweep kill/resume: %d trials finished before the kill; %d epochs trained before it and %d"
                + " after, of 8%n", before.size() - 1, epochsBeforeKill, epochsAfter);
        assertTrue(epochsBeforeKill + epochsAfter <= 8 * 1.5, epochsBeforeKill + " + " + epochsAfter + " epochs");
        int left = 8 - 2 * (before.size() - 1);
        assertTrue(epochsAfter <= left && epochsAfter >= left - 1, "the resumed sweep trains the " + left
                + " epochs of the unfinished trials, less the one the running trial had checkpointed: " + epochsAfter);
    }

    /** Every file under {@code dir} with its size and modification time. */
    private static java.util.Map<String, String> snapshot(Path dir) throws IOException {
        java.util.Map<String, String> files = new java.util.TreeMap<>();
        try (var walk = Files.walk(dir)) {
            for (Path f : walk.filter(Files::isRegularFile).toList()) {
                files.put(f.toString(), Files.size(f) + "@" + Files.getLastModifiedTime(f).toMillis());
            }
        }
        return files;
    }

    private static int countRows(Path sweep) {
        try {
            return Files.exists(sweep.resolve("trials.csv")) ? Files.readAllLines(sweep.resolve("trials.csv")).size() - 1 : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
