package sparktrain.worker.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Noisy multi-frequency sine series: each is the sum of three sines of random frequency (0.02 to 0.15
 * cycles per step), amplitude (0.2 to 0.8) and phase, plus Gaussian noise. Seeded: the same arguments
 * always give the same series. For tests, demos and benchmarks (data.type = sine).
 */
public final class SineSeries {
    private static final int COMPONENTS = 3;

    private SineSeries() {
    }

    /** {@code count} series of {@code length} steps, each step one value: [series][step][1]. */
    public static List<double[][]> generate(int count, int length, double noise, long seed) {
        Random random = new Random(seed);
        List<double[][]> series = new ArrayList<>(count);
        for (int s = 0; s < count; s++) {
            double[] frequency = new double[COMPONENTS];
            double[] amplitude = new double[COMPONENTS];
            double[] phase = new double[COMPONENTS];
            for (int c = 0; c < COMPONENTS; c++) {
                frequency[c] = 0.02 + 0.13 * random.nextDouble();
                amplitude[c] = 0.2 + 0.6 * random.nextDouble();
                phase[c] = 2 * Math.PI * random.nextDouble();
            }
            double[][] values = new double[length][1];
            for (int t = 0; t < length; t++) {
                double v = 0;
                for (int c = 0; c < COMPONENTS; c++) {
                    v += amplitude[c] * Math.sin(2 * Math.PI * frequency[c] * t + phase[c]);
                }
                values[t][0] = v + noise * random.nextGaussian();
            }
            series.add(values);
        }
        return series;
    }
}
