package sparktrain.worker.sharing;

import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithmReducer;
import org.nd4j.linalg.api.ndarray.INDArray;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A threshold algorithm that also counts, in this JVM, the bytes of every encoded update against the
 * bytes the same update would take dense. DL4J's {@code EncodingHandler} hands each call what it encoded the
 * previous update as: a sparse message of one 32-bit index per element that crossed the threshold after a 4-int
 * header, its length in ints given as a share of the update's elements; a bitmap of 2 bits per element, always
 * {@code elements / 16 + 5} ints (header included); or nothing, when no element crossed (Strom 2015). The last
 * update a thread encodes is never reported, so it is not counted.
 *
 * <p>What DL4J encoded, once per update: not the bytes sent, which {@link AeronTraffic} measures (each update to every
 * peer, framed). The epoch's dense count is the reference sharing is compared with; the encoded count is only logged.
 */
public final class MeteredThreshold implements ThresholdAlgorithm {
    private static final AtomicLong ENCODED_BYTES = new AtomicLong();
    private static final AtomicLong DENSE_BYTES = new AtomicLong();
    private static final AtomicLong SENT_ELEMENTS = new AtomicLong();
    private static final AtomicLong MIN_THRESHOLD = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private static final AtomicLong MAX_THRESHOLD = new AtomicLong(Double.doubleToLongBits(Double.NaN));
    private static final int HEADER_INTS = 4;

    private final ThresholdAlgorithm delegate;

    public MeteredThreshold(ThresholdAlgorithm delegate) {
        this.delegate = delegate;
    }

    @Override
    public double calculateThreshold(int iteration, int epoch, Double lastThreshold, Boolean lastWasDense,
                                     Double lastSparsityRatio, INDArray updatesPlusResidual) {
        if (lastWasDense != null && updatesPlusResidual != null) {
            long elements = updatesPlusResidual.length();
            if (lastWasDense) {
                ENCODED_BYTES.addAndGet(4 * (elements / 16 + 5));
            } else if (lastSparsityRatio != null && lastSparsityRatio > 0) {
                long ints = Math.round(lastSparsityRatio * elements);
                ENCODED_BYTES.addAndGet(4 * ints);
                SENT_ELEMENTS.addAndGet(ints - HEADER_INTS);
            }
            DENSE_BYTES.addAndGet(4 * elements);
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
     * Returns {encoded bytes, dense bytes, elements sent in sparse messages (a bitmap does not say how many it
     * carries), smallest threshold, largest threshold} counted in this JVM since the last call (the thresholds as
     * {@link Double#doubleToLongBits}, NaN if none), and resets them.
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
