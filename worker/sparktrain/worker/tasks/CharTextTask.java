package sparktrain.worker.tasks;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import sparktrain.worker.data.Row;
import sparktrain.worker.data.Vocabulary;
import sparktrain.worker.model.CharSampler;
import sparktrain.worker.model.InputShape;
import sparktrain.worker.model.Networks;
import sparktrain.worker.report.Report;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Next-character prediction on a text corpus (char-lstm). A row holds the indices of data.sequence-length + 1
 * consecutive characters: the first {@code length} are the inputs, the same shifted by one the labels. Inputs
 * and labels are character indices ([batch, 1, time]), not one-hot vectors: the fortunes corpus would take
 * gigabytes one-hot. Metric: bits per character (lower is better), beside a unigram model's.
 *
 * @param unigramCounts how often each character is a target in the training rows (the baseline to beat)
 */
public record CharTextTask(Vocabulary vocabulary, int length, long[] unigramCounts) implements Task {
    public static final String METRIC = "bitsPerChar";
    private static final double LN2 = Math.log(2);
    private static final int REPORT_SAMPLE = 600;

    @Override
    public InputShape shape() {
        return InputShape.sequence(length, 1, vocabulary.size());
    }

    @Override
    public String metric() {
        return METRIC;
    }

    @Override
    public boolean higherIsBetter() {
        return false;
    }

    @Override
    public int scoringBatch() {
        return 64;
    }

    @Override
    public DataSet batch(List<Row> rows, boolean training) {
        int n = rows.size();
        float[] features = new float[n * length];
        float[] labels = new float[n * length];
        for (int i = 0; i < n; i++) {
            float[] x = rows.get(i).x;
            System.arraycopy(x, 0, features, i * length, length);
            System.arraycopy(x, 1, labels, i * length, length);
        }
        return new DataSet(Nd4j.create(features, new long[] {n, 1, length}, 'c'),
                Nd4j.create(labels, new long[] {n, 1, length}, 'c'));
    }

    /** Bits (-log2 p) of every next character under the network and under the unigram model. */
    public record Bits(double network, double unigram, long characters) implements Scores {
        @Override
        public Scores merge(Scores other) {
            Bits o = (Bits) other;
            return new Bits(network + o.network, unigram + o.unigram, characters + o.characters);
        }
    }

    @Override
    public Scores score(Model network, Iterator<Row> rows) {
        double[] bits = {0, 0};
        long[] count = {0};
        long total = 0;
        for (long c : unigramCounts) {
            total += c;
        }
        double denominator = total + unigramCounts.length;
        Task.inBatches(rows, scoringBatch(), batch -> {
            INDArray probabilities = Networks.output(network, batch(batch, false).getFeatures()).dup('c');
            long classes = probabilities.size(1);
            float[] p = probabilities.data().asFloat();
            for (int i = 0; i < batch.size(); i++) {
                float[] x = batch.get(i).x;
                for (int t = 0; t < length; t++) {
                    int label = (int) x[t + 1];
                    double probability = p[(int) ((i * classes + label) * length + t)];
                    bits[0] -= Math.log(Math.max(probability, 1e-12)) / LN2;
                    bits[1] -= Math.log((unigramCounts[label] + 1.0) / denominator) / LN2;
                    count[0]++;
                }
            }
        });
        return new Bits(bits[0], bits[1], count[0]);
    }

    @Override
    public Measure measure(Scores scores) {
        Bits b = (Bits) scores;
        double bits = b.characters() == 0 ? Double.NaN : b.network() / b.characters();
        return new Measure(METRIC, bits, false, bits * LN2);
    }

    @Override
    public Map<String, Object> testMetrics(Scores scores) {
        Bits b = (Bits) scores;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bitsPerChar", b.characters() == 0 ? Double.NaN : b.network() / b.characters());
        m.put("unigramBitsPerChar", b.characters() == 0 ? Double.NaN : b.unigram() / b.characters());
        m.put("characters", b.characters());
        return m;
    }

    @Override
    public Map<String, String> besideModel() {
        return Map.of(Vocabulary.FILE, vocabulary.toJson());
    }

    /** A sample the way {@code sparktrain generate} draws one with its defaults (temperature 0.8, seed 42). */
    @Override
    public void report(Report report, Model network, Map<String, Object> test, List<Row> sample) {
        if (!(network instanceof MultiLayerNetwork lstm)) {
            return;
        }
        String prime = vocabulary.index('\n') >= 0 ? "\n" : String.valueOf(vocabulary.character(0));
        String text = CharSampler.sample(lstm, vocabulary, prime, REPORT_SAMPLE, 0.8, new java.util.Random(42));
        report.section("Generated sample")
                .paragraph(REPORT_SAMPLE + " characters after a newline, temperature 0.8, seed 42 (sparktrain generate"
                        + " --model model.zip draws more)")
                .preformatted(text);
    }
}
