package sparktrain.driver.doctor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.testing.Cli.Run;
import sparktrain.testing.JobFile;
import sparktrain.testing.StageRdds;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparktrain.testing.Cli.sparktrain;

/** {@code sparktrain check-equivalence}: one Spark worker against one JVM, through the CLI. */
class EquivalenceTest {
    @TempDir
    Path tmp;

    private Run checkEquivalence(String... args) throws IOException {
        Path job = JobFile.write(tmp.resolve("job.conf"),
                "name = equivalence-test",
                JobFile.fashionMnist(),
                "data { train-limit = 480, test-limit = 100, validation-fraction = 0 }",
                "model { type = mlp, hidden-layers = [32] }",
                "training { batch-size = 16, updater = sgd, learning-rate = 0.05, averaging-frequency = 1 }");
        List<String> all = new ArrayList<>(List.of("check-equivalence", job.toString()));
        all.addAll(List.of(args));
        return sparktrain(all.toArray(String[]::new));
    }

    /** The loss curve rows: step, single-JVM loss, spark loss, max |dparam|. */
    private static List<double[]> curve(Run run) {
        Matcher m = Pattern.compile("(?m)^\\s+(\\d+)\\s+(\\S+)\\s+(\\S+)\\s+(\\S+)$").matcher(run.out());
        List<double[]> rows = new ArrayList<>();
        while (m.find()) {
            rows.add(new double[] {Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2)),
                    Double.parseDouble(m.group(3)), Double.parseDouble(m.group(4))});
        }
        return rows;
    }

    @Test
    void mlpWithSgdAveragedEveryStepAgrees() throws IOException {
        Run run = checkEquivalence("--steps", "8");
        assertEquals(0, run.code(), run.out() + run.err());
        assertTrue(run.out().contains("equivalent: one Spark worker trains like one JVM"), run.out());
        List<double[]> curve = curve(run);
        assertEquals(8, curve.size(), run.out());
        assertTrue(curve.get(7)[1] < curve.get(0)[1], "the loss should fall: " + run.out());
        for (double[] row : curve) {
            assertEquals(row[1], row[2], 1e-5 * row[1], run.out());
        }
    }

    @Test
    void dropoutIsSwitchedOffForTheComparisonAndTheReportSaysSo() throws IOException {
        Run run = checkEquivalence("--steps", "8", "--set", "model.dropout=0.5", "--set", "training.averaging-frequency=4");
        assertEquals(0, run.code(), run.out() + run.err());
        assertTrue(run.out().contains("model.dropout 0.5 -> 0 for the comparison: dropout masks are random, drawn"
                + " differently in each JVM\n"), run.out());
        assertTrue(run.out().contains("equivalent: one Spark worker trains like one JVM"), run.out());
    }

    @Test
    void lenet5WithSgdAveragedEveryStepAgrees() throws IOException {
        Run run = checkEquivalence("--steps", "3", "--set", "model.type=lenet5", "--set", "training.learning-rate=0.01");
        assertEquals(0, run.code(), run.out() + run.err());
        assertTrue(run.out().contains("lenet5: single JVM vs parameter averaging, 1 workers"), run.out());
        assertEquals(3, curve(run).size(), run.out());
    }

    /**
     * Three averaging rounds, Adam's state averaged with the parameters: equal losses and parameters at each. The
     * Spark side trains the minibatches where the executors built them: no stage runs a driver-side collection.
     */
    @Test
    void adamAveragedEveryTenStepsWithItsStateAveragedAgreesOnOneWorkerOverThreeRounds() throws IOException {
        StageRdds.clear();
        System.setProperty("spark.extraListeners", StageRdds.class.getName());
        Run run;
        try {
            run = checkEquivalence("--steps", "30", "--set", "data.train-limit=640", "--set", "training.updater=adam",
                    "--set", "training.learning-rate=0.01",
                    "--set", "training.averaging-frequency=10");
        } finally {
            System.clearProperty("spark.extraListeners");
        }
        assertTrue(StageRdds.count() > 0, "the listener saw no stage");
        assertEquals(List.of(), StageRdds.named("ParallelCollectionRDD"), "data parallelized on the driver");
        assertEquals(0, run.code(), run.out() + run.err());
        assertTrue(run.out().contains("equivalent: one Spark worker trains like one JVM"), run.out());
        List<double[]> curve = curve(run);
        assertEquals(List.of(10.0, 20.0, 30.0), curve.stream().map(r -> r[0]).toList(), run.out());
        assertTrue(curve.get(2)[1] < curve.get(0)[1], "the loss should fall: " + run.out());
        for (double[] row : curve) {
            assertEquals(row[1], row[2], 1e-5 * row[1], "the losses at step " + row[0] + ": " + run.out());
            assertTrue(row[3] < 1e-5, "max |dparam| at step " + row[0] + ": " + run.out());
        }
    }

    @Test
    void adamWhoseStateIsResetEveryRoundDiffersWithAClearReport() throws IOException {
        Run run = checkEquivalence("--steps", "20", "--set", "training.updater=adam", "--set", "training.learning-rate=0.01",
                "--set", "training.averaging-frequency=10", "--set", "training.average-updaters=false",
                "--set", "model.dropout=0.2");
        assertEquals(1, run.code(), run.out() + run.err());
        List<double[]> curve = curve(run);
        assertEquals(0.0, curve.get(0)[3], run.out()); // the first round starts from a fresh state on both sides
        assertTrue(curve.get(1)[3] > 1e-3, run.out());
        assertTrue(run.out().contains("NOT equivalent: the Spark run differs by"), run.out());
        assertTrue(run.out().contains("The job's random settings were off for the comparison (model.dropout 0.2 -> 0)."
                + " On one worker they agree only"), run.out());
        assertTrue(run.out().contains("this job has training.updater = adam with training.average-updaters = false"
                + " (its state is reset every 10 step(s), at each averaging round)"), run.out());
    }

    @Test
    void everySettingThatIsRandomPerStepIsSwitchedOffAndNothingElse() {
        JobConfig job = JobFiles.parse("", "test", List.of("model.type=resnet-small", "model.dropout=0.3",
                "model.feature-dropout=0.25", "data.augment.horizontal-flip=true", "data.augment.max-shift=2",
                "data.augment.cutout=10", "data.augment.test-flip=true", "model.label-smoothing=0.1"));
        assertEquals(List.of("model.dropout 0.3 -> 0", "model.feature-dropout 0.25 -> 0",
                        "data.augment.horizontal-flip true -> false", "data.augment.max-shift 2 -> 0", "data.augment.cutout 10 -> 0"),
                Equivalence.randomSettings(job).stream().map(Object::toString).toList());
        assertEquals("model.dropout 0.3 -> 0, model.feature-dropout 0.25 -> 0, data.augment.horizontal-flip true -> false,"
                        + " data.augment.max-shift 2 -> 0, data.augment.cutout 10 -> 0 for the comparison: dropout masks are"
                        + " random, drawn differently in each JVM; both sides train the images as they are, unaugmented",
                Equivalence.switchedOffLine(Equivalence.randomSettings(job)));
        JobConfig compared = Equivalence.withoutRandomness(job);
        assertEquals(List.of(), Equivalence.randomSettings(compared));
        assertEquals(job.model().labelSmoothing(), compared.model().labelSmoothing());
        assertTrue(compared.data().augmentTestFlip());
        assertEquals(job.training(), compared.training());
        assertEquals(List.of(), Equivalence.randomSettings(JobFiles.parse("", "test", List.of("model.dropout=0"))));
    }

    @Test
    void tooManyStepsIsBadUsage() throws IOException {
        Run run = checkEquivalence("--steps", "1000");
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().matches("(?s).*--steps = 1000: the training data gives only 2\\d minibatches of 16;"
                + " lower --steps or raise data.train-limit.*"), run.err());
    }
}
