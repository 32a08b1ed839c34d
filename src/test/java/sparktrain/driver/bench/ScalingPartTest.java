package sparktrain.driver.bench;

import org.deeplearning4j.nn.api.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.driver.bench.CostModel.Calibration;
import sparktrain.driver.bench.CostModel.Mode;
import sparktrain.driver.bench.CostModel.Workload;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.data.FashionMnist;
import sparktrain.worker.model.NetworkFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rule that publishes a curve only when its 2-executor check passed, and the updater state averaging ships. */
class ScalingPartTest {
    private static final Machine MACHINE = BenchmarksFileTest.MACHINE;
    // calibrated on 20 s for 1 executor, the model predicts 11.5 s for 2 (see BenchmarksFileTest)
    private static final Workload W = new Workload("LeNet-5", 431_080, 0, 3200, 32, 10);
    private static final Calibration C = CostModel.averaging(W, 20.0, 12.0, 3.0);

    private static ScalingPart.Row measuredOn2(double seconds2) {
        return new ScalingPart.Row("LeNet-5", Mode.AVERAGING, W, Spread.of(20.0), Spread.of(seconds2), null, C);
    }

    @Test
    void aCurveIsPublishedOnlyWithin15PercentEitherSide() {
        assertEquals(11.5, measuredOn2(11.5).predicted2(), 1e-9);
        ScalingPart.Row over = measuredOn2(11.5 / 1.149);   // predicted 14.9% above the measurement
        ScalingPart.Row overMore = measuredOn2(11.5 / 1.151);
        ScalingPart.Row under = measuredOn2(11.5 / 0.851);  // 14.9% below
        ScalingPart.Row underMore = measuredOn2(11.5 / 0.849);
        assertEquals(0.149, over.error(), 1e-9);
        assertTrue(over.predicted());
        assertTrue(under.predicted());
        assertFalse(overMore.predicted());
        assertFalse(underMore.predicted());
        assertEquals("not predicted: the model calibrated on 1 executor missed the measured 2-executor epoch by +15.1%",
                overMore.notPredicted());
        assertTrue(underMore.notPredicted().endsWith("by -15.1%"), underMore.notPredicted());
    }

    @Test
    void theTableKeepsThePassedRowsAndSaysWhyTheOthersAreNot(@TempDir Path dir) {
        BenchContext ctx = new BenchContext(Path.of("conf"), false, dir.resolve("docs"), MACHINE, "scripts/bench scaling");
        Path plot = dir.resolve("docs").resolve(ScalingPart.PLOT);
        String some = ScalingPart.prediction(ctx, List.of(measuredOn2(11.0), measuredOn2(11.5 / 0.849)), plot);
        // the passed row, a full epoch: 1,688 steps x 32 x 3.75 ms + 169 rounds x (0.5 + 0.3 + 2 x 4P / B) s
        assertTrue(some.contains("| LeNet-5 | averaging | 338 s (100%) | 195 s (87%) |"), some);
        assertTrue(some.contains("| LeNet-5 | averaging | not predicted: the model calibrated on 1 executor missed the"
                + " measured 2-executor epoch by -15.1% |  |  |"), some);
        assertTrue(some.contains("![predicted scaling efficiency](docs/scaling.png)"), some);

        String none = ScalingPart.prediction(ctx, List.of(measuredOn2(11.5 / 1.151), measuredOn2(11.5 / 0.849)), plot);
        assertTrue(none.startsWith("No curve is predicted: no 2-executor check is within ±15%."), none);
        assertTrue(none.contains("- LeNet-5, averaging: not predicted: the model calibrated on 1 executor missed the"
                + " measured 2-executor epoch by +15.1%."), none);
        assertFalse(none.contains("|") || none.contains("!["), "no table, no plot: " + none);
    }

    @Test
    void noPassedRowLeavesNoPlot(@TempDir Path dir) throws Exception {
        Path plot = dir.resolve(ScalingPart.PLOT);
        ScalingPart.chart(List.of(measuredOn2(11.0)), plot);
        assertTrue(Files.size(plot) > 1000);
        ScalingPart.chart(List.of(), plot);
        assertFalse(Files.exists(plot), "an old plot of curves no longer published is removed");
    }

    @Test
    void theErrorIsAgainstTheMedianOfTheRunsOn2Executors() {
        ScalingPart.Row row = new ScalingPart.Row("LeNet-5", Mode.AVERAGING, W, Spread.of(20.0, 25.0, 19.0),
                Spread.of(30.0, 11.5, 10.0), null, C);
        assertEquals(0, row.error(), 1e-9);
    }

    @Test
    void onAClusterEachRunAsksForItsExecutorsAndWaitsForThem() {
        assertEquals(List.of("training.threads-per-worker=1", "training.workers=2", "training.mode=sharing"),
                List.of(ScalingPart.executors("local[2]", 2, "training.mode=sharing")));
        assertEquals(List.of("training.threads-per-worker=1", "training.workers=1",
                        "spark.conf.\"spark.cores.max\"=1", "spark.conf.\"spark.scheduler.minRegisteredResourcesRatio\"=1.0"),
                List.of(ScalingPart.executors("spark://127.0.0.1:7077", 1)));
        BenchContext ctx = new BenchContext(Path.of("conf"), false, Path.of("docs"), MACHINE, "test");
        JobConfig job = ctx.job("lenet-fashion-mnist.conf", ScalingPart.executors("spark://127.0.0.1:7077", 2));
        assertEquals(2, job.training().workers());
        assertEquals("2", job.spark().conf().get("spark.cores.max"));
    }

    @Test
    void theCalibrationTakesEachPhasesMedian() {
        ScalingPart.Phases median = ScalingPart.Phases.median(List.of(new ScalingPart.Phases(10, 5, 0.1, 7, 0.3),
                new ScalingPart.Phases(30, 6, 0.5, 6, 0.1), new ScalingPart.Phases(12, 9, 0.2, 8, 0.2)));
        assertEquals(new ScalingPart.Phases(12, 6, 0.2, 7, 0.2), median);
    }

    @Test
    void averagingShipsAdamsTwoMomentsNesterovsOneAndNothingForSgd() {
        long adam = updaterState("mlp-fashion-mnist.conf", "adam", true);
        long parameters = network("mlp-fashion-mnist.conf", "adam").numParams();
        assertEquals(2 * parameters, adam, "an MLP: every parameter has Adam's two moments");
        assertEquals(parameters, updaterState("mlp-fashion-mnist.conf", "nesterovs", true));
        assertEquals(0, updaterState("mlp-fashion-mnist.conf", "sgd", true));
        assertEquals(0, updaterState("mlp-fashion-mnist.conf", "adam", false), "average-updaters = false: only parameters");
        // LeNet's batch-norm running statistics are parameters without an updater state
        long lenet = network("lenet-fashion-mnist.conf", "adam").numParams();
        long lenetAdam = updaterState("lenet-fashion-mnist.conf", "adam", true);
        assertTrue(lenetAdam > 0 && lenetAdam < 2 * lenet, lenetAdam + " of " + lenet);
        assertEquals(lenetAdam, 2 * updaterState("lenet-fashion-mnist.conf", "nesterovs", true));
    }

    private static long updaterState(String conf, String updater, boolean average) {
        return ScalingPart.updaterState(network(conf, updater), average);
    }

    private static Model network(String conf, String updater) {
        BenchContext ctx = new BenchContext(Path.of("conf"), false, Path.of("docs"), MACHINE, "test");
        JobConfig job = ctx.job(conf, "training.updater=" + updater);
        return NetworkFactory.build(job.model(), job.training(), job.seed(), FashionMnist.SHAPE);
    }
}
