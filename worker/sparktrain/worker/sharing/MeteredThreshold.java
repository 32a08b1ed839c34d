package sparktrain.worker.sharing;

import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithmReducer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A threshold algorithm that also counts, in this JVM, the bytes of every encoded update against the
 * bytes the same update would take dense. DL4J hands each call the sparsity of the previous update:
 * threshold encoding sends one 32-bit index per element that crossed the threshold, or a 2-bit-per-element
 * bitmap when that is smaller (Strom 2015; DL4J's EncodingHandler).
 */
public final class MeteredThreshold implements ThresholdAlgorithm {
    private static final AtomicLong ENCODED_BYTES = new AtomicLong();
    private static final AtomicLong DENSE_BYTES = new AtomicLong();
    private static final AtomicLong SENT_ELEMENTS = new AtomicLong();
    private static final AtomicLong MIN_THRESHOLD = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private static final AtomicLong MAX_THRESHOLD = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private static final long HEADER_BYTES = 16;

    private final ThresholdAlgorithm delegate;

    public MeteredThreshold(ThresholdAlgorithm delegate) {
        this.delegate = delegate;
    }

    @Override
    public double calculateThreshold(int iteration, int epoch, Double lastThreshold, Boolean lastWasDense,
                                     Double lastSparsityRatio, INDArray updatesPlusResidual) {
        if (lastSparsityRatio != null && updatesPlusResidual != null) {
            long elements = updatesPlusResidual.length();
            long sparse = HEADER_BYTES + 4 * Math.round(lastSparsityRatio * elements);
            long bitmap = HEADER_BYTES + elements / 4;
            ENCODED_BYTES.addAndGet(Boolean.TRUE.equals(lastWasDense) ? bitmap : Math.min(sparse, bitmap));
            DENSE_BYTES.addAndGet(4 * elements);
            SENT_ELEMENTS.addAndGet(Math.round(lastSparsityRatio * elements));
        }
        double threshold = delegate.calculateThreshold(iteration, epoch, lastThreshold, lastWasDense,
                lastSparsityRatio, updatesPlusResidual);
        MIN_THRESHOLD.accumulateAndGet(Double.doubleToLongBits(threshold), (a, b) -> pick(a, b, true));
        MAX_THRESHOLD.accumulateAndGet(Double.doubleToLongBits(threshold), (a, b) -> pick(a, b, false));
        return threshold;
    }

    private static long pick(long current, long next, boolean min) {
        double c = Double.longBitsToDouble(current);
        double n = Double.longBitsToDouble(next);
        return Double.isNaN(c) || (min ? n < c : n > c) ? next : current;
    }

    @Override
    public ThresholdAlgorithmReducer newReducer() {
        return new Reducer(delegate.newReducer());
    }

    /** DL4J's reducers cast what they are given to their own algorithm: hand them the wrapped one. */
    private record Reducer(ThresholdAlgorithmReducer delegate) implements ThresholdAlgorithmReducer {
        @Override
        public void add(ThresholdAlgorithm algorithm) {
            delegate.add(algorithm instanceof MeteredThreshold m ? m.delegate : algorithm);
        }

        @Override
        public ThresholdAlgorithmReducer merge(ThresholdAlgorithmReducer other) {
            return new Reducer(delegate.merge(other instanceof Reducer r ? r.delegate : other));
        }

        @Override
        public ThresholdAlgorithm getFinalResult() {
            ThresholdAlgorithm result = delegate.getFinalResult();
            return result == null ? null : new MeteredThreshold(result);
        }
    }

    @Override
    public ThresholdAlgorithm clone() {
        return new MeteredThreshold(delegate.clone());
    }

    /**
     * Returns {encoded bytes, dense bytes, elements sent, smallest threshold, largest threshold} counted in this
     * JVM since the last call (the thresholds as {@link Double#doubleToLongBits}, NaN if none), and resets them.
     */
    public static long[] drain() {
        long nan = Double.doubleToLongBits(Double.NaN);
        return new long[] {ENCODED_BYTES.getAndSet(0), DENSE_BYTES.getAndSet(0), SENT_ELEMENTS.getAndSet(0),
                MIN_THRESHOLD.getAndSet(nan), MAX_THRESHOLD.getAndSet(nan)};
    }

    @Override
    public String toString() {
        return "metered " + delegate;
    }
}
