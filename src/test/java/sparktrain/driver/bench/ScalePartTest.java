package sparktrain.driver.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.training.EpochStats;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scale part's reading of a run's history.csv, the driver's GC log, GNU time's report and the log. */
class ScalePartTest {
    private static final Machine MACHINE = new Machine(2, 24L << 30, "cpu", "java", "2026-12-06 09:00 UTC", "abc",
            "Spark 3.5.7, DL4J 1.0.0-M2.1, ND4J 1.0.0-M2.1, Java 17.0.15", "clean");

    private static void run(Path dir, int copies, long samples, double seconds, String gcAfter, long rssKb,
                            double accuracy) throws Exception {
        Path run = Files.createDirectories(dir.resolve("c" + copies));
        Files.writeString(run.resolve("history.csv"), EpochStats.csvHeader("accuracy") + "\n"
                + new EpochStats(1, samples, seconds, 0.5, 0.5, 0.8, 0, 0, 5).csvRow() + "\n");
        Files.writeString(run.resolve("metrics.json"), "{\"test\": {\"accuracy\": " + accuracy + ", \"classes\": 10}}");
        Files.writeString(dir.resolve("c" + copies + ".gc.log"), gcAfter);
        Files.writeString(dir.resolve("c" + copies + ".time"), "\tCommand being timed: \"scripts/submit\"\n"
                + "\tMaximum resident set size (kbytes): " + rssKb + "\n");
        Files.writeString(dir.resolve("c" + copies + ".log"), "12:00:01 INFO  RunTraining: test set scored in 7.5 s\n");
    }

    @Test
    void readsTheLargestHeapAfterGcAndComparesTheLastRunWithTheFirst(@TempDir Path runs) throws Exception {
        run(runs, 1, 54_000, 20, """
                [0.812s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 51M->12M(1024M) 4.101ms
                [9.100s][info][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 120M->80M(1024M) 6.001ms
                [20.00s][info][gc] GC(2) Pause Young (Normal) (G1 Evacuation Pause) 150M->60M(1024M) 6.001ms
                """, 900_000, 0.85);
        run(runs, 16, 864_000, 340, "[1.0s][info][gc] GC(0) Pause Young (Normal) (G1 Evacuation Pause) 200M->88M(1024M) 3ms\n",
                950_000, 0.86);
        List<ScalePart.Run> read = ScalePart.read(runs);
        assertEquals(List.of(1, 16), read.stream().map(ScalePart.Run::copies).toList());
        assertEquals(80, read.get(0).heapAfterGcMiB());
        assertEquals(878, read.get(0).rssMiB());
        assertEquals(7.5, read.get(0).testSeconds());
        assertEquals(864_000L * (784 + 10) * 4, read.get(1).floatMinibatchBytes());
        String block = ScalePart.render(new BenchContext(Path.of("conf"), false, runs, MACHINE, "scripts/bench scale"),
                "1 16 copies", read);
        assertTrue(block.contains("the driver's heap **1.10x**"), block);
        assertTrue(block.contains("samples/s **0.94x**"), block);
        assertTrue(block.contains("2.74 GB"), block);
        assertTrue(block.contains("One run per size, in the table's order, each a new driver (no warm-up, no repeats):"
                + " single measurements, not medians."), block);
    }

    @Test
    void aHistoryWithoutEpochsNamesTheRunAndItsLog(@TempDir Path runs) throws Exception {
        Files.writeString(Files.createDirectories(runs.resolve("c4")).resolve("history.csv"),
                EpochStats.csvHeader("accuracy") + "\n");
        SparktrainException e = assertThrows(SparktrainException.class, () -> ScalePart.read(runs));
        assertTrue(e.getMessage().startsWith("bench scale: ") && e.getMessage().contains("c4/history.csv: no epoch")
                && e.getMessage().contains("c4.log"), e.getMessage());
    }
}
