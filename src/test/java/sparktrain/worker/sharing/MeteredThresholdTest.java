package sparktrain.worker.sharing;

import org.deeplearning4j.optimize.solvers.accumulation.EncodingHandler;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.FixedThresholdAlgorithm;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Known updates through DL4J's own {@link EncodingHandler}, the code that calls the threshold algorithm while
 * sharing: the bytes counted must be exactly the bytes of the messages DL4J encoded.
 */
class MeteredThresholdTest {
    private static final int ELEMENTS = 1000;
    private static final double THRESHOLD = 1e-3;

    @BeforeEach
    void reset() {
        MeteredThreshold.drain();
    }

    /** An update of {@link #ELEMENTS} floats, {@code over} of them (every 7th) well over the threshold. */
    private static INDArray update(int over) {
        INDArray u = Nd4j.zeros(DataType.FLOAT, ELEMENTS);
        for (int i = 0; i < over; i++) {
            u.putScalar(i * 7L % ELEMENTS, i % 2 == 0 ? 0.5 : -0.5);
        }
        return u;
    }

    private static EncodingHandler handler() {
        return new EncodingHandler(new MeteredThreshold(new FixedThresholdAlgorithm(THRESHOLD)), null, null, false);
    }

    @Test
    void countsTheBytesOfASparseUpdate() {
        EncodingHandler handler = handler();
        handler.encodeUpdates(0, 0, update(600)); // DL4J starts with a bitmap: 1000 / 16 + 5 ints
        // DL4J reports how it encoded an update to the threshold algorithm with the next update
        handler.encodeUpdates(1, 0, update(20)); // a bitmap again, but few enough to switch to sparse
        long[] bitmap = {4 * (1000 / 16 + 5), 4 * ELEMENTS, 0};
        assertArrayEquals(bitmap, first3(MeteredThreshold.drain()),
                "the bitmap: bytes, dense bytes, elements sent (a bitmap does not say)");
        INDArray sent = handler.encodeUpdates(2, 0, update(37));
        assertArrayEquals(bitmap, first3(MeteredThreshold.drain()), "the second bitmap");
        assertEquals(4 + 37, sent.length(), "DL4J's 4-int header and 37 indices");
        handler.encodeUpdates(3, 0, update(37));
        long[] counted = MeteredThreshold.drain();
        assertArrayEquals(new long[] {4 * (4 + 37), 4 * ELEMENTS, 37}, first3(counted),
                "the sparse update: bytes, dense bytes, elements sent");
        assertEquals(THRESHOLD, Double.longBitsToDouble(counted[3]), 0.0);
        assertEquals(THRESHOLD, Double.longBitsToDouble(counted[4]), 0.0);
    }

    @Test
    void countsEveryMessageOfARunAsDl4jEncodedIt() {
        EncodingHandler handler = handler();
        long bytes = 0;
        long elements = 0;
        int steps = 0;
        // a bitmap first, sparse, nothing over the threshold, too dense for sparse (a bitmap), sparse again
        for (int over : new int[] {10, 25, 0, 40, 600, 5, 2, 40, 17}) {
            INDArray sent = handler.encodeUpdates(steps++, 0, update(over));
            if (over == 0) {
                assertNull(sent, "nothing crossed the threshold: no message");
            } else {
                bytes += 4 * sent.length();
                elements += sent.getInt(3) == 0 ? sent.getInt(0) : 0; // sparse messages say their count
            }
        }
        // the last update is reported with the next one, which never comes
        handler.encodeUpdates(steps++, 0, update(0));
        long[] counted = MeteredThreshold.drain();
        assertArrayEquals(new long[] {bytes, 4L * ELEMENTS * (steps - 1), elements}, first3(counted));
        long nan = Double.doubleToLongBits(Double.NaN);
        assertArrayEquals(new long[] {0, 0, 0, nan, nan}, MeteredThreshold.drain(), "drain resets the counters");
    }

    private static long[] first3(long[] counted) {
        return new long[] {counted[0], counted[1], counted[2]};
    }
}
