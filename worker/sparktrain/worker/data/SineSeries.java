package sparktrain.worker.data;

import org.apache.spark.api.java.function.Function;

import java.util.Random;

/**
 * Noisy multi-frequency sine series: each is the sum of three sines of random frequency (0.02 to 0.15
 * cycles per step), amplitude (0.2 to 0.8) and phase, plus Gaussian noise. Series {@code i} is seeded by the
 * seed and {@code i}: the same arguments always give the same series, wherever it is generated. For tests,
 * demos and benchmarks (data.type = sine).
 */
public final class SineSeries {
    private static final int COMPONENTS = 3;

    private SineSeries() {
    }

    /** Series {@code index}: {@code length} steps of one value. */
    public static double[] generate(long index, int length, double noise, long seed) {
        Random random = new Random(Split.mix(seed * 0x9E3779B97F4A7C15L + index));
        double[] frequency = new double[COMPONENTS];
        double[] amplitude = new double[COMPONENTS];
        double[] phase = new double[COMPONENTS];
        for (int c = 0; c < COMPONENTS; c++) {
            frequency[c] = 0.02 + 0.13 * random.nextDouble();
            amplitude[c] = 0.2 + 0.6 * random.nextDouble();
            phase[c] = 2 * Math.PI * random.nextDouble();
        }
        double[] values = new double[length];
        for (int t = 0; t < length; t++) {
            double v = 0;
            for (int c = 0; c < COMPONENTS; c++) {
                v += amplitude[c] * Math.sin(2 * Math.PI * frequency[c] * t + phase[c]);
            }
            values[t] = v + noise * random.nextGaussian();
        }
        return values;
    }

    /** On an executor: series {@code index} as a row (one column), its index as the id. */
    public record Generate(int length, double noise, long seed) implements Function<Object, Row> {
        @Override
        public Row call(Object index) {
            long i = (Long) index;
            double[] values = generate(i, length, noise, seed);
            float[] x = new float[length];
            for (int t = 0; t < length; t++) {
                x[t] = (float) values[t];
            }
            return new Row(i, x, null);
        }
    }
}
