package sparktrain.driver.training;

import org.deeplearning4j.nn.api.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;
import sparktrain.worker.model.NetworkFactory;
import sparktrain.worker.training.EpochLoop;
import sparktrain.worker.training.EpochStats;
import sparktrain.worker.training.TrainingStrategy;
import sparktrain.testing.SparkTestBase;
import sparktrain.testing.TestData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Both LSTM tasks learn a small problem with two Spark workers and parameter averaging. */
class LstmTrainingTest extends SparkTestBase {
    @TempDir
    Path tmp;

    private static JobConfig job(List<String> sets) {
        return JobFiles.parse("", "test", sets);
    }

    private static JobConfig job(List<String> sets, int epochs) {
        List<String> all = new ArrayList<>(sets);
        all.addAll(List.of("training.epochs=" + epochs, "training.workers=2", "training.threads-per-worker=1",
                "training.loss-sample=200"));
        return job(all);
    }

    /** Trains through a session and returns the loop's result with the test metrics and the untrained validation value. */
    private record Trained(EpochLoop.Result result, Map<String, Object> test, double before, int vocabulary) {
    }

    private static Trained train(JobConfig job) {
        try (TrainingSession session = TrainingSession.open(job, sc)) {
            Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), session.shape());
            double before = session.validate(network).value();
            try (TrainingStrategy spark = session.strategy(network, 0)) {
                EpochLoop.Result result = new EpochLoop(session).run(spark);
                return new Trained(result, session.test(result.network()), before, session.shape().classes());
            }
        }
    }

    @Test
    void charLstmLearnsASmallGrammar() throws IOException {
        Path corpus = tmp.resolve("sentences.txt");
        Files.writeString(corpus, TestData.sentences(2000, 7));
        JobConfig job = job(List.of("data.type=text", "data.path=" + corpus.toUri(), "data.sequence-length=50",
                "data.validation-fraction=0.1", "data.test-fraction=0.1", "model.type=char-lstm",
                "model.hidden-layers=[64]", "model.embedding-size=16", "model.weight-init=xavier",
                "training.batch-size=16", "training.learning-rate=0.01", "training.tbptt-length=25",
                "training.gradient-normalization=clip-element", "training.averaging-frequency=4"), 2);
        Trained trained = train(job);
        List<EpochStats> h = trained.result().history();
        Map<String, Object> test = trained.test();
        double bits = (Double) test.get("bitsPerChar");
        double before = trained.before();
        assertTrue(before > 4.0, "an untrained model is near log2(" + trained.vocabulary() + ") bits: " + before);
        assertTrue(h.get(1).trainLoss() < h.get(0).trainLoss(), "training loss should fall: " + h);
        // the grammar's words cost about 0.25 bits per character, its letters alone (unigram) about 4
        assertTrue(bits < 1.0, "test bits per character " + bits + " (unigram " + test.get("unigramBitsPerChar") + ")");
    }

    @Test
    void timeSeriesLstmBeatsTheNaiveForecast() {
        JobConfig job = job(List.of("data.type=sine", "data.sequence-length=30", "data.sine.series=800",
                "data.sine.noise=0.02", "data.validation-fraction=0.1", "data.test-fraction=0.1",
                "model.type=timeseries-lstm", "model.hidden-layers=[32]", "model.weight-init=xavier",
                "training.batch-size=16", "training.learning-rate=0.01", "training.averaging-frequency=4",
                "training.gradient-normalization=clip-l2-layer", "training.gradient-threshold=5"), 4);
        Trained trained = train(job);
        List<EpochStats> h = trained.result().history();
        Map<String, Object> test = trained.test();
        double rmse = (Double) test.get("rmse");
        double naive = (Double) test.get("naiveRmse");
        long sequences = ((Number) test.get("sequences")).longValue();
        assertTrue(sequences > 55 && sequences < 105, "about a tenth of 800 sequences: " + sequences);
        assertTrue(h.get(3).trainLoss() < h.get(0).trainLoss(), "training loss should fall: " + h);
        assertTrue(rmse < 0.5 * naive, "rmse " + rmse + " vs naive " + naive + "; history " + h);
    }

    @Test
    void theSineGeneratorIsSeeded() {
        double[] a = sparktrain.worker.data.SineSeries.generate(3, 10, 0.1, 5);
        double[] b = sparktrain.worker.data.SineSeries.generate(3, 10, 0.1, 5);
        double[] c = sparktrain.worker.data.SineSeries.generate(3, 10, 0.1, 6);
        double[] d = sparktrain.worker.data.SineSeries.generate(4, 10, 0.1, 5);
        assertTrue(java.util.Arrays.equals(a, b));
        assertTrue(!java.util.Arrays.equals(a, c) && !java.util.Arrays.equals(a, d));
        assertTrue(java.util.Arrays.stream(a).allMatch(v -> Math.abs(v) < 3), "three sines of amplitude < 0.8 plus noise");
    }
}
