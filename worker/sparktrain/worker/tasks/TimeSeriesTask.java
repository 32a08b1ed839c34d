package sparktrain.worker.tasks;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import sparktrain.worker.data.Row;
import sparktrain.worker.model.InputShape;
import sparktrain.worker.model.Networks;
import sparktrain.worker.report.Charts;
import sparktrain.worker.report.Report;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One-step-ahead forecasting of numeric sequences (timeseries-lstm). A row holds a sequence of
 * {@code steps + 1} steps of {@code columns} values, step by step: inputs are steps 0..T-1, targets 1..T, every
 * column forecast. Metrics are on the forecast of the last step of each held-out sequence, beside the naive
 * forecast (the last value seen) on the same steps.
 */
public record TimeSeriesTask(int steps, int columns) implements Task {
    public static final String METRIC = "rmse";

    @Override
    public InputShape shape() {
        return InputShape.sequence(steps, columns, columns);
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
        return 256;
    }

    /** Sequences as a minibatch: features and labels [batch, columns, time]. */
    @Override
    public DataSet batch(List<Row> rows, boolean training) {
        int n = rows.size();
        float[] features = new float[n * columns * steps];
        float[] labels = new float[n * columns * steps];
        for (int i = 0; i < n; i++) {
            float[] x = rows.get(i).x;
            for (int c = 0; c < columns; c++) {
                for (int t = 0; t < steps; t++) {
                    int at = (i * columns + c) * steps + t;
                    features[at] = x[t * columns + c];
                    labels[at] = x[(t + 1) * columns + c];
                }
            }
        }
        return new DataSet(Nd4j.create(features, new long[] {n, columns, steps}, 'c'),
                Nd4j.create(labels, new long[] {n, columns, steps}, 'c'));
    }

    /** Errors of the last step's forecast and of the naive forecast, summed over sequences and columns. */
    public record Errors(double absolute, double squared, double naiveAbsolute, double naiveSquared, long count)
            implements Scores {
        @Override
        public Scores merge(Scores other) {
            Errors o = (Errors) other;
            return new Errors(absolute + o.absolute, squared + o.squared, naiveAbsolute + o.naiveAbsolute,
                    naiveSquared + o.naiveSquared, count + o.count);
        }

        double mae() {
            return count == 0 ? Double.NaN : absolute / count;
        }

        double rmse() {
            return count == 0 ? Double.NaN : Math.sqrt(squared / count);
        }
    }

    @Override
    public Scores score(Model network, Iterator<Row> rows) {
        double[] e = new double[4];
        long[] count = {0};
        Task.inBatches(rows, scoringBatch(), batch -> {
            Forecasts f = lastStepForecasts(network, batch);
            for (int i = 0; i < f.actual().length; i++) {
                for (int c = 0; c < columns; c++) {
                    double error = f.forecast()[i][c] - f.actual()[i][c];
                    double naiveError = f.naive()[i][c] - f.actual()[i][c];
                    e[0] += Math.abs(error);
                    e[1] += error * error;
                    e[2] += Math.abs(naiveError);
                    e[3] += naiveError * naiveError;
                    count[0]++;
                }
            }
        });
        return new Errors(e[0], e[1], e[2], e[3], count[0]);
    }

    @Override
    public Measure measure(Scores scores) {
        Errors e = (Errors) scores;
        return new Measure(METRIC, e.rmse(), false, e.count() == 0 ? Double.NaN : e.squared() / e.count());
    }

    @Override
    public Map<String, Object> testMetrics(Scores scores) {
        Errors e = (Errors) scores;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mae", e.mae());
        m.put("naiveMae", e.count() == 0 ? Double.NaN : e.naiveAbsolute() / e.count());
        m.put("rmse", e.rmse());
        m.put("naiveRmse", e.count() == 0 ? Double.NaN : Math.sqrt(e.naiveSquared() / e.count()));
        m.put("sequences", e.count() / columns);
        return m;
    }

    @Override
    public Map<String, String> besideModel() {
        return Map.of();
    }

    /** The last step of each sequence: [sequence][column] of actual value, forecast and naive forecast. */
    public record Forecasts(double[][] actual, double[][] forecast, double[][] naive) {
    }

    public Forecasts lastStepForecasts(Model network, List<Row> sequences) {
        DataSet batch = batch(sequences, false);
        INDArray out = Networks.output(network, batch.getFeatures());
        int n = sequences.size();
        int last = steps - 1;
        double[][] actual = new double[n][columns];
        double[][] forecast = new double[n][columns];
        double[][] naive = new double[n][columns];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < columns; c++) {
                actual[i][c] = batch.getLabels().getDouble(i, c, last);
                forecast[i][c] = out.getDouble(i, c, last);
                naive[i][c] = batch.getFeatures().getDouble(i, c, last);
            }
        }
        return new Forecasts(actual, forecast, naive);
    }

    /** One sequence's last step: its id and, per column, the actual value, the forecast and the naive forecast. */
    public record LastStep(long id, double[] actual, double[] forecast, double[] naive) implements java.io.Serializable {
    }

    /** On an executor: the last-step forecasts of a partition's sequences, with the broadcast network. */
    public record LastSteps(TimeSeriesTask task, org.apache.spark.broadcast.Broadcast<byte[]> network)
            implements org.apache.spark.api.java.function.FlatMapFunction<Iterator<Row>, LastStep> {
        @Override
        public Iterator<LastStep> call(Iterator<Row> rows) throws java.io.IOException {
            Model model = Networks.fromBytes(network.value(), false);
            List<LastStep> out = new ArrayList<>();
            Task.inBatches(rows, task.scoringBatch(), batch -> {
                Forecasts f = task.lastStepForecasts(model, batch);
                for (int i = 0; i < batch.size(); i++) {
                    out.add(new LastStep(batch.get(i).id, f.actual()[i], f.forecast()[i], f.naive()[i]));
                }
            });
            return out.iterator();
        }
    }

    /** The first few test sequences' first column: actual values and the model's one-step-ahead forecasts. */
    @Override
    public void report(Report report, Model network, Map<String, Object> test, List<Row> sample) {
        List<Row> shown = sample.subList(0, Math.min(3, sample.size()));
        if (shown.isEmpty()) {
            return;
        }
        INDArray out = Networks.output(network, batch(shown, false).getFeatures());
        List<double[]> actual = new ArrayList<>();
        List<double[]> forecast = new ArrayList<>();
        for (int i = 0; i < shown.size(); i++) {
            float[] x = shown.get(i).x;
            double[] a = new double[steps + 1];
            for (int t = 0; t <= steps; t++) {
                a[t] = x[t * columns];
            }
            double[] f = new double[steps];
            for (int t = 0; t < steps; t++) {
                f[t] = out.getDouble(i, 0, t);
            }
            actual.add(a);
            forecast.add(f);
        }
        report.section("Forecasts on test sequences")
                .chart("forecasts", Charts.forecasts("Forecast against actual (column 1)", actual, forecast),
                        "lines: the actual series; dashed with dots: the forecast of each step made from the steps before it");
    }
}
