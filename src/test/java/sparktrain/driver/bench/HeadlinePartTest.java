package sparktrain.driver.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.training.EpochStats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The headline part's reading of the seeds' run directories and its medians. */
class HeadlinePartTest {
    private static final Machine MACHINE = new Machine(2, 24L << 30, "cpu", "java", "2026-12-06 09:00 UTC", "abc",
            "Spark 3.5.7, DL4J 1.0.0-M2.1, ND4J 1.0.0-M2.1, Java 17.0.15", "clean");
    private static final BenchContext CTX = new BenchContext(Path.of("conf"), false, Path.of("docs"), MACHINE,
            "scripts/bench headline");

    private static void seed(Path job, int seed, String test, double wall, long... bytesPerEpoch) throws Exception {
        Path run = Files.createDirectories(job.resolve("s" + seed));
        StringBuilder history = new StringBuilder(EpochStats.csvHeader("accuracy")).append('\n');
        for (int e = 0; e < bytesPerEpoch.length; e++) {
            history.append(new EpochStats(e + 1, 54_000, 60, 0.5, 0.4, 0.9, bytesPerEpoch[e], 0, 10).csvRow()).append('\n');
        }
        Files.writeString(run.resolve("history.csv"), history);
        Files.writeString(run.resolve("metrics.json"), "{\"test\": " + test + "}");
        Files.writeString(job.resolve("s" + seed + ".wall"), wall + "\n");
        Files.writeString(job.resolve("command"), "scripts/submit train conf/x.conf --set seed=SEED\n");
        boolean dirty = job.getFileName().toString().equals("timeseries");
        Files.writeString(run.resolve("run.json"), "{\"versions\": {\"gitCommit\": \"0123456789abcdef\", \"gitDirty\": "
                + dirty + "}}");
    }

    @Test
    void givesEachJobsMedianAndRangeOverTheSeedsAndTheSharingGap(@TempDir Path runs) throws Exception {
        Path averaging = runs.resolve("lenet-averaging");
        seed(averaging, 1, "{\"accuracy\": 0.9150}", 500, 100_000_000, 120_000_000);
        seed(averaging, 2, "{\"accuracy\": 0.9170}", 520, 110_000_000, 130_000_000);
        seed(averaging, 3, "{\"accuracy\": 0.9120}", 480, 90_000_000, 140_000_000);
        Path sharing = runs.resolve("lenet-sharing");
        seed(sharing, 1, "{\"accuracy\": 0.9050}", 400, 1, 2);
        seed(sharing, 2, "{\"accuracy\": 0.9100}", 390, 1, 2);
        seed(sharing, 3, "{\"accuracy\": 0.9080}", 410, 1, 2);
        Path series = runs.resolve("timeseries");
        seed(series, 1, "{\"rmse\": 0.10, \"naiveRmse\": 0.30}", 60, 5);
        seed(series, 2, "{\"rmse\": 0.12, \"naiveRmse\": 0.31}", 70, 5);
        seed(series, 3, "{\"rmse\": 0.11, \"naiveRmse\": 0.29}", 65, 5);

        String block = HeadlinePart.run(CTX, runs, "");
        assertTrue(block.contains("| 0123456789 (clean tree) | test accuracy 0.9150 (0.9120-0.9170) | - | 500 (480-520) s"
                + " | 2 | seed 1"), block);
        assertTrue(block.contains("| 0123456789 (dirty tree) | RMSE 0.1100"), "each row its own commit: " + block);
        assertTrue(block.contains("RMSE 0.1100 (0.1000-0.1200) | 0.3000 (0.2900-0.3100) (the naive forecast)"), block);
        assertTrue(block.contains("seed 1: 0.9150, seed 2: 0.9170, seed 3: 0.9120"), block);
        assertTrue(block.contains("gradient sharing's median test accuracy is **-0.70 points** from parameter averaging's"
                + " (goal: within 0.5), in 0.80x averaging's median wall time."), block);
        assertTrue(block.indexOf("0.9150 (") < block.indexOf("0.9080 (") && block.indexOf("0.9080 (") < block.indexOf("0.1100 ("),
                "rows in the order of HeadlinePart.JOBS: " + block);
    }

    @Test
    void jobsNotTrainedKeepTheirRowsOfTheBlockBefore(@TempDir Path runs) throws Exception {
        String before = """
                | command (SEED = 1, 2, 3) | commit | test metric, median (min-max) | baseline | wall time | epochs | each seed |
                | --- | --- | --- | --- | --- | --- | --- |
                | `scripts/submit train conf/lenet-fashion-mnist.conf --set seed=SEED --master M` | aaaa | test accuracy 0.9125 (0.9122-0.9186) | - | 426 (381-515) s | 6 | seed 1: 0.9125 |
                | `scripts/submit train conf/lenet-fashion-mnist-sharing.conf --set seed=SEED --master M` | bbbb | test accuracy 0.9091 (0.9088-0.9104) | - | 479 (470-534) s | 6 | seed 1: 0.9091 |
                | `scripts/sparktrain train conf/resnet-fashion-mnist.conf --set seed=SEED` | cccc | test accuracy 0.9000 (0.8900-0.9100) | - | 2000 (1900-2100) s | 22 | seed 1: 0.9000 |
                | `scripts/sparktrain train conf/timeseries-lstm-sine.conf --set seed=SEED` | dddd | RMSE 0.1024 (0.1018-0.1116) | 0.3769 (0.3698-0.3780) (the naive forecast) | 121 (108-127) s | 10 | seed 1: 0.1116 |
                """;
        Path resnet = runs.resolve("resnet");
        for (int seed = 1; seed <= 3; seed++) {
            seed(resnet, seed, "{\"accuracy\": 0.907" + seed + "}", 940 + seed, 5);
        }
        String block = HeadlinePart.run(CTX, runs, before);
        List<String> rows = block.lines().filter(l -> l.startsWith("| `")).toList();
        List<String> kept = before.lines().filter(l -> l.startsWith("| `")).toList();
        assertEquals(List.of(kept.get(0), kept.get(1)), rows.subList(0, 2), "the LeNet rows as they were: " + block);
        assertTrue(rows.get(2).contains("| test accuracy 0.9072 (0.9071-0.9073) | - | 942 (941-943) s | 1 |"), block);
        assertEquals(kept.get(3), rows.get(3), block);
        assertEquals(4, rows.size(), "no row for char-lstm, which neither run had: " + block);
        assertTrue(block.contains("gradient sharing's median test accuracy is **-0.34 points** from parameter averaging's"
                + " (goal: within 0.5), in 1.12x averaging's median wall time (run at different commits: bbbb, aaaa)."), block);
        String gap = "LeNet on the cluster: as computed from the exact medians before.";
        assertTrue(HeadlinePart.run(CTX, runs, before + "\n" + gap + "\n").contains("\n" + gap + "\n"),
                "neither LeNet job re-run: its line as it was");

        Path sharing = runs.resolve("lenet-sharing");
        for (int seed = 1; seed <= 3; seed++) {
            seed(sharing, seed, "{\"accuracy\": 0.910" + seed + "}", 470 + seed, 5);
        }
        String oneReRun = HeadlinePart.run(CTX, runs, before + "\n" + gap + "\n");
        assertFalse(oneReRun.contains(gap), "a LeNet job re-run: the line computed again: " + oneReRun);
        assertTrue(oneReRun.contains("**-0.23 points**") && oneReRun.contains("in 1.11x"), oneReRun);

        BenchContext quick = new BenchContext(Path.of("conf"), true, Path.of("docs"), MACHINE, "scripts/bench --quick headline");
        assertEquals(2, HeadlinePart.run(quick, runs, before).lines().filter(l -> l.startsWith("| `")).count(),
                "a quick run keeps no full run's rows");

        String noOuterPipe = before.replace("| 10 | seed 1: 0.1116 |", "| 10 | seed 1: 0.1116");
        assertTrue(HeadlinePart.run(CTX, runs, noOuterPipe).contains("| 10 | seed 1: 0.1116 |\n"), "the last cell whole");
        String broken = before.replace("| dddd | RMSE 0.1024 (0.1018-0.1116) |", "| dddd |");
        SparktrainException e = assertThrows(SparktrainException.class, () -> HeadlinePart.run(CTX, runs, broken));
        assertTrue(e.getMessage().startsWith("BENCHMARKS.md: the headline block's row of timeseries-lstm-sine.conf is not"
                + " 7 cells"), e.getMessage());
    }

    @Test
    void fewerThanThreeFinishedSeedsNameTheDirectory(@TempDir Path runs) throws Exception {
        Path job = runs.resolve("char-lstm");
        seed(job, 1, "{\"bitsPerChar\": 2.4, \"unigramBitsPerChar\": 4.77}", 1000, 3);
        seed(job, 2, "{\"bitsPerChar\": 2.5, \"unigramBitsPerChar\": 4.77}", 1000, 3);
        Files.createDirectories(job.resolve("s3"));
        SparktrainException e = assertThrows(SparktrainException.class, () -> HeadlinePart.run(CTX, runs, ""));
        assertTrue(e.getMessage().contains(job.resolve("s3").resolve("metrics.json") + ": missing"), e.getMessage());
    }

    @Test
    void aJobWithTwoSeedsRunIsAnErrorSayingThreeAreNeeded(@TempDir Path runs) throws Exception {
        Path job = runs.resolve("timeseries");
        seed(job, 1, "{\"rmse\": 0.10, \"naiveRmse\": 0.30}", 60, 5);
        seed(job, 2, "{\"rmse\": 0.12, \"naiveRmse\": 0.31}", 70, 5);
        SparktrainException e = assertThrows(SparktrainException.class, () -> HeadlinePart.run(CTX, runs, ""));
        assertTrue(e.getMessage().contains(job + " holds 2 finished runs (s<seed>/ with metrics.json); need 3"),
                e.getMessage());
    }

    @Test
    void seedsRunAtDifferentCommitsAreAnError(@TempDir Path runs) throws Exception {
        Path job = runs.resolve("char-lstm");
        for (int seed = 1; seed <= 3; seed++) {
            seed(job, seed, "{\"bitsPerChar\": 2.5, \"unigramBitsPerChar\": 4.8}", 900, 5);
        }
        Files.writeString(job.resolve("s3/run.json"), "{\"versions\": {\"gitCommit\": \"fedcba9876543210\"}}");
        SparktrainException e = assertThrows(SparktrainException.class, () -> HeadlinePart.run(CTX, runs, ""));
        assertTrue(e.getMessage().contains(job + ": its seeds ran at different commits [0123456789 (clean tree),"
                + " fedcba9876]"), e.getMessage());
    }

    @Test
    void noJobAtAllIsAnError(@TempDir Path runs) {
        SparktrainException e = assertThrows(SparktrainException.class, () -> HeadlinePart.run(CTX, runs, ""));
        assertTrue(e.getMessage().contains("holds none of the jobs"), e.getMessage());
        assertEquals(List.of("lenet-averaging", "lenet-sharing", "resnet", "char-lstm", "timeseries"),
                HeadlinePart.JOBS.stream().map(HeadlinePart.Job::name).toList());
    }
}
