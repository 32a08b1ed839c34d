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
import sparktrain.worker.data.CsvSequences;
import sparktrain.worker.data.SequenceSplit;
import sparktrain.worker.data.SineSeries;
import sparktrain.worker.report.Charts;
import sparktrain.worker.report.Report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One-step-ahead forecasting of numeric sequences (timeseries-lstm). A sequence of T+1 steps gives inputs
 * 0..T-1 and targets 1..T, every column forecast. Metrics are on the forecast of the last step of each
 * held-out sequence, beside the naive forecast (the last value seen) on the same steps.
 */
public final class TimeSeriesTask implements Task {
    public static final String METRIC = "rmse";
    private static final int EVAL_BATCH = 256;

    private final SequenceSplit<double[][]> data;
    private final Map<String, Object> source;

    public TimeSeriesTask(SequenceSplit<double[][]> data, Map<String, Object> source) {
        this.data = data;
        this.source = source;
    }

    public static TimeSeriesTask load(JobConfig job) {
        DataConfig d = job.data();
        Map<String, Object> source = new LinkedHashMap<>();
        List<double[][]> sequences;
        if (d.type().equals("sine")) {
            sequences = SineSeries.generate(d.sineSeries(), d.sequenceLength() + 1, d.sineNoise(), job.seed());
            source.put("generator", "sine: " + d.sineSeries() + " series of " + (d.sequenceLength() + 1)
                    + " steps, noise " + d.sineNoise() + ", seed " + job.seed());
        } else {
            CsvSequences.Read read = CsvSequences.read(d.path(), d.csvLayout(), d.sequenceLength() + 1);
            sequences = read.sequences();
            source.put("files", read.files());
        }
        SequenceSplit<double[][]> split = SequenceSplit.of(sequences, d.validationFraction(), d.testFraction(), job.seed())
                .limit(d.trainLimit(), d.testLimit());
        if (split.train().isEmpty()) {
            throw SparktrainException.badData(d.path() + ": " + sequences.size()
                    + " sequence(s) leave none for training after data.validation-fraction and data.test-fraction");
        }
        return new TimeSeriesTask(split, source);
    }

    public SequenceSplit<double[][]> data() {
        return data;
    }

    @Override
    public InputShape shape() {
        double[][] first = data.train().get(0);
        return InputShape.sequence(first.length - 1, first[0].length, first[0].length);
    }

    @Override
    public List<DataSet> trainBatches(int batchSize) {
        return batches(data.train(), batchSize);
    }

    @Override
    public long trainExamples() {
        return data.train().size();
    }

    @Override
    public List<DataSet> validationBatches() {
        return batches(data.validation(), EVAL_BATCH);
    }

    @Override
    public String metric() {
        return METRIC;
    }

    @Override
    public Measure validate(Model network, List<DataSet> batches) {
        Errors e = errors(network, batches);
        return new Measure(metric(), e.rmse(), false, e.squared / e.count);
    }

    @Override
    public Map<String, Object> testMetrics(Model network) {
        Errors e = errors(network, batches(data.test(), EVAL_BATCH));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mae", e.mae());
        m.put("naiveMae", e.naiveMae());
        m.put("rmse", e.rmse());
        m.put("naiveRmse", e.naiveRmse());
        m.put("sequences", data.test().size());
        return m;
    }

    @Override
    public Map<String, Object> provenance() {
        Map<String, Object> m = new LinkedHashMap<>(source);
        m.put("train", data.train().size());
        m.put("validation", data.validation().size());
        m.put("test", data.test().size());
        return m;
    }

    /** The first few test sequences' first column: actual values and the model's one-step-ahead forecasts. */
    @Override
    public void report(Report report, Model network, Map<String, Object> test) {
        List<double[][]> shown = data.test().subList(0, Math.min(3, data.test().size()));
        if (shown.isEmpty()) {
            return;
        }
        INDArray out = Networks.output(network, batches(shown, shown.size()).get(0).getFeatures());
        List<double[]> actual = new ArrayList<>();
        List<double[]> forecast = new ArrayList<>();
        for (int i = 0; i < shown.size(); i++) {
            double[][] s = shown.get(i);
            double[] a = new double[s.length];
            for (int t = 0; t < s.length; t++) {
                a[t] = s[t][0];
            }
            double[] f = new double[(int) out.size(2)];
            for (int t = 0; t < f.length; t++) {
                f[t] = out.getDouble(i, 0, t);
            }
            actual.add(a);
            forecast.add(f);
        }
        report.section("Forecasts on test sequences")
                .chart("forecasts", Charts.forecasts("Forecast against actual (column 1)", actual, forecast),
                        "lines: the actual series; dashed with dots: the forecast of each step made from the steps before it");
    }

    /** Sequences as minibatches: features and labels [batch, columns, time]. */
    public static List<DataSet> batches(List<double[][]> sequences, int batchSize) {
        List<DataSet> out = new ArrayList<>();
        for (int from = 0; from < sequences.size(); from += batchSize) {
            int n = Math.min(batchSize, sequences.size() - from);
            int steps = sequences.get(from).length - 1;
            int columns = sequences.get(from)[0].length;
            float[] features = new float[n * columns * steps];
            float[] labels = new float[n * columns * steps];
            for (int i = 0; i < n; i++) {
                double[][] s = sequences.get(from + i);
                for (int c = 0; c < columns; c++) {
                    for (int t = 0; t < steps; t++) {
                        int at = (i * columns + c) * steps + t;
                        features[at] = (float) s[t][c];
                        labels[at] = (float) s[t + 1][c];
                    }
                }
            }
            out.add(new DataSet(Nd4j.create(features, new long[] {n, columns, steps}, 'c'),
                    Nd4j.create(labels, new long[] {n, columns, steps}, 'c')));
        }
        return out;
    }

    /** The last step of each sequence: [sequence][column] of actual value, forecast and naive forecast. */
    public record Forecasts(double[][] actual, double[][] forecast, double[][] naive) {
    }

    public static Forecasts lastStepForecasts(Model network, List<DataSet> batches) {
        List<double[]> actual = new ArrayList<>();
        List<double[]> forecast = new ArrayList<>();
        List<double[]> naive = new ArrayList<>();
        for (DataSet batch : batches) {
            INDArray out = Networks.output(network, batch.getFeatures());
            long n = out.size(0);
            long columns = out.size(1);
            long last = out.size(2) - 1;
            for (int i = 0; i < n; i++) {
                double[] a = new double[(int) columns];
                double[] f = new double[(int) columns];
                double[] v = new double[(int) columns];
                for (int c = 0; c < columns; c++) {
                    a[c] = batch.getLabels().getDouble(i, c, last);
                    f[c] = out.getDouble(i, c, last);
                    v[c] = batch.getFeatures().getDouble(i, c, last);
                }
                actual.add(a);
                forecast.add(f);
                naive.add(v);
            }
        }
        return new Forecasts(actual.toArray(double[][]::new), forecast.toArray(double[][]::new),
                naive.toArray(double[][]::new));
    }

    private record Errors(double absolute, double squared, double naiveAbsolute, double naiveSquared, long count) {
        double mae() {
            return count == 0 ? Double.NaN : absolute / count;
        }

        double rmse() {
            return count == 0 ? Double.NaN : Math.sqrt(squared / count);
        }

        double naiveMae() {
            return count == 0 ? Double.NaN : naiveAbsolute / count;
        }

        double naiveRmse() {
            return count == 0 ? Double.NaN : Math.sqrt(naiveSquared / count);
        }
    }

    private static Errors errors(Model network, List<DataSet> batches) {
        Forecasts f = lastStepForecasts(network, batches);
        double absolute = 0;
        double squared = 0;
        double naiveAbsolute = 0;
        double naiveSquared = 0;
        long count = 0;
        for (int i = 0; i < f.actual().length; i++) {
            for (int c = 0; c < f.actual()[i].length; c++) {
                double error = f.forecast()[i][c] - f.actual()[i][c];
                double naiveError = f.naive()[i][c] - f.actual()[i][c];
                absolute += Math.abs(error);
                squared += error * error;
                naiveAbsolute += Math.abs(naiveError);
                naiveSquared += naiveError * naiveError;
                count++;
            }
        }
        return new Errors(absolute, squared, naiveAbsolute, naiveSquared, count);
    }
}
