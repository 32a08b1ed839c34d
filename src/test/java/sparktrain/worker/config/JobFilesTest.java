package sparktrain.worker.config;

import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;

import org.junit.jupiter.api.Test;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JobFilesTest {

    private static JobConfig parse(String text, String... sets) {
        return JobFiles.parse(text, "job.conf", List.of(sets));
    }

    private static SparktrainException invalid(String text, String... sets) {
        SparktrainException e = assertThrows(SparktrainException.class, () -> parse(text, sets));
        assertEquals(ExitCode.USAGE, e.exitCode());
        return e;
    }

    private static void assertProblem(SparktrainException e, String expected) {
        assertTrue(e.problems().stream().anyMatch(p -> p.contains(expected)),
                () -> "expected a problem containing '" + expected + "' in " + e.problems());
    }

    @Test
    void emptyFileGivesTheDefaults() {
        JobConfig job = parse("");
        assertEquals("lenet5", job.model().type());
        assertEquals("averaging", job.training().mode());
        assertEquals("local[*]", job.spark().master());
        assertEquals("file:///usr/share/datasets/fashion-mnist", job.data().path());
    }

    @Test
    void theShippedJobFilesAreValid() {
        JobConfig job = JobFiles.load(Path.of("conf/lenet-fashion-mnist.conf").toAbsolutePath().toString(), List.of());
        assertEquals("lenet-fashion-mnist", job.name());
    }

    @Test
    void setOverridesTheFile() {
        JobConfig job = parse("training.epochs = 5", "training.epochs=2", "model.type=mlp",
                "spark.master=local[2]", "data.path=file:///tmp/x", "model.hidden-layers=[64, 32]", "model.dropout=0.25");
        assertEquals(2, job.training().epochs());
        assertEquals("mlp", job.model().type());
        assertEquals("local[2]", job.spark().master());
        assertEquals("file:///tmp/x", job.data().path());
        assertEquals(List.of(64, 32), job.model().hiddenLayers());
        assertEquals(0.25, job.model().dropout());
    }

    @Test
    void sparkConfPassesAnyKey() {
        JobConfig job = parse("spark.conf { \"spark.executor.memory\" = 4g, \"spark.ui.enabled\" = false }");
        assertEquals("4g", job.spark().conf().get("spark.executor.memory"));
        assertEquals("false", job.spark().conf().get("spark.ui.enabled"));
    }

    @Test
    void unknownKeyInTheFileWithSuggestion() {
        assertProblem(invalid("training.epoch = 3"), "job.conf: line 1: training.epoch: unknown key (did you mean training.epochs?)");
    }

    @Test
    void unknownKeyInSet() {
        assertProblem(invalid("", "model.kind=mlp"), "--set: model.kind: unknown key");
    }

    @Test
    void setWithoutEquals() {
        SparktrainException e = assertThrows(SparktrainException.class, () -> parse("", "training.epochs"));
        assertProblem(e, "--set training.epochs: expected key=value");
    }

    @Test
    void averagingFrequencyIsAWholeNumberOrAuto() {
        JobConfig auto = parse("training.averaging-frequency = auto\ntraining.auto-frequency.first = 4");
        assertTrue(auto.training().autoFrequency().enabled());
        assertEquals(4, auto.training().averagingFrequency());
        JobConfig fixed = parse("", "training.averaging-frequency=7");
        assertTrue(!fixed.training().autoFrequency().enabled());
        assertEquals(7, fixed.training().averagingFrequency());
        assertProblem(invalid("training.averaging-frequency = often"),
                "job.conf: line 1: training.averaging-frequency = often: must be a whole number >= 1 or auto");
        assertProblem(invalid("training.averaging-frequency = 0"), "training.averaging-frequency = 0: must be >= 1");
        assertProblem(invalid("training.auto-frequency { min = 20, max = 10 }"),
                "training.auto-frequency.min = 20: must be <= training.auto-frequency.max (10)");
        assertProblem(invalid("training.auto-frequency.communication-share = 0"),
                "training.auto-frequency.communication-share = 0.0: must be in [0.01, 0.9]");
    }

    @Test
    void wrongType() {
        assertProblem(invalid("training.epochs = ten"), "training.epochs: found string \"ten\", expected a whole number");
    }

    @Test
    void zeroEpochs() {
        assertProblem(invalid("training.epochs = 0"), "training.epochs = 0: must be >= 1");
    }

    @Test
    void negativeBatchSize() {
        assertProblem(invalid("training.batch-size = -4"), "training.batch-size = -4: must be >= 1");
    }

    @Test
    void learningRateNotPositive() {
        assertProblem(invalid("training.learning-rate = 0"), "training.learning-rate = 0.0: must be > 0");
        assertProblem(invalid("training.learning-rate = -0.1"), "training.learning-rate = -0.1: must be > 0");
    }

    @Test
    void dropoutOutsideItsRange() {
        assertProblem(invalid("model.dropout = 1.0"), "model.dropout = 1.0: must be in [0.0, 1.0)");
        assertProblem(invalid("model.dropout = -0.5"), "model.dropout = -0.5: must be in [0.0, 1.0)");
    }

    @Test
    void unknownModelAndUpdater() {
        SparktrainException e = invalid("model.type = vgg\ntraining.updater = lion");
        assertProblem(e, "model.type = vgg: must be one of mlp, lenet5");
        assertProblem(e, "training.updater = lion: must be one of sgd, nesterovs, adagrad, rmsprop, adam");
    }

    @Test
    void everyProblemIsReportedAtOnce() {
        SparktrainException e = invalid("training.epochs = 0\ntraining.batch-size = 0\nmodel.dropout = 2");
        assertEquals(3, e.problems().size(), e.problems().toString());
    }

    @Test
    void imageAugmentationOnlyForImagesAndInsideThem() {
        assertProblem(invalid("data.augment.cutout = 29"), "data.augment.cutout = 29: must be at most 28 pixels");
        assertProblem(invalid("data.augment.cutout = -1"), "data.augment.cutout = -1: must be >= 0");
        SparktrainException e = invalid("data.type = sine\nmodel.type = timeseries-lstm\ndata.augment.test-flip = true");
        assertProblem(e, "image augmentation is for images: data.type = fashion-mnist, images, or a table with data.image.*");
        assertEquals(10, parse("data.augment.cutout = 10").data().augmentCutout());
    }

    @Test
    void labelSmoothingOnlyForCrossEntropyClassifiers() {
        assertEquals(0.1, parse("model.label-smoothing = 0.1").model().labelSmoothing());
        assertProblem(invalid("model.label-smoothing = 1.0"), "model.label-smoothing = 1.0: must be in [0.0, 1.0)");
        assertProblem(invalid("model.loss = hinge\nmodel.label-smoothing = 0.1"),
                "model.label-smoothing = 0.1: only the image classifiers");
        assertProblem(invalid("data.type = sine\nmodel.type = timeseries-lstm\nmodel.label-smoothing = 0.1"),
                "model.label-smoothing = 0.1: only the image classifiers");
    }

    @Test
    void executorPortsLieInsideTheUdpRangeAndAvoidTheControllerPort() {
        assertEquals(40222, parse("").training().sharing().lastUnicastPort());
        assertProblem(invalid("training.sharing { unicast-port = 49800, unicast-port-count = 100 }"),
                "training.sharing.controller-port = 49876: must lie outside the executors' ports 49800-49899");
        assertProblem(invalid("training.sharing { unicast-port = 65500, unicast-port-count = 100 }"),
                "training.sharing.unicast-port-count = 100: must end the executors' ports at 65535 or below");
        assertProblem(invalid("training.sharing.unicast-port-count = 0"),
                "training.sharing.unicast-port-count = 0: must be in [1, 1000]");
        assertEquals(49875, parse("training.sharing { unicast-port = 49776, unicast-port-count = 100 }")
                .training().sharing().lastUnicastPort());
    }

    @Test
    void badHiddenLayers() {
        assertProblem(invalid("model.hidden-layers = [64, 0]"), "model.hidden-layers = [64, 0]: every size must be >= 1");
    }

    @Test
    void syntaxErrorNamesTheFile() {
        assertProblem(invalid("training { epochs = "), "job.conf: not a valid job file");
    }

    @Test
    void sectionGivenAValue() {
        assertProblem(invalid("training = 3"), "job.conf: training is a section, not a value");
    }

    @Test
    void missingJobFile() {
        SparktrainException e = assertThrows(SparktrainException.class,
                () -> JobFiles.load("/nonexistent/job.conf", List.of()));
        assertEquals(ExitCode.USAGE, e.exitCode());
        assertProblem(e, "job file /nonexistent/job.conf: not found");
    }
}
