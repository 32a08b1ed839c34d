package sparktrain.driver.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.training.EpochStats;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The frequency part's reading of the trainings' history.csv: target, best fixed frequency, ratio. */
class FrequencyPartTest {
    private static final Machine MACHINE = new Machine(2, 24L << 30, "cpu", "java", "2026-11-23 09:00 UTC", "abc",
            "Spark 3.5.7, DL4J 1.0.0-M2.1, ND4J 1.0.0-M2.1, Java 17.0.15", "clean");

    /** One run: each epoch's seconds and validation accuracy, at the given frequencies. */
    private static void run(Path dir, String label, double[] seconds, double[] accuracy, int[] frequency) throws Exception {
        Path run = Files.createDirectories(dir.resolve(label));
        StringBuilder csv = new StringBuilder(EpochStats.csvHeader("accuracy")).append('\n');
        for (int i = 0; i < seconds.length; i++) {
            csv.append(new EpochStats(i + 1, 7200, seconds[i], 0.5, 0.5, accuracy[i], 0, 0, frequency[i]).csvRow()).append('\n');
        }
        Files.writeString(run.resolve("history.csv"), csv);
    }

    @Test
    void comparesAutoWithTheFixedFrequencyThatReachesTheTargetSoonest(@TempDir Path runs) throws Exception {
        Path local = runs.resolve("local");
        run(local, "f2", new double[] {30, 30, 30}, new double[] {0.85, 0.88, 0.90}, new int[] {2, 2, 2});
        run(local, "f10", new double[] {20, 20, 20}, new double[] {0.84, 0.87, 0.89}, new int[] {10, 10, 10});
        run(local, "f50", new double[] {15, 15, 15}, new double[] {0.80, 0.84, 0.86}, new int[] {50, 50, 50});
        run(local, "auto", new double[] {20, 16, 16}, new double[] {0.84, 0.86, 0.89}, new int[] {10, 30, 30});

        FrequencyPart.Outcome o = FrequencyPart.outcome("local", FrequencyPart.read(local));
        assertEquals(0.86, o.target(), 1e-9, "the lowest best accuracy: f50's");
        // to 0.86: f2 after 60 s (epoch 2), f10 after 40 s (epoch 2), f50 after 45 s (epoch 3), auto after 36 s
        assertEquals("10", o.bestFixed().label());
        assertEquals(36.0, o.auto().secondsTo(o.target()), 1e-9);
        assertEquals(0.9, o.ratio(), 1e-9);
        assertEquals("10, 30, 30", o.auto().frequencies());

        BenchContext ctx = new BenchContext(runs, false, runs, MACHINE, "scripts/bench frequency");
        String block = FrequencyPart.run(ctx, runs, "test sizes");
        assertTrue(block.contains("| auto | 10, 30, 30 | 0.8900 |"), block);
        assertTrue(block.contains("**0.90x**"), block);
    }

    @Test
    void aMissingHistoryNamesTheRunAndItsLog(@TempDir Path runs) throws Exception {
        Files.createDirectories(runs.resolve("local/f5"));
        SparktrainException e = assertThrows(SparktrainException.class, () -> FrequencyPart.read(runs.resolve("local")));
        assertTrue(e.getMessage().contains("f5/history.csv: missing") && e.getMessage().contains("f5.log"), e.getMessage());
    }

    @Test
    void noRunsIsAUsageError(@TempDir Path runs) {
        BenchContext ctx = new BenchContext(runs, false, runs, MACHINE, "scripts/bench frequency");
        SparktrainException e = assertThrows(SparktrainException.class, () -> FrequencyPart.run(ctx, runs, ""));
        assertTrue(e.getMessage().contains("holds no local/ or cluster/ runs"), e.getMessage());
    }
}
