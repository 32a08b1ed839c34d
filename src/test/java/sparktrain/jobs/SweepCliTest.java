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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sweep end to end on local[2]: trials.csv, best/, failed trials, ASHA, and resume after a kill -9 (with and without ASHA). */
class SweepCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private Path sweepFile(int epochs, String... lines) throws IOException {
        return sweepFile(epochs, 2000, lines);
    }

    private Path sweepFile(int epochs, int images, String... lines) throws IOException {
        JobFile.write(tmp.resolve("base.conf"),
                "name = sweep-test",
                JobFile.fashionMnist(),
                "data.train-limit = " + images,
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

    /** A small ASHA sweep: 6 learning rates, 4 epochs, rungs at epochs 1 and 2 (factor 2), ranked by validation loss. */
    private Path ashaSweep() throws IOException {
        return sweepFile(4, 500, "base = base.conf", "parallelism = 1", "metric = validation.loss",
                "random { trials = 6, seed = 11, space { \"training.learning-rate\" = { log-uniform = [1e-4, 1e-1] } } }",
                "early-termination { type = asha, grace-epochs = 1, reduction-factor = 2 }");
    }

    @Test
    void ashaPromotesTheTopOfEachRungAndPausesTheRest() throws IOException {
        Path out = tmp.resolve("sweep");
        Cli.Run run = Cli.sparktrain("sweep", ashaSweep().toString(), "--output", out.toString());
        assertEquals(0, run.code(), run.err());
        List<String> rows = rows(out);
        assertEquals(7, rows.size(), rows.toString());
        Rungs rungs = Rungs.check(out, 2);
        assertEquals(6, rungs.reached(1), "every trial reaches the first rung: " + rungs.lines);
        assertTrue(rungs.promoted(1) >= 3, "the top 3 of 6 go on from epoch 1, at least: " + rungs.lines);
        int epochs = 0;
        for (String row : rows.subList(1, rows.size())) {
            String trial = row.substring(0, row.indexOf(','));
            int trained = Integer.parseInt(row.split(",")[4]);
            epochs += trained;
            if (row.contains(",paused,")) {
                assertTrue(row.contains("ASHA: waiting at epoch " + trained + " (rank "), row);
                assertTrue(rungs.waits(trial, trained), trial + " waits at epoch " + trained + ": " + rungs.lines);
            } else {
                assertTrue(row.contains(",done,") && trained == 4, row);
            }
        }
        assertTrue(rows.stream().anyMatch(r -> r.contains(",paused,")), rows.toString());
        JsonNode sweep = JSON.readTree(out.resolve("sweep.json").toFile());
        assertEquals(epochs, sweep.at("/epochsRun").asInt());
        assertTrue(epochs < 24 * 0.7, "ASHA trained " + epochs + " of 24 epochs: " + rows);
        assertEquals(6, sweep.at("/rungs/0/reached").asInt(), sweep.toString());
        assertEquals(rungs.promoted(1), sweep.at("/rungs/0/promoted").asInt(), sweep.toString());
        assertTrue(sweep.at("/statuses/paused").asInt() >= 1, sweep.toString());
        assertTrue(Files.readString(out.resolve("report.html")).contains(">paused<"), "the report shows paused trials");
    }

    @Test
    void ashaKilledAndResumedNeitherRetrainsAFinishedTrialNorChangesADecision() throws Exception {
        Path file = ashaSweep();
        Path out = tmp.resolve("sweep");
        Path log = tmp.resolve("killed.log");
        Process p = Processes.sparktrain(log, "sweep", file.toString(), "--output", out.toString());
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
        while (p.isAlive() && System.nanoTime() < deadline && countRows(out) < 1) {
            Thread.sleep(50);
        }
        p.destroyForcibly().waitFor(); // SIGKILL
        assertTrue(countRows(out) >= 1, "a trial finished before the kill: " + Files.readString(log));
        assertFalse(Files.exists(out.resolve("sweep.json")), "killed before the end: " + Files.readString(log));
        List<String> before = rows(out);
        List<String> decisions = Files.readAllLines(out.resolve("rungs.csv"));
        assertTrue(decisions.stream().anyMatch(l -> l.startsWith("promoted,")), decisions.toString());
        Map<String, String> finishedFiles = new TreeMap<>();
        List<String> finished = before.subList(1, before.size()).stream().map(r -> r.substring(0, r.indexOf(','))).toList();
        for (String trial : finished) {
            finishedFiles.putAll(snapshot(out.resolve("trials").resolve(trial)));
        }

        Path resumedLog = tmp.resolve("resumed.log");
        Process resumed = Processes.sparktrain(resumedLog, "sweep", "--resume", out.toString());
        assertTrue(resumed.waitFor(8, TimeUnit.MINUTES), "resume finished");
        String resumedText = Files.readString(resumedLog);
        assertEquals(0, resumed.exitValue(), resumedText);
        List<String> after = rows(out);
        assertEquals(7, after.size(), after.toString());
        for (String row : before.subList(1, before.size())) {
            assertTrue(after.contains(row), "rows of trials finished before the kill never change: " + row);
        }
        Map<String, String> finishedAfter = new TreeMap<>();
        for (String trial : finished) {
            finishedAfter.putAll(snapshot(out.resolve("trials").resolve(trial)));
            assertFalse(resumedText.contains("sweep trial " + trial + " ("), trial + " finished: not trained again");
        }
        assertEquals(finishedFiles, finishedAfter, "finished trials are not trained again: their files are untouched");
        List<String> decisionsAfter = Files.readAllLines(out.resolve("rungs.csv"));
        assertEquals(decisions, decisionsAfter.subList(0, decisions.size()),
                "every arrival and promotion recorded before the kill stands, in its order");
        Rungs rungs = Rungs.check(out, 2);
        for (String line : decisions) {
            if (line.startsWith("promoted,")) {
                String[] f = line.split(",");
                int trained = Integer.parseInt(after.stream().filter(r -> r.startsWith(f[1] + ",")).findFirst()
                        .orElseThrow().split(",")[4]);
                assertTrue(trained > Integer.parseInt(f[2]), f[1] + " was promoted from epoch " + f[2]
                        + " before the kill and trained past it: " + after);
            }
        }
        assertEquals(6, rungs.reached(1), rungs.lines.toString());
        System.out.printf("ASHA kill/resume: %d events recorded before the kill (%d promotions), trials %s finished;"
                        + " the resumed run trained %d segments and recorded %d more events%n", decisions.size() - 1,
                decisions.stream().filter(l -> l.startsWith("promoted,")).count(), finished,
                count(resumedText, "sweep trial t\\d+ \\("), decisionsAfter.size() - decisions.size());

        // an unreadable trial.json is an error naming it, not a silent retraining
        Path result = out.resolve("trials").resolve(finished.get(0)).resolve("trial.json");
        Files.writeString(result, "{\"status\": ");
        byte[] table = Files.readAllBytes(out.resolve("trials.csv"));
        Cli.Run broken = Cli.sparktrain("sweep", "--resume", out.toString());
        assertEquals(2, broken.code(), broken.err());
        assertTrue(broken.err().startsWith("sparktrain: error: ") && broken.err().contains(result.toString())
                && broken.err().contains("not a trial result"), broken.err());
        assertEquals(new String(table), Files.readString(out.resolve("trials.csv")));
        assertEquals(decisionsAfter, Files.readAllLines(out.resolve("rungs.csv")));
    }

    /**
     * rungs.csv replayed against the published rule: each arrival carries the trial's validation loss at that
     * epoch (history.csv), each promotion is of a trial in the top floor(n/eta) of the n at its rung then, and at
     * the end no rung has a promotable trial left.
     */
    record Rungs(List<String> lines, Map<Integer, List<String>> arrivals, Map<String, Double> metrics,
                 java.util.Set<String> promotions) {
        static Rungs check(Path sweep, int eta) throws IOException {
            List<String> lines = Files.readAllLines(sweep.resolve("rungs.csv"));
            assertEquals("event,trial,epoch,metric", lines.get(0));
            Rungs r = new Rungs(lines, new TreeMap<>(), new java.util.HashMap<>(), new java.util.HashSet<>());
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.split(",", -1);
                int rung = Integer.parseInt(f[2]);
                String key = f[1] + "@" + rung;
                if (f[0].equals("arrived")) {
                    double metric = Double.parseDouble(f[3]);
                    List<String> history = Files.readAllLines(sweep.resolve("trials").resolve(f[1]).resolve("history.csv"));
                    assertEquals(Double.parseDouble(history.get(rung).split(",")[5]), metric, 1e-6,
                            "judged on its metric at the rung: " + line);
                    r.arrivals.computeIfAbsent(rung, k -> new ArrayList<>()).add(f[1]);
                    r.metrics.put(key, metric);
                } else {
                    assertEquals("promoted", f[0], line);
                    assertTrue(r.rank(f[1], rung) < r.arrivals.get(rung).size() / eta, "in the top floor(n/eta) when"
                            + " promoted: " + line + " in " + lines);
                    assertTrue(r.promotions.add(key), "promoted once: " + line);
                }
            }
            r.arrivals.forEach((rung, trials) -> trials.forEach(t -> assertFalse(
                    r.rank(t, rung) < trials.size() / eta && !r.promotions.contains(t + "@" + rung),
                    t + " was promotable from epoch " + rung + " when the search ended: " + lines)));
            return r;
        }

        /** 0 for the lowest loss; an earlier arrival first among equals. */
        int rank(String trial, int rung) {
            List<String> at = arrivals.get(rung);
            double metric = metrics.get(trial + "@" + rung);
            int rank = 0;
            for (String other : at) {
                double m = metrics.get(other + "@" + rung);
                if (m < metric || (m == metric && at.indexOf(other) < at.indexOf(trial))) {
                    rank++;
                }
            }
            return rank;
        }

        int reached(int rung) {
            return arrivals.getOrDefault(rung, List.of()).size();
        }

        int promoted(int rung) {
            return (int) promotions.stream().filter(k -> k.endsWith("@" + rung)).count();
        }

        boolean waits(String trial, int rung) {
            return arrivals.getOrDefault(rung, List.of()).contains(trial) && !promotions.contains(trial + "@" + rung);
        }
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
