package sparktrain.worker.data;

import java.io.Serializable;

/**
 * Which split a row belongs to, from a seeded hash of its id alone: the same on every run, after
 * {@code --resume}, and with any number of partitions. A row is in the test set when its hash falls below
 * {@code test}, in the validation set below {@code test + validation}, else in training.
 */
public record Split(long seed, double validation, double test) implements Serializable {
    public static final int TRAIN = 0;
    public static final int VALIDATION = 1;
    public static final int TEST = 2;

    public int of(long id) {
        double u = unit(seed, id);
        return u < test ? TEST : u < test + validation ? VALIDATION : TRAIN;
    }

    /**
     * Whether a training row is among the seeded {@code fraction} on which the training loss is measured after
     * each epoch (training.loss-sample), independent of the split.
     */
    public static boolean inLossSample(long seed, double fraction, long id) {
        return unit(~seed, id) < fraction;
    }

    /** The rows {@link #inLossSample} picks. */
    public record LossSample(long seed, double fraction) implements org.apache.spark.api.java.function.Function<Row, Boolean> {
        @Override
        public Boolean call(Row row) {
            return inLossSample(seed, fraction, row.id);
        }
    }

    /** A uniform number in [0, 1) from a seed and an id (SplitMix64's finaliser). */
    public static double unit(long seed, long id) {
        return (mix(seed * 0x9E3779B97F4A7C15L + id) >>> 11) * 0x1.0p-53;
    }

    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
