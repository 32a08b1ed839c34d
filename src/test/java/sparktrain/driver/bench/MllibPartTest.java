package sparktrain.driver.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MLlib part's target, stopping rule, time to target and block, on scripted validation curves. */
class MllibPartTest {
    private static final Machine MACHINE = new Machine(2, 24L << 30, "cpu", "java", "2026-12-07 09:00 UTC", "abc",
            "Spark 3.5.7, DL4J 1.0.0-M2.1, ND4J 1.0.0-M2.1, Java 17.0.15", "clean");
    private static final BenchContext CTX = new BenchContext(Path.of("conf"), false, Path.of("docs"), MACHINE,
            "scripts/bench mllib");
    private static final List<MllibPart.Tuning> TUNING = List.of(new MllibPart.Tuning(32, 0.9),
            new MllibPart.Tuning(128, 0.5), new MllibPart.Tuning(512, 0.4), new MllibPart.Tuning(1024, 0.45));

    private static MllibPart.Point p(int done, double seconds, double validation) {
        return new MllibPart.Point(done, seconds, validation);
    }

    // MLlib improves to 0.8400 at 60 iterations, then stalls for 3 steps (a tie is no improvement)
    private static final List<MllibPart.Point> MLLIB = List.of(p(20, 10, 0.80), p(40, 20, 0.83), p(60, 30, 0.84),
            p(80, 40, 0.84), p(100, 50, 0.8390), p(120, 60, 0.8395));

    // the best step's 60 iterations in one fit: sooner than the steps, a little below their best
    private static final MllibPart.Point ONE_FIT = p(60, 24, 0.8380);

    private static MllibPart.Outcome outcome(List<MllibPart.Point> ours, double oursTest) {
        return outcome(ONE_FIT, ours, oursTest);
    }

    private static MllibPart.Outcome outcome(MllibPart.Point oneFit, List<MllibPart.Point> ours, double oursTest) {
        return outcome(oneFit, ours, oursTest, 40);
    }

    private static MllibPart.Outcome outcome(MllibPart.Point oneFit, List<MllibPart.Point> ours, double oursTest,
                                             int epochCap) {
        return outcome(oneFit, mlp(ours, oursTest, epochCap));
    }

    private static MllibPart.Outcome outcome(MllibPart.Point oneFit, MllibPart.Ours... ours) {
        return new MllibPart.Outcome(new int[]{784, 256, 128, 10}, 10_000, 6_000, 10_000, TUNING, 20, 600, MLLIB, oneFit,
                0.8300, List.of(ours));
    }

    private static MllibPart.Ours mlp(List<MllibPart.Point> curve, double test, int epochCap) {
        return new MllibPart.Ours("mlp", "parameter averaging, adam, dropout 0.2", epochCap, curve, test);
    }

    private static double ratio(MllibPart.Outcome o) {
        return o.ratio(o.ours().get(0));
    }

    @Test
    void theTargetIsMllibsFirstBestValidationPointSteppedOrInOneFit() {
        assertEquals(p(60, 30, 0.84), MllibPart.best(MLLIB));
        MllibPart.Outcome below = outcome(List.of(p(1, 3, 0.9)), 0.9);
        assertEquals(0.84, below.target());
        assertEquals(p(60, 30, 0.84), below.mllibAtTarget(), "the one fit does not reach the steps' best");
        MllibPart.Outcome sooner = outcome(p(60, 24, 0.84), List.of(p(1, 3, 0.9)), 0.9);
        assertEquals(p(60, 24, 0.84), sooner.mllibAtTarget(), "the one fit reaches it sooner");
        MllibPart.Outcome better = outcome(p(60, 36, 0.845), List.of(p(1, 3, 0.9)), 0.9);
        assertEquals(0.845, better.target());
        assertEquals(p(60, 36, 0.845), better.mllibAtTarget());
        assertEquals(p(60, 36, 0.845), better.mllibBest());
    }

    @Test
    void trainingStopsAfterPatienceStepsWithoutImprovement() {
        assertTrue(MllibPart.stalled(MLLIB, 3));
        assertFalse(MllibPart.stalled(MLLIB.subList(0, 5), 3));
        assertFalse(MllibPart.stalled(List.of(), 3));
        assertFalse(MllibPart.stalled(List.of(p(1, 1, 0.5)), 3));
    }

    @Test
    void timeToTargetIsTheFirstPointReachingIt() {
        List<MllibPart.Point> ours = List.of(p(1, 4, 0.82), p(2, 8, 0.8399), p(3, 12, 0.84), p(4, 16, 0.86));
        assertEquals(p(3, 12, 0.84), MllibPart.reaching(ours, 0.84));
        assertNull(MllibPart.reaching(ours, 0.87));
        assertEquals(2.5, ratio(outcome(ours, 0.86)), 1e-12);
        assertEquals(2.0, ratio(outcome(p(60, 24, 0.84), ours, 0.86)), 1e-12);
        assertTrue(Double.isNaN(ratio(outcome(ours.subList(0, 2), 0.86))));
    }

    @Test
    void theBlockSizeIsTheFastestPerIteration() {
        assertEquals(512, MllibPart.fastest(TUNING).blockSize());
    }

    @Test
    void theBlockGivesTheRatioAndThePointsAgainstTheirGoals() {
        String met = MllibPart.render(CTX, outcome(ONE_FIT, List.of(p(1, 4, 0.83), p(2, 8, 0.845), p(3, 12, 0.87)), 0.8650, 3));
        assertTrue(met.contains("10,000 training and 6,000 validation images (the first 16,000"), met);
        assertTrue(met.contains("512: 0.400 s, 1024: 0.450 s; chosen: 512."), met);
        assertTrue(met.contains("| Spark MLlib MultilayerPerceptronClassifier | L-BFGS, block 512, sigmoid, 120 iterations"
                + " in steps of 20 (validation stalled) | 0.8400 after 60 iterations | 30.0 s (steps, 60 iterations) | 0.8300 |"), met);
        assertTrue(met.contains("3 epochs (the cap) | 0.8700 after epoch 3 | 8.00 s (epoch 2) | 0.8650 |"), met);
        assertTrue(met.contains("(0.8400) **3.75x** sooner (goal: at least 3x): met;"), met);
        assertTrue(met.contains("The best step's 60 iterations again in one fit from scratch (no restarts, the data stacked"
                + " once): 24.0 s, validation accuracy 0.8380."), met);
        String oneFit = MllibPart.render(CTX, outcome(p(60, 24, 0.845), List.of(p(1, 4, 0.83), p(2, 8, 0.85)), 0.8650));
        assertTrue(oneFit.contains("| 0.8450 after 60 iterations in one fit | 24.0 s (one fit of 60 iterations) | 0.8300 |"),
                oneFit);
        assertTrue(oneFit.contains("(0.8450) **3.00x** sooner (goal: at least 3x): met;"), oneFit);
        assertTrue(met.contains("ours 0.8650, MLlib 0.8300, **+3.50 points** (goal: at least 3 above): met."), met);

        String slow = MllibPart.render(CTX, outcome(List.of(p(1, 4, 0.83), p(2, 8, 0.835), p(3, 12, 0.84)), 0.8550));
        assertTrue(slow.contains("**2.50x** sooner (goal: at least 3x): not met;"), slow);
        assertTrue(slow.contains("**+2.50 points** (goal: at least 3 above): not met."), slow);

        String never = MllibPart.render(CTX, outcome(List.of(p(1, 4, 0.83), p(2, 8, 0.835)), 0.8200));
        assertTrue(never.contains("| not reached in 2 epochs |"), never);
        assertTrue(never.contains("Our mlp did not reach MLlib's best validation accuracy (0.8400) in 2 epochs: the goal"
                + " (at least 3x sooner) is not met;"), never);
        assertTrue(never.contains("**-1.00 points**"), never);
    }

    @Test
    void eachOfOurModelsHasItsRowCurveAndGoals() {
        MllibPart.Ours lenet = new MllibPart.Ours("lenet5", "parameter averaging, adam, cosine schedule over 6 epochs", 6,
                List.of(p(1, 10, 0.85), p(2, 20, 0.87), p(3, 30, 0.88)), 0.8800);
        MllibPart.Outcome both = outcome(ONE_FIT, mlp(List.of(p(1, 4, 0.83), p(2, 8, 0.835)), 0.8320, 40), lenet);
        String block = MllibPart.render(CTX, both);
        assertTrue(block.contains("MLlib up to 600 iterations, our mlp up to 40 epochs, our lenet5 up to 6 epochs"), block);
        assertTrue(block.contains("| sparktrain mlp | parameter averaging, adam, dropout 0.2, 2 epochs (neither stalled"
                + " nor at the cap) | 0.8350 after epoch 2 | not reached in 2 epochs | 0.8320 |"), block);
        assertTrue(block.contains("| sparktrain lenet5 | parameter averaging, adam, cosine schedule over 6 epochs, 3 epochs"
                + " (neither stalled nor at the cap) | 0.8800 after epoch 3 | 10.0 s (epoch 1) | 0.8800 |"), block);
        assertTrue(block.contains("Our lenet5 (epoch: accuracy at cumulative training time): 1: 0.8500 at 10.0 s,"), block);
        assertTrue(block.contains("- Our mlp did not reach"), block);
        assertTrue(block.contains("**+0.20 points** (goal: at least 3 above): not met."), block);
        assertTrue(block.contains("- Our lenet5 reached MLlib's best validation accuracy (0.8400) **3.00x** sooner (goal: at"
                + " least 3x): met; test accuracy of the best-validation models: ours 0.8800, MLlib 0.8300, **+5.00 points**"
                + " (goal: at least 3 above): met."), block);
    }
}
