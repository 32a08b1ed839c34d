package sparktrain.driver.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.worker.SparktrainException;
import sparktrain.driver.bench.OverheadBenchmark.Epochs;
import sparktrain.driver.bench.OverheadBenchmark.Measurement;
import sparktrain.worker.training.Communication;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** BENCHMARKS.md's writer: blocks replaced in place or inserted in order, the rest of the file kept. */
class BenchmarksFileTest {
    static final Machine MACHINE = new Machine(2, 24L << 30, "AMD EPYC 7B13", "Eclipse Adoptium 17.0.15",
            "2026-11-23 06:00 UTC", "0123456789abcdef", "Spark 3.5.7, DL4J 1.0.0-M2.1, ND4J 1.0.0-M2.1, Java 17.0.15",
            "clean");

    /** The versions come from the jars this JVM loaded and the tree's state from the launcher; both reach every block. */
    @Test
    void blocksRecordTheRunsVersionsAndWhetherTheTreeWasDirty() {
        String before = System.getProperty("sparktrain.git.dirty");
        try {
            System.setProperty("sparktrain.git.dirty", "true");
            Machine dirty = Machine.detect();
            assertEquals("dirty", dirty.tree());
            String versions = dirty.versions();
            assertTrue(versions.matches("Spark 3\\.5\\.\\d+, DL4J 1\\.0\\.0-M2(\\.1)?, ND4J 1\\.0\\.0-M2(\\.1)?, Java .+"), versions);
            assertTrue(versions.endsWith("Java " + System.getProperty("java.version")), versions);
            String provenance = BenchmarksFile.provenance(dirty, "scripts/bench overhead", "60000 images");
            assertTrue(provenance.contains("(dirty tree)") && provenance.contains(versions), provenance);
            String machine = BenchmarksFile.machineBlock(dirty, "scripts/bench overhead");
            assertTrue(machine.contains("(dirty tree)") && machine.contains(versions), machine);
            System.setProperty("sparktrain.git.dirty", "false");
            assertEquals("clean", Machine.detect().tree());
            System.clearProperty("sparktrain.git.dirty");
            assertEquals("unknown", Machine.detect().tree(), "a JVM not started by scripts/sparktrain");
        } finally {
            if (before == null) {
                System.clearProperty("sparktrain.git.dirty");
            } else {
                System.setProperty("sparktrain.git.dirty", before);
            }
        }
    }

    @Test
    void replacesABlockAndKeepsEverythingAroundIt() {
        String doc = "# Benchmarks\n\nintro\n\n<!-- bench:overhead -->\nold numbers\n<!-- /bench:overhead -->\n\n# Earlier\nkept\n";
        String next = BenchmarksFile.replace(doc, "overhead", "new numbers\n");
        assertEquals("# Benchmarks\n\nintro\n\n<!-- bench:overhead -->\nnew numbers\n<!-- /bench:overhead -->\n\n# Earlier\nkept\n", next);
        assertEquals(next, BenchmarksFile.replace(next, "overhead", "new numbers"), "rewriting the same is a no-op");
    }

    @Test
    void insertsAMissingBlockAfterTheBlocksBeforeIt() {
        String doc = "# B\n\n<!-- bench:machine -->\nm\n<!-- /bench:machine -->\n\n<!-- bench:scaling -->\ns\n<!-- /bench:scaling -->\n\ntail\n";
        String next = BenchmarksFile.replace(doc, "mllib", "peer");
        assertTrue(next.indexOf("<!-- /bench:machine -->") < next.indexOf("<!-- bench:mllib -->"));
        assertTrue(next.indexOf("<!-- /bench:mllib -->") < next.indexOf("<!-- bench:scaling -->"));
        assertTrue(next.endsWith("tail\n"));
        String first = BenchmarksFile.replace("# B\n\n<!-- bench:sweeps -->\nx\n<!-- /bench:sweeps -->\n", "machine", "m");
        assertTrue(first.indexOf("<!-- bench:machine -->") < first.indexOf("<!-- bench:sweeps -->"), first);
        assertEquals("# Benchmarks\n\n<!-- bench:sweeps -->\nx\n<!-- /bench:sweeps -->\n", BenchmarksFile.replace("", "sweeps", "x"));
    }

    @Test
    void refusesABrokenOrUnknownBlock() {
        SparktrainException e = assertThrows(SparktrainException.class,
                () -> BenchmarksFile.replace("<!-- bench:mllib -->\nno end\n", "mllib", "x"));
        assertTrue(e.getMessage().contains("<!-- /bench:mllib -->"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BenchmarksFile.replace("", "speed", "x"));
    }

    @Test
    void updateRewritesTheMachineAndOnePartAndKeepsTheOthers(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("BENCHMARKS.md");
        Files.writeString(file, "# Benchmarks\n\nhand-written\n");
        BenchmarksFile.update(file, "overhead", "## Overhead\n\nfirst", MACHINE, "scripts/bench overhead");
        BenchmarksFile.update(file, "sweeps", "## Sweeps\n\nsecond", MACHINE, "scripts/bench sweeps");
        String text = Files.readString(file);
        assertTrue(text.startsWith("# Benchmarks\n\nhand-written\n"), text);
        assertTrue(text.contains("## Overhead\n\nfirst"), text);
        assertTrue(text.contains("## Sweeps\n\nsecond"), text);
        assertTrue(text.contains("Last run: 2026-11-23 06:00 UTC, commit `0123456789` (clean tree), `scripts/bench sweeps`"), text);
        assertTrue(text.contains("2 cores (AMD EPYC 7B13), 24.0 GiB"), text);
        assertEquals(1, text.split("<!-- bench:machine -->", -1).length - 1, "one machine block");
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void machineReadsProcFiles() {
        assertEquals(24_000_000L * 1024, Machine.memTotal(List.of("MemFree: 1 kB", "MemTotal:       24000000 kB")));
        assertEquals("AMD EPYC 7B13", Machine.cpuModel(List.of("processor\t: 0", "model name\t: AMD EPYC 7B13")));
    }

    @Test
    void overheadBlockGivesEachRunsMedianRangeAndRatioToParallelWrapper() {
        BenchContext ctx = new BenchContext(Path.of("conf"), true, Path.of("docs"), MACHINE, "scripts/bench --quick overhead");
        String block = OverheadPart.render(ctx, 1000, List.of(
                new Epochs("single JVM", "DL4J alone", 1000, List.of(5.0, 4.0, 10.0), Communication.NONE),
                new Epochs("ParallelWrapper", "2 workers", 1000, List.of(4.0, 2.0, 5.0), Communication.NONE),
                new Epochs("Spark local[2] averaging", "pa", 1000, List.of(2.5, 2.0, 4.0), new Communication(10, 10))),
                "not measured");
        assertTrue(block.contains("(quick run at small sizes: not the final numbers)"), block);
        assertTrue(block.contains("a warm-up epoch, then 3 timed epochs per configuration"), block);
        // samples/s: 1000 / seconds, median (min-max); ratios of the medians to ParallelWrapper's 250 and one JVM's 200
        assertTrue(block.contains("| single JVM | DL4J alone | 200 (100-250) | 0.80 | 1.00 |"), block);
        assertTrue(block.contains("| ParallelWrapper | 2 workers | 250 (200-500) | 1.00 | 1.25 |"), block);
        assertTrue(block.contains("| Spark local[2] averaging | pa | 400 (250-500) | 1.60 | 2.00 |"), block);
        // round by round: 400/250, 500/500, 250/200
        assertTrue(block.contains("against ParallelWrapper, the peer on one machine: **1.600x** (round by round 1.25"
                + " (1.00-1.60)); goal at least 0.95x: met."), block);
        assertTrue(block.contains("1,000 training images"), block);
    }

    @Test
    void scalingBlockGivesTheFormulaTheCheckThePredictionAndThePlot(@TempDir Path dir) throws Exception {
        BenchContext ctx = new BenchContext(Path.of("conf"), false, dir.resolve("docs"), MACHINE, "scripts/bench scaling");
        CostModel.Workload lenet = new CostModel.Workload("LeNet-5", 431_080, 862_160, 3200, 32, 10);
        CostModel.Calibration avg = CostModel.averaging(lenet, 20.0, 12.0, 3.0);
        CostModel.Calibration share = CostModel.sharing(lenet, 16.0, avg.computeSecondsPerSample(), 0.005);
        List<ScalingPart.Row> rows = List.of(
                new ScalingPart.Row("LeNet-5", CostModel.Mode.AVERAGING, lenet, Spread.of(21.0, 20.0, 19.0),
                        Spread.of(11.0, 12.0, 10.5), new ScalingPart.Phases(20.0, 12.0, 0.5, 14.0, 1.0), avg),
                new ScalingPart.Row("LeNet-5", CostModel.Mode.SHARING, lenet, Spread.of(16.0), Spread.of(9.0), null, share),
                new ScalingPart.Row("resnet-small", CostModel.Mode.AVERAGING, lenet.withSamples(1600), Spread.of(20.0),
                        Spread.of(11.0), null, avg),
                new ScalingPart.Row("resnet-small", CostModel.Mode.SHARING, lenet.withSamples(1600), Spread.of(16.0),
                        Spread.of(9.0), null, share));
        Path plot = dir.resolve("docs").resolve(ScalingPart.PLOT);
        ScalingPart.chart(rows, plot);
        String block = ScalingPart.render(ctx, "spark://127.0.0.1:7077", rows, plot);
        byte[] png = Files.readAllBytes(plot);
        assertTrue(png.length > 1000 && png[1] == 'P' && png[2] == 'N' && png[3] == 'G', "a PNG");
        assertTrue(block.contains("averaging T(n) = steps(n) b c + rounds(n) (o + n a + 2 n 4(P + S) / B)"), block);
        assertTrue(block.contains("![predicted scaling efficiency](docs/scaling.png)"), block);
        // calibrated on 20 s for 1 executor: 2 executors predicted 6.0 s compute + 5 rounds x (0.5 + 2 x 0.3) = 11.5 s
        assertTrue(block.contains("| 20.0 (19.0-21.0) s | 11.0 (10.5-12.0) s | 11.5 s | +4.5% |"), block);
        assertTrue(block.contains("| LeNet-5 | averaging | 431,080 + 862,160 | fit 12.0 s, broadcast 0.50 s, aggregate 14.0 s"), block);
        assertTrue(block.contains("| LeNet-5 | sharing | 431,080 + 0 |"), block);
        // sharing predicted 8.0 s for a measured 9.0 s: -11.1%, within 15%, so both LeNet rows have curves
        assertTrue(block.contains("| LeNet-5 | sharing | 270 s (100%) |"), block); // 1,688 steps x 0.16 s
        // resnet's rows, calibrated on 3,200 images and checked on 1,600, miss: 6.30 s predicted for 11.0 s
        assertTrue(block.contains("| resnet-small | averaging | not predicted: the model calibrated on 1 executor missed"
                + " the measured 2-executor epoch by -42.7% |  |"), block);
        assertTrue(block.contains("Where it ran: spark://127.0.0.1:7077, `scripts/cluster start --workers 2`"), block);
        assertTrue(block.contains("sharing's 2 executors are two JVMs"), block);
        assertTrue(block.contains("3 runs per configuration"), block);
        assertTrue(block.contains("64 executors"), block);
        String local = ScalingPart.render(ctx, "local[2]", rows, plot);
        assertTrue(local.contains("| LeNet-5 | sharing (local mode: one model in one JVM) | 431,080 + 0 |"), local);
        assertTrue(local.contains("Sharing's \"2 executors\" are not two workers"), local);
    }
}
