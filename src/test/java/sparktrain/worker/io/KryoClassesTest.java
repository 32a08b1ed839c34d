package sparktrain.worker.io;

import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import scala.reflect.ClassTag$;
import sparktrain.worker.sharing.DrainSharingCounters;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** INDArrays and records through Spark's Kryo with ND4J's registrator and then ours, as {@code spark.kryo = true} sets it. */
class KryoClassesTest {
    private static final SerializerInstance KRYO = new KryoSerializer(new SparkConf(false)
            .set("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator," + KryoClasses.class.getName()))
            .newInstance();

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T value, SerializerInstance kryo) {
        Object copy = kryo.deserialize(kryo.serialize(value, ClassTag$.MODULE$.apply(Object.class)),
                ClassTag$.MODULE$.apply(Object.class));
        return (T) copy;
    }

    /** The same type, shape and values, bit for bit. */
    private static void assertSame(INDArray expected, INDArray actual) {
        assertEquals(expected.dataType(), actual.dataType());
        assertEquals(Arrays.toString(expected.shape()), Arrays.toString(actual.shape()));
        assertArrayEquals(bytes(expected), bytes(actual), () -> "expected " + expected + " but was " + actual);
    }

    private static byte[] bytes(INDArray array) {
        if (array.isEmpty()) {
            return new byte[0];
        }
        ByteBuffer values = array.dup('c').data().asNio();
        byte[] bytes = new byte[(int) array.length() * array.dataType().width()];
        values.get(bytes);
        return bytes;
    }

    @Test
    void numbersOfEveryShapeAndOrderComeBackTheSame() {
        INDArray matrix = Nd4j.rand(DataType.FLOAT, 7, 5);
        List<INDArray> arrays = List.of(
                matrix,
                matrix.get(NDArrayIndex.interval(2, 5), NDArrayIndex.all()),   // a view into the middle of a buffer
                matrix.get(NDArrayIndex.all(), NDArrayIndex.point(3)),          // a strided view
                matrix.dup('f'),
                matrix.transpose(),
                Nd4j.rand(DataType.DOUBLE, 3, 4, 2),
                Nd4j.arange(12).castTo(DataType.INT).reshape(3, 4),
                Nd4j.rand(DataType.FLOAT, 2, 3).castTo(DataType.HALF),
                Nd4j.rand(DataType.FLOAT, 2, 3).castTo(DataType.BFLOAT16),
                Nd4j.arange(6).castTo(DataType.LONG).reshape(2, 3).mul(1L << 40),
                Nd4j.arange(6).castTo(DataType.SHORT),
                Nd4j.arange(6).castTo(DataType.UBYTE),
                Nd4j.createFromArray(true, false, true),
                Nd4j.scalar(2.5f),
                Nd4j.create(DataType.FLOAT, 0, 3),
                Nd4j.rand(DataType.FLOAT, 431_360));
        for (INDArray array : arrays) {
            INDArray copy = roundTrip(array, KRYO);
            assertSame(array, copy);
            assertFalse(copy.isView(), "a copy of its own");
            assertEquals('c', copy.ordering());
        }
    }

    @Test
    void stringsAreRefusedNamingTheirType() {
        Exception e = assertThrows(Exception.class, () -> roundTrip(Nd4j.create("a", "bc"), KRYO));
        String messages = e + " " + e.getCause();
        assertTrue(messages.contains("an INDArray of UTF8 cannot be serialized"), messages);
    }

    @Test
    void aMinibatchComesBackTheSameInLittleMoreThanItsValues() {
        DataSet batch = new DataSet(Nd4j.rand(DataType.FLOAT, 32, 784), Nd4j.eye(10).repeat(0, 4).get(
                NDArrayIndex.interval(0, 32), NDArrayIndex.all()).castTo(DataType.FLOAT));
        DataSet copy = roundTrip(batch, KRYO);
        assertSame(batch.getFeatures(), copy.getFeatures());
        assertSame(batch.getLabels(), copy.getLabels());
        int bytes = KRYO.serialize(batch, ClassTag$.MODULE$.apply(Object.class)).remaining();
        int values = (32 * 784 + 32 * 10) * 4;
        assertTrue(bytes >= values && bytes < values + 1024, bytes + " bytes for " + values + " bytes of values");
    }

    @Test
    void recordsComeBackTheSame() {
        var drained = new DrainSharingCounters.Drained("executor 1", 42, new long[] {3, 4});
        var copy = roundTrip(drained, KRYO);
        assertEquals(drained.executor(), copy.executor());
        assertEquals(drained.aeronBytesSent(), copy.aeronBytesSent());
        assertEquals(Arrays.toString(drained.encoding()), Arrays.toString(copy.encoding()));
    }
}
