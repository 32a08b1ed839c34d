package sparktrain.driver.sweep;

import com.typesafe.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.worker.SparktrainException;
import sparktrain.driver.sweep.SweepConfig;
import sparktrain.driver.sweep.SearchSpace;
import sparktrain.driver.sweep.Trial;
import sparktrain.testing.TestData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Sweep files: grid expansion, seeded random sampling, and every validation error. */
class SweepConfigTest {
    @TempDir
    Path tmp;

    private Path sweep(String... lines) throws IOException {
        Files.write(tmp.resolve("base.conf"), List.of(
                "name = base",
                "data.path = \"" + TestData.fashionMnist() + "\"",
                "model { type = mlp, hidden-layers = [32] }",
                "training { epochs = 2 }"));
        Path file = tmp.resolve("sweep.conf");
        Files.write(file, List.of(lines));
        return file;
    }

    private SweepConfig load(String... lines) throws IOException {
        return SweepConfig.load(sweep(lines).toString(), List.of());
    }

    private String error(String... lines) throws IOException {
        Path file = sweep(lines);
        SparktrainException e = assertThrows(SparktrainException.class,
                () -> sparktrain.driver.sweep.SweepJob.run(SweepConfig.load(file.toString(), List.of()), null,
                        tmp.resolve("never").toString()));
        assertEquals(2, e.exitCode().code, e.getMessage());
        assertTrue(Files.notExists(tmp.resolve("never")), "nothing written for a bad sweep");
        return e.getMessage();
    }

    @Test
    void gridIsTheCartesianProductInKeyOrder() throws IOException {
        SweepConfig s = load("base = base.conf",
                "grid { \"training.learning-rate\" = [0.001, 0.01, 0.1], model.dropout = [0.0, 0.5], \"training.batch-size\" = [16, 32] }");
        List<Trial> trials = SearchSpace.trials(s);
        assertEquals(12, trials.size());
        assertEquals(List.of("model.dropout", "training.batch-size", "training.learning-rate"), s.keys());
        assertEquals("t001", trials.get(0).id());
        assertEquals("t012", trials.get(11).id());
        assertEquals("model.dropout=0, training.batch-size=16, training.learning-rate=0.001", trials.get(0).describe());
        assertEquals("model.dropout=0.5, training.batch-size=32, training.learning-rate=0.1", trials.get(11).describe());
        Set<String> distinct = new HashSet<>();
        trials.forEach(t -> distinct.add(t.describe()));
        assertEquals(12, distinct.size());
        assertTrue(s.base().endsWith("base.conf") && Path.of(s.base()).isAbsolute(), "base is relative to the sweep file");
    }

    @Test
    void randomSamplesAreSeededAndInRange() throws IOException {
        String[] file = {"base = base.conf", "random { trials = 20, seed = 3, space {",
                "\"training.learning-rate\" = { log-uniform = [1e-4, 1e-1] }",
                "\"model.dropout\" = { uniform = [0.1, 0.6] }",
                "\"training.updater\" = { choice = [sgd, adam] } } }"};
        List<Trial> a = SearchSpace.trials(load(file));
        List<Trial> b = SearchSpace.trials(load(file));
        assertEquals(20, a.size());
        assertEquals(a.stream().map(Trial::describe).toList(), b.stream().map(Trial::describe).toList());
        Set<Object> updaters = new HashSet<>();
        for (Trial t : a) {
            double lr = number(t.values().get("training.learning-rate"));
            double dropout = number(t.values().get("model.dropout"));
            assertTrue(lr >= 1e-4 && lr <= 1e-1, t.describe());
            assertTrue(dropout >= 0.1 && dropout <= 0.6, t.describe());
            updaters.add(t.values().get("training.updater").unwrapped());
        }
        assertEquals(Set.of("sgd", "adam"), updaters);
        List<Trial> other = SearchSpace.trials(SweepConfig.load(sweep(file).toString(), List.of("random.seed=4")));
        assertNotEquals(a.get(0).describe(), other.get(0).describe(), "another seed, other samples");
    }

    @Test
    void gridAndRandomTogetherCrossEverySampleWithEveryGridPoint() throws IOException {
        List<Trial> trials = SearchSpace.trials(load("base = base.conf", "grid { \"training.batch-size\" = [16, 32] }",
                "random { trials = 3, space { \"training.learning-rate\" = { uniform = [0.001, 0.01] } } }"));
        assertEquals(6, trials.size());
    }

    private static double number(ConfigValue v) {
        return ((Number) v.unwrapped()).doubleValue();
    }

    @Test
    void unknownSweptKeyNamesItWithASuggestion() throws IOException {
        String m = error("base = base.conf", "grid { \"training.learning-rat\" = [0.1] }");
        assertTrue(m.contains("training.learning-rat: unknown key (did you mean training.learning-rate?)"), m);
    }

    @Test
    void emptyListIsAnError() throws IOException {
        String m = error("base = base.conf", "grid { \"training.learning-rate\" = [] }");
        assertTrue(m.contains("grid.\"training.learning-rate\" = []: an empty list gives no trials"), m);
    }

    @Test
    void emptyRangeIsAnError() throws IOException {
        String m = error("base = base.conf", "random { trials = 4, space { \"model.dropout\" = { uniform = [0.5, 0.5] } } }");
        assertTrue(m.contains("random.space.\"model.dropout\"") && m.contains("an empty range"), m);
    }

    @Test
    void badDistributionsAreErrors() throws IOException {
        assertTrue(error("base = base.conf", "random { trials = 4, space { \"training.learning-rate\" = { log-uniform = [0, 0.1] } } }")
                .contains("log-uniform needs 0 < low < high"));
        assertTrue(error("base = base.conf", "random { trials = 4, space { \"training.learning-rate\" = { normal = [0, 0.1] } } }")
                .contains("unknown distribution"));
        assertTrue(error("base = base.conf", "random { trials = 4, space { \"training.learning-rate\" = { uniform = [0.1] } } }")
                .contains("uniform takes two numbers"));
        assertTrue(error("base = base.conf", "random { trials = 4, space { \"training.updater\" = { choice = [] } } }")
                .contains("an empty choice gives no trials"));
    }

    @Test
    void noTrialsIsAnError() throws IOException {
        assertTrue(error("base = base.conf").contains("the sweep has no trials"));
        assertTrue(error("base = base.conf", "random { trials = 0, space { \"model.dropout\" = { uniform = [0, 0.5] } } }")
                .contains("random.trials"));
    }

    @Test
    void unknownSweepKeyAndBadStrategyAreErrors() throws IOException {
        String m = error("base = base.conf", "stratgy = distributed", "grid { \"training.epochs\" = [1] }");
        assertTrue(m.contains("stratgy: unknown sweep key"), m);
        m = error("base = base.conf", "strategy = parallel", "grid { \"training.epochs\" = [1] }");
        assertTrue(m.contains("strategy = parallel: must be one of trial-parallel, distributed"), m);
    }

    @Test
    void misspeltSetKeysAreOneLineEachNamingSetWithASuggestion() throws IOException {
        Path file = sweep("base = base.conf", "grid { \"training.epochs\" = [1, 2, 3] }");
        for (var c : Map.of("paralelism=1", "--set: paralelism: unknown key (did you mean parallelism, a sweep key?)",
                "random.trial=3", "--set: random.trial: unknown sweep key (did you mean random.trials?)",
                "training.learning-rat=0.1", "--set: training.learning-rat: unknown key (did you mean"
                        + " training.learning-rate?)",
                "modl.type=mlp", "--set: modl.type: unknown key (did you mean model.type?)").entrySet()) {
            SparktrainException e = assertThrows(SparktrainException.class,
                    () -> SweepConfig.load(file.toString(), List.of(c.getKey())));
            assertEquals(List.of(c.getValue()), e.problems());
        }
    }

    @Test
    void aBadValueInTheFileNamesTheFileOnce() throws IOException {
        String m = error("base = base.conf", "grid { \"training.epochs\" = [1] }", "early-termination.type = ashaa");
        Path file = tmp.resolve("sweep.conf");
        assertTrue(m.startsWith(file + ": line 3: early-termination.type = ashaa: must be one of"), m);
    }

    @Test
    void aBadValueInATrialNamesTheTrialAndTheKey() throws IOException {
        String m = error("base = base.conf", "grid { \"training.learning-rate\" = [0.01, -1] }");
        assertTrue(m.contains("trial t002 (training.learning-rate=-1): training.learning-rate = -1"), m);
        assertTrue(m.contains("must be > 0"), m);
    }

    @Test
    void aBadSetValueEveryTrialSharesIsOneLineNamingSet() throws IOException {
        Path file = sweep("base = base.conf", "grid { \"training.learning-rate\" = [0.01, 0.02, 0.03] }");
        SweepConfig sweep = SweepConfig.load(file.toString(), List.of("training.epochs=-1"));
        SparktrainException e = assertThrows(SparktrainException.class, () -> SweepJob.plan(sweep));
        assertEquals(List.of("--set: training.epochs = -1: must be >= 1"), e.problems());
        SweepConfig oneTrial = SweepConfig.load(sweep("base = base.conf", "grid { \"training.learning-rate\" = [0.01] }")
                .toString(), List.of("training.epochs=-1"));
        e = assertThrows(SparktrainException.class, () -> SweepJob.plan(oneTrial));
        assertEquals(List.of("--set: training.epochs = -1: must be >= 1"), e.problems());
    }

    @Test
    void aBadGridValueEveryTrialSharesNamesEachTrialNotSet() throws IOException {
        Path file = sweep("base = base.conf", "grid { \"training.epochs\" = [-1], \"training.learning-rate\" = [0.01, 0.02] }");
        SparktrainException e = assertThrows(SparktrainException.class,
                () -> SweepJob.plan(SweepConfig.load(file.toString(), List.of())));
        assertEquals(List.of(
                file + ": trial t001 (training.epochs=-1, training.learning-rate=0.01): training.epochs = -1: must be >= 1",
                file + ": trial t002 (training.epochs=-1, training.learning-rate=0.02): training.epochs = -1: must be >= 1"),
                e.problems());
    }

    @Test
    void javaOptionsOutsideTheAllowlistInASweepAreRefusedBeforeAnyTraining() throws IOException {
        String m = error("base = base.conf",
                "grid { \"spark.conf.\\\"spark.executor.extraJavaOptions\\\"\" = [\"-Xss4m\", \"-XX:VMOptionsFile=/tmp/opts\"] }");
        assertTrue(m.contains("trial t002 (spark.conf.\"spark.executor.extraJavaOptions\"=-XX:VMOptionsFile=/tmp/opts)"), m);
        assertTrue(m.contains("may not hold -XX:VMOptionsFile=/tmp/opts in a job file"), m);
        assertFalse(m.contains("t001"), "-Xss4m is allowed: " + m);
    }

    @Test
    void theProjectsOwnSweepFilesPlanEveryTrial() {
        for (String name : List.of("sweep-lenet-fashion-mnist.conf", "sweep-mlp-random.conf")) {
            SweepConfig sweep = SweepConfig.load(Path.of("conf", name).toAbsolutePath().toString(), List.of());
            assertEquals(SearchSpace.trials(sweep).size(), SweepJob.plan(sweep).size(), name);
        }
    }

    @Test
    void aMetricTheTaskDoesNotReportIsAnError() throws IOException {
        String m = error("base = base.conf", "metric = validation.rmse", "grid { \"training.epochs\" = [1, 2] }");
        assertTrue(m.startsWith(tmp.resolve("sweep.conf") + ": metric = validation.rmse: ")
                && m.contains("reports validation.accuracy") && !m.contains("; "), "once, naming the file: " + m);
    }

    @Test
    void missingBaseIsAnError() throws IOException {
        assertTrue(error("grid { \"training.epochs\" = [1] }").contains("base = \"\": name the job file"));
        assertTrue(error("base = nothere.conf", "grid { \"training.epochs\" = [1] }").contains("nothere.conf: not found"));
    }
}
