package sparktrain.driver.bench;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The MLlib part's targets, stopping rule, times to target round by round, and block, on scripted validation curves. */
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

    /** MLlib's round: the curve above, the best step's 60 iterations in one fit, its test accuracy. */
    private static MllibPart.Fit mllib(MllibPart.Point oneFit, double test) {
        return new MllibPart.Fit(MLLIB, oneFit, test);
    }

    private static MllibPart.Fit ours(double test, MllibPart.Point... curve) {
        return new MllibPart.Fit(List.of(curve), null, test);
    }

    private static MllibPart.Outcome outcome(List<MllibPart.Fit> mllib, MllibPart.Ours... ours) {
        return new MllibPart.Outcome(new int[]{784, 256, 128, 10}, 10_000, 6_000, 10_000,
                "JNIBLAS (native libblas.so.3, OPENBLAS_NUM_THREADS=1)", TUNING, 20, 600, mllib, List.of(ours));
    }

    @Test
    void theTargetIsMllibsFirstBestValidationPointSteppedOrInOneFit() {
        assertEquals(p(60, 30, 0.84), MllibPart.best(MLLIB));
        MllibPart.Fit below = mllib(p(60, 24, 0.8380), 0.83);
        assertEquals(p(60, 30, 0.84), below.best());
        assertEquals(p(60, 30, 0.84), below.reaching(0.84), "the one fit does not reach the steps' best");
        assertEquals(p(60, 24, 0.84), mllib(p(60, 24, 0.84), 0.83).reaching(0.84), "the one fit reaches it sooner");
        assertEquals(p(60, 30, 0.84), mllib(p(60, 36, 0.84), 0.83).reaching(0.84), "the steps reach it sooner");
        MllibPart.Fit better = mllib(p(60, 36, 0.845), 0.83);
        assertEquals(p(60, 36, 0.845), better.best());
        assertEquals(p(60, 36, 0.845), better.reaching(better.best().validation()));
        assertNull(ours(0.8, p(1, 3, 0.82)).reaching(0.84));
    }

    @Test
    void trainingStopsAfterPatienceStepsWithoutImprovement() {
        assertTrue(MllibPart.stalled(MLLIB, 3));
        assertFalse(MllibPart.stalled(MLLIB.subList(0, 5), 3));
        assertFalse(MllibPart.stalled(List.of(), 3));
        assertFalse(MllibPart.stalled(List.of(p(1, 1, 0.5)), 3));
    }

    @Test
    void eachRoundIsJudgedAgainstItsOwnMllib() {
        // round 1's MLlib reaches 0.84 at 30 s; round 2's one fit reaches 0.845 at 36 s; round 3's reaches 0.84 at 24 s
        List<MllibPart.Fit> mllib = List.of(mllib(p(60, 40, 0.83), 0.83), mllib(p(60, 36, 0.845), 0.84),
                mllib(p(60, 24, 0.84), 0.82));
        MllibPart.Ours mlp = new MllibPart.Ours("mlp", "conf/mlp-fashion-mnist.conf", false, "parameter averaging", 40, List.of(
                ours(0.85, p(1, 4, 0.82), p(2, 8, 0.8399), p(3, 12, 0.84), p(4, 16, 0.86)),
                ours(0.86, p(1, 5, 0.84), p(2, 9, 0.846)),
                ours(0.80, p(1, 6, 0.83))));
        MllibPart.Outcome o = outcome(mllib, mlp);
        assertEquals(0.84, o.target(0));
        assertEquals(0.845, o.target(1));
        assertEquals(List.of(30.0, 36.0, 24.0), o.mllibSeconds().values());
        assertEquals(List.of(12.0, 9.0, Double.NaN), o.seconds(mlp).values());
        assertEquals(List.of(2.5, 4.0, 0.0), o.ratio(mlp).values(), "a round that never got there is a ratio of 0");
        assertEquals(2.5, o.ratio(mlp).median(), 1e-12);
        List<Double> points = o.points(mlp).values();
        assertEquals(2.0, points.get(0), 1e-9);
        assertEquals(2.0, points.get(1), 1e-9);
        assertEquals(-2.0, points.get(2), 1e-9);
    }

    @Test
    void mllibsBlasIsNamedWhicheverLoads() {
        String blas = MllibPart.mllibBlas();
        assertTrue(blas.matches("JNIBLAS \\(native: .*libblas\\.so\\.3, .*\\)|(VectorBLAS|Java11BLAS|Java8BLAS|F2jBLAS)"
                + " \\(Java; no native BLAS loaded\\)"), blas);
    }

    @Test
    void theBlockSizeIsTheFastestPerIteration() {
        assertEquals(512, MllibPart.fastest(TUNING).blockSize());
    }

    @Test
    void theBlockGivesEachModelsRowsRoundsCurvesAndGoals() {
        // round 2's MLlib does better in one fit: its target is 0.845, reached at 36 s
        List<MllibPart.Fit> mllib = List.of(mllib(p(60, 24, 0.8380), 0.8300), mllib(p(60, 36, 0.8450), 0.8310),
                mllib(p(60, 26, 0.8380), 0.8290));
        MllibPart.Ours mlp = new MllibPart.Ours("mlp", "conf/mlp-fashion-mnist.conf", false,
                "parameter averaging, adam, dropout 0.2", 40, List.of(
                ours(0.8320, p(1, 4, 0.83), p(2, 8, 0.835)),
                ours(0.8330, p(1, 4, 0.83), p(2, 8, 0.835)),
                ours(0.8340, p(1, 4, 0.83), p(2, 8, 0.841))));
        MllibPart.Ours lenet = new MllibPart.Ours("lenet5", "conf/lenet-fashion-mnist.conf", true,
                "parameter averaging, adam, cosine schedule over 3 epochs", 3,
                List.of(ours(0.8800, p(1, 10, 0.85), p(2, 20, 0.87), p(3, 30, 0.88)),
                        ours(0.8700, p(1, 8, 0.85), p(2, 16, 0.87), p(3, 24, 0.88)),
                        ours(0.8900, p(1, 12, 0.85), p(2, 24, 0.87), p(3, 36, 0.88))));
        String block = MllibPart.render(CTX, outcome(mllib, mlp, lenet));
        assertTrue(block.contains("10,000 training and 6,000 validation images (the first 16,000"), block);
        assertTrue(block.contains("MLlib up to 600 iterations, our mlp up to 40 epochs, our lenet5 up to 3 epochs; 3 rounds"),
                block);
        assertTrue(block.contains("512: 0.400 s, 1024: 0.450 s; chosen: 512."), block);
        assertTrue(block.contains("Layers 784-256-128-10 for MLlib and our mlp (conf/mlp-fashion-mnist.conf), beside them"
                + " our convolutional networks, which MLlib cannot build: lenet5 (conf/lenet-fashion-mnist.conf), trained in"
                + " the mlp's SparkContext (Java serialization, where conf/lenet-fashion-mnist.conf alone would use Kryo),"
                + " master local[2]"), block);
        assertTrue(block.contains("MLlib multiplies with JNIBLAS (native libblas.so.3, OPENBLAS_NUM_THREADS=1). Its block"
                + " size, by seconds per iteration"), block);
        assertTrue(block.contains("| Spark MLlib MultilayerPerceptronClassifier | L-BFGS, block 512, sigmoid, steps of 20;"
                + " iterations per round: 120 (validation stalled), 120 (validation stalled), 120 (validation stalled)"
                + " | 0.8400 (0.8400-0.8450) | 30.0 (30.0-36.0) s | 0.8300 (0.8290-0.8310) |"), block);
        assertTrue(block.contains("| sparktrain mlp | parameter averaging, adam, dropout 0.2; epochs per round: 2 (neither"
                + " stalled nor at the cap), 2 (neither stalled nor at the cap), 2 (neither stalled nor at the cap)"
                + " | 0.8350 (0.8350-0.8410) | not reached (rounds: not reached, not reached, 8.0 s) | 0.8330 (0.8320-0.8340) |"),
                block);
        assertTrue(block.contains("| sparktrain lenet5 | parameter averaging, adam, cosine schedule over 3 epochs; epochs per"
                + " round: 3 (the cap), 3 (the cap), 3 (the cap) | 0.8800 (0.8800-0.8800) | 10.0 (8.0-12.0) s"
                + " | 0.8800 (0.8700-0.8900) |"), block);
        assertTrue(block.contains("| 1 | MLlib, mlp, lenet5 | 0.8400 | 30.0 s | not reached | 10.0 s | 0.8300, 0.8320, 0.8800 |"),
                block);
        assertTrue(block.contains("| 2 | lenet5, mlp, MLlib | 0.8450 | 36.0 s | not reached | 8.0 s | 0.8310, 0.8330, 0.8700 |"),
                block);
        assertTrue(block.contains("| 3 | MLlib, mlp, lenet5 | 0.8400 | 30.0 s | 8.0 s | 12.0 s | 0.8290, 0.8340, 0.8900 |"),
                block);
        assertTrue(block.contains("MLlib: 20: 0.8000 at 10.0 s,"), block);
        assertTrue(block.contains("the best step's 60 iterations again in one fit from scratch (no restarts, the data stacked"
                + " once): 24.0 s, validation accuracy 0.8380."), block);
        assertTrue(block.contains(" Our lenet5: 1: 0.8500 at 10.0 s, 2: 0.8700 at 20.0 s, 3: 0.8800 at 30.0 s."), block);
        assertTrue(block.contains("- Our mlp reached MLlib's best validation accuracy **0.00x** (0.00-3.75) sooner (not reached"
                + " in 2 of 3 rounds) (goal: at least 3x): not met; test accuracy of the best-validation models, **+0.20"
                + " points** (+0.20 to +0.50) against MLlib's (goal: at least 3 above): not met."), block);
        assertTrue(block.contains("- Our lenet5 reached MLlib's best validation accuracy **3.00x** (2.50-4.50) sooner (goal:"
                + " at least 3x): met; test accuracy of the best-validation models, **+5.00 points** (+3.90 to +6.10)"
                + " against MLlib's (goal: at least 3 above): met."), block);
    }
}
