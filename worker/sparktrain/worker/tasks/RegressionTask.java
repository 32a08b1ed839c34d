package sparktrain.worker.tasks;

import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import sparktrain.worker.data.Preprocessing;
import sparktrain.worker.data.Row;
import sparktrain.worker.model.InputShape;
import sparktrain.worker.model.Networks;
import sparktrain.worker.output.RunOutputs;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Regression of a table's numeric label columns (data.task = regression). The network learns the targets
 * standardised by the training rows' mean and deviation ({@code targets}); predictions are mapped back
 * before anything is measured. Metrics: RMSE (the validation metric), MAE and R², beside the same for the
 * mean predictor (always the training rows' mean), the baseline to beat.
 *
 * @param labels the label columns, in output order
 */
public record RegressionTask(InputShape shape, List<String> labels, Preprocessing inputs, Preprocessing targets)
        implements Task {
    public static final String METRIC = "rmse";
    public static final String TARGETS_FILE = "targets.json";

    public RegressionTask {
        labels = List.copyOf(labels);
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
    public DataSet batch(List<Row> rows, boolean training) {
        int n = rows.size();
        int d = shape.flatSize();
        int k = labels.size();
        float[] features = new float[n * d];
        float[] y = new float[n * k];
        for (int i = 0; i < n; i++) {
            Row r = rows.get(i);
            System.arraycopy(inputs == null ? r.x : inputs.apply(r.x), 0, features, i * d, d);
            System.arraycopy(targets.apply(r.y), 0, y, i * k, k);
        }
        return new DataSet(Nd4j.create(features, new long[] {n, d}, 'c'), Nd4j.create(y, new long[] {n, k}, 'c'));
    }

    /** The network's predictions for {@code rows} in the labels' own units: [row][label]. */
    public double[][] predict(Model network, List<Row> rows) {
        INDArray out = Networks.output(network, batch(rows, false).getFeatures());
        double[][] p = new double[rows.size()][labels.size()];
        for (int i = 0; i < p.length; i++) {
            for (int j = 0; j < p[i].length; j++) {
                p[i][j] = targets.invert(j, out.getDouble(i, j));
            }
        }
        return p;
    }

    /** Sums over rows and labels: errors of the network and of the mean predictor, and of the targets themselves. */
    public record Errors(double absolute, double squared, double meanAbsolute, double meanSquared, double sum,
                         double sumOfSquares, long count) implements Scores {
        @Override
        public Scores merge(Scores other) {
            Errors o = (Errors) other;
            return new Errors(absolute + o.absolute, squared + o.squared, meanAbsolute + o.meanAbsolute,
                    meanSquared + o.meanSquared, sum + o.sum, sumOfSquares + o.sumOfSquares, count + o.count);
        }

        /** The targets' squared deviation from their own mean: what R² compares with. */
        double total() {
            return sumOfSquares - sum * sum / count;
        }
    }

    @Override
    public Scores score(Model network, Iterator<Row> rows) {
        double[] e = new double[6];
        long[] count = {0};
        Task.inBatches(rows, scoringBatch(), batch -> {
            double[][] p = predict(network, batch);
            for (int i = 0; i < p.length; i++) {
                float[] y = batch.get(i).y;
                for (int j = 0; j < p[i].length; j++) {
                    double error = p[i][j] - y[j];
                    double meanError = targets.offset()[j] - y[j];
                    e[0] += Math.abs(error);
                    e[1] += error * error;
                    e[2] += Math.abs(meanError);
                    e[3] += meanError * meanError;
                    e[4] += y[j];
                    e[5] += (double) y[j] * y[j];
                    count[0]++;
                }
            }
        });
        return new Errors(e[0], e[1], e[2], e[3], e[4], e[5], count[0]);
    }

    @Override
    public Measure measure(Scores scores) {
        Errors e = (Errors) scores;
        double mse = e.count() == 0 ? Double.NaN : e.squared() / e.count();
        return new Measure(METRIC, Math.sqrt(mse), false, mse);
    }

    @Override
    public Map<String, Object> testMetrics(Scores scores) {
        Errors e = (Errors) scores;
        long n = e.count();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("rmse", n == 0 ? Double.NaN : Math.sqrt(e.squared() / n));
        m.put("mae", n == 0 ? Double.NaN : e.absolute() / n);
        m.put("r2", n == 0 ? Double.NaN : 1 - e.squared() / e.total());
        m.put("meanRmse", n == 0 ? Double.NaN : Math.sqrt(e.meanSquared() / n));
        m.put("meanMae", n == 0 ? Double.NaN : e.meanAbsolute() / n);
        m.put("meanR2", n == 0 ? Double.NaN : 1 - e.meanSquared() / e.total());
        m.put("examples", n / labels.size());
        m.put("labels", labels);
        return m;
    }

    @Override
    public Map<String, String> besideModel() {
        Map<String, String> files = new LinkedHashMap<>();
        Map<String, Object> t = new LinkedHashMap<>(targets.toJson());
        t.put("labels", labels);
        files.put(TARGETS_FILE, RunOutputs.json(t));
        if (inputs != null) {
            files.put(Preprocessing.FILE, RunOutputs.json(inputs.toJson()));
        }
        return files;
    }
}
