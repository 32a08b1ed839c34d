package sparktrain.worker.tasks;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.DataConfig;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.model.InputShape;
import sparktrain.worker.model.Networks;
import sparktrain.worker.data.SequenceSplit;
import sparktrain.worker.data.TextCorpus;
import sparktrain.worker.data.Vocabulary;
import sparktrain.worker.model.CharSampler;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.report.Report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Next-character prediction on a text corpus (char-lstm). The text is cut into sequences of
 * data.sequence-length characters, each with the same characters shifted by one as labels; whole
 * sequences are held out for validation and test. Inputs and labels are character indices
 * ([batch, 1, time]), not one-hot vectors: the fortunes corpus would take gigabytes one-hot.
 * Metric: bits per character (lower is better).
 */
public final class CharTextTask implements Task {
    public static final String METRIC = "bitsPerChar";
    private static final int EVAL_BATCH = 64;
    private static final double LN2 = Math.log(2);
    private static final int REPORT_SAMPLE = 600;

    private final Vocabulary vocabulary;
    private final int[] text;
    private final int length;
    private final SequenceSplit<Integer> starts;
    private final List<?> files;

    public CharTextTask(Vocabulary vocabulary, int[] text, int length, SequenceSplit<Integer> starts, List<?> files) {
        this.vocabulary = vocabulary;
        this.text = text;
        this.length = length;
        this.starts = starts;
        this.files = files;
    }

    public static CharTextTask load(JobConfig job) {
        DataConfig d = job.data();
        TextCorpus corpus = TextCorpus.read(d.path());
        return of(corpus, d, job.seed());
    }

    static CharTextTask of(TextCorpus corpus, DataConfig d, long seed) {
        int length = d.sequenceLength();
        int sequences = (corpus.text().length() - 1) / length;
        if (sequences < 1) {
            throw SparktrainException.badData(d.path() + ": the corpus has " + corpus.text().length()
                    + " characters, fewer than one sequence needs (data.sequence-length + 1 = " + (length + 1) + ")");
        }
        Vocabulary vocabulary = Vocabulary.of(corpus.text());
        List<Integer> starts = new ArrayList<>(sequences);
        for (int i = 0; i < sequences; i++) {
            starts.add(i * length);
        }
        SequenceSplit<Integer> split = SequenceSplit.of(starts, d.validationFraction(), d.testFraction(), seed)
                .limit(d.trainLimit(), d.testLimit());
        if (split.train().isEmpty()) {
            throw SparktrainException.badData(d.path() + ": " + sequences + " sequence(s) of " + length
                    + " characters leave none for training after data.validation-fraction and data.test-fraction");
        }
        return new CharTextTask(vocabulary, vocabulary.encode(corpus.text()), length, split, corpus.files());
    }

    public Vocabulary vocabulary() {
        return vocabulary;
    }

    @Override
    public InputShape shape() {
        return InputShape.sequence(length, 1, vocabulary.size());
    }

    @Override
    public List<DataSet> trainBatches(int batchSize) {
        return batches(starts.train(), batchSize);
    }

    @Override
    public long trainExamples() {
        return starts.train().size();
    }

    @Override
    public List<DataSet> validationBatches() {
        return batches(starts.validation(), EVAL_BATCH);
    }

    @Override
    public String metric() {
        return METRIC;
    }

    @Override
    public Measure validate(Model network, List<DataSet> batches) {
        double bits = bitsPerCharacter(network, batches);
        return new Measure(metric(), bits, false, bits * LN2);
    }

    @Override
    public Map<String, Object> testMetrics(Model network) {
        double bits = bitsPerCharacter(network, batches(starts.test(), EVAL_BATCH));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bitsPerChar", bits);
        m.put("unigramBitsPerChar", unigramBitsPerCharacter());
        m.put("characters", (long) starts.test().size() * length);
        return m;
    }

    @Override
    public Map<String, Object> provenance() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("files", files);
        m.put("characters", text.length);
        m.put("vocabulary", vocabulary.size());
        m.put("train", starts.train().size());
        m.put("validation", starts.validation().size());
        m.put("test", starts.test().size());
        return m;
    }

    @Override
    public void saveBeside(RunOutputs outputs) {
        outputs.writeText(Vocabulary.FILE, vocabulary.toJson());
    }

    /** A sample the way {@code sparktrain generate} draws one with its defaults (temperature 0.8, seed 42). */
    @Override
    public void report(Report report, Model network, Map<String, Object> test) {
        if (!(network instanceof org.deeplearning4j.nn.multilayer.MultiLayerNetwork lstm)) {
            return;
        }
        String prime = vocabulary.index('\n') >= 0 ? "\n" : String.valueOf(vocabulary.character(0));
        String sample = CharSampler.sample(lstm, vocabulary, prime, REPORT_SAMPLE, 0.8, new java.util.Random(42));
        report.section("Generated sample")
                .paragraph(REPORT_SAMPLE + " characters after a newline, temperature 0.8, seed 42 (sparktrain generate"
                        + " --model model.zip draws more)")
                .preformatted(sample);
    }

    /** Sequences starting at {@code starts} as minibatches: features and labels [batch, 1, time], float indices. */
    List<DataSet> batches(List<Integer> sequenceStarts, int batchSize) {
        List<DataSet> out = new ArrayList<>();
        for (int from = 0; from < sequenceStarts.size(); from += batchSize) {
            int n = Math.min(batchSize, sequenceStarts.size() - from);
            float[] features = new float[n * length];
            float[] labels = new float[n * length];
            for (int i = 0; i < n; i++) {
                int start = sequenceStarts.get(from + i);
                for (int t = 0; t < length; t++) {
                    features[i * length + t] = text[start + t];
                    labels[i * length + t] = text[start + t + 1];
                }
            }
            out.add(new DataSet(Nd4j.create(features, new long[] {n, 1, length}, 'c'),
                    Nd4j.create(labels, new long[] {n, 1, length}, 'c')));
        }
        return out;
    }

    /** Mean -log2 p(next character) over every position of {@code batches}. */
    static double bitsPerCharacter(Model network, List<DataSet> batches) {
        double bits = 0;
        long count = 0;
        for (DataSet batch : batches) {
            INDArray probabilities = Networks.output(network, batch.getFeatures()).dup('c');
            long n = probabilities.size(0);
            long classes = probabilities.size(1);
            long steps = probabilities.size(2);
            float[] p = probabilities.data().asFloat();
            float[] labels = batch.getLabels().dup('c').data().asFloat();
            for (int i = 0; i < n; i++) {
                for (int t = 0; t < steps; t++) {
                    int label = (int) labels[(int) (i * steps + t)];
                    double probability = p[(int) ((i * classes + label) * steps + t)];
                    bits -= Math.log(Math.max(probability, 1e-12)) / LN2;
                    count++;
                }
            }
        }
        return count == 0 ? Double.NaN : bits / count;
    }

    /** What a model that knows only the training characters' frequencies (add-one smoothed) scores on the test set. */
    double unigramBitsPerCharacter() {
        long[] counts = new long[vocabulary.size()];
        long total = 0;
        for (int start : starts.train()) {
            for (int t = 1; t <= length; t++) {
                counts[text[start + t]]++;
                total++;
            }
        }
        double bits = 0;
        long count = 0;
        for (int start : starts.test()) {
            for (int t = 1; t <= length; t++) {
                bits -= Math.log((counts[text[start + t]] + 1.0) / (total + counts.length)) / LN2;
                count++;
            }
        }
        return count == 0 ? Double.NaN : bits / count;
    }
}
