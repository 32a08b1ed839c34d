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

/** The communication part's reading of the two cluster runs and the models it puts beside their measured bytes. */
class CommunicationPartTest {
    private static final Machine MACHINE = new Machine(2, 24L << 30, "cpu", "java", "2026-12-06 09:00 UTC", "abc",
            "Spark 3.5.7, DL4J 1.0.0-M2.1, ND4J 1.0.0-M2.1, Java 17.0.15", "clean");
    private static final BenchContext CTX = new BenchContext(Path.of("conf"), false, Path.of("docs"), MACHINE,
            "scripts/bench communication");

    private static Path run(Path runs, String mode, String log, EpochStats... epochs) throws Exception {
        Path run = Files.createDirectories(runs.resolve(mode));
        StringBuilder history = new StringBuilder(EpochStats.csvHeader("accuracy")).append('\n');
        for (EpochStats e : epochs) {
            history.append(e.csvRow()).append('\n');
        }
        Files.writeString(run.resolve("history.csv"), history);
        Files.writeString(runs.resolve(mode + ".log"), log);
        return run;
    }

    /** The run.json of an averaging run that trained with {@code workers} workers (the keys the part reads). */
    private static Path withWorkers(Path run, int workers) throws Exception {
        Files.writeString(run.resolve("run.json"), "{\"name\": \"lenet\", \"workers\": " + workers + "}");
        return run;
    }

    @Test
    void averagingsModelCountsRoundsAndSharingsIsTheEncodedCountFromTheLog(@TempDir Path runs) throws Exception {
        // 6,400 samples / batch 32 = 200 minibatches; 2 workers x frequency 10 = 20 per round: 10 rounds
        Path averaging = withWorkers(run(runs, "averaging", "",
                new EpochStats(1, 6_400, 10, 0.5, 0.4, 0.8, 200_000_000, 200_000_000, 10)), 2);
        List<CommunicationPart.Epoch> a = CommunicationPart.averaging(averaging, 32, 4_000_000);
        assertEquals(2L * 10 * 2 * 4_000_000, a.get(0).model());
        assertEquals(-0.2, a.get(0).modelError(), 1e-9);

        Path sharing = run(runs, "sharing", """
                10:00:01 INFO  GradientSharing: gradient sharing, epoch 1: Aeron sent 3000000 bytes (a 1, b 2), Spark moved 1000000 (broadcasts 500000, task results 500000); DL4J encoded 1000000 bytes of updates (one count per update, before fan-out and framing), 400000000 dense
                10:01:01 INFO  GradientSharing: gradient sharing, epoch 2: Aeron sent 1500000 bytes (a 1, b 2), Spark moved 500000 (broadcasts 0, task results 500000); DL4J encoded 500000 bytes of updates (one count per update, before fan-out and framing), 400000000 dense
                """,
                new EpochStats(1, 6_400, 12, 0.5, 0.4, 0.8, 4_000_000, 400_000_000, 0),
                new EpochStats(2, 6_400, 12, 0.5, 0.4, 0.8, 2_000_000, 400_000_000, 0));
        List<CommunicationPart.Epoch> s = CommunicationPart.sharing(sharing);
        assertEquals(List.of(1_000_000L, 500_000L), s.stream().map(CommunicationPart.Epoch::model).toList());

        String block = CommunicationPart.render(CTX, "2 epochs", 431_080, 862_160, a, s);
        assertTrue(block.contains("| averaging | 1 | 6,400 | 200.0 MB | 160.0 MB | -20% | 200.0 MB | 100.00% |"), block);
        assertTrue(block.contains("| sharing | 1 | 6,400 | 4.0 MB | 1.0 MB | -75% | 400.0 MB | 1.00% |"), block);
        assertTrue(block.contains("| sharing | 2 | 6,400 | 2.0 MB | 500.0 kB | -75% | 400.0 MB | 0.50% |"), block);
        assertTrue(block.contains("Epoch 1: sharing's measured bytes are **2.00%** of averaging's (4.0 MB against"
                + " 200.0 MB; goal: at most 1%: not met)."), block);
        assertTrue(block.contains("on the 2-worker cluster"), block);
    }

    @Test
    void averagingsModelUsesTheWorkersTheRunRecorded(@TempDir Path runs) throws Exception {
        // 3 workers x frequency 10 = 30 minibatches per round: 200 / 30 = 6 rounds of 3 workers
        Path averaging = withWorkers(run(runs, "averaging", "",
                new EpochStats(1, 6_400, 10, 0.5, 0.4, 0.8, 200_000_000, 200_000_000, 10)), 3);
        CommunicationPart.Epoch a = CommunicationPart.averaging(averaging, 32, 4_000_000).get(0);
        assertEquals(2L * 6 * 3 * 4_000_000, a.model());
        assertEquals(-0.28, a.modelError(), 1e-9);
    }

    @Test
    void anAveragingRunWithoutItsWorkersIsAnErrorNamingItsRunJson(@TempDir Path runs) throws Exception {
        Path averaging = run(runs, "averaging", "",
                new EpochStats(1, 6_400, 10, 0.5, 0.4, 0.8, 200_000_000, 200_000_000, 10));
        SparktrainException missing = assertThrows(SparktrainException.class,
                () -> CommunicationPart.averaging(averaging, 32, 4_000_000));
        assertTrue(missing.getMessage().contains(averaging.resolve("run.json") + ": missing"), missing.getMessage());
        Files.writeString(averaging.resolve("run.json"), "{\"workers\": 0}");
        SparktrainException zero = assertThrows(SparktrainException.class,
                () -> CommunicationPart.averaging(averaging, 32, 4_000_000));
        assertTrue(zero.getMessage().contains(averaging.resolve("run.json") + ": workers = 0: must be a whole number >= 1"),
                zero.getMessage());
        Files.writeString(averaging.resolve("run.json"), "{\"name\": \"lenet\"}");
        SparktrainException absent = assertThrows(SparktrainException.class,
                () -> CommunicationPart.averaging(averaging, 32, 4_000_000));
        assertTrue(absent.getMessage().contains("workers = missing"), absent.getMessage());
    }

    @Test
    void aSharingEpochWithoutItsLogLineIsAnErrorNamingTheLog(@TempDir Path runs) throws Exception {
        Path sharing = run(runs, "sharing", "nothing here\n",
                new EpochStats(1, 6_400, 12, 0.5, 0.4, 0.8, 4_000_000, 400_000_000, 0));
        SparktrainException e = assertThrows(SparktrainException.class, () -> CommunicationPart.sharing(sharing));
        assertTrue(e.getMessage().contains(runs.resolve("sharing.log") + ": no \"DL4J encoded\" line for epoch 1"),
                e.getMessage());
    }
}
