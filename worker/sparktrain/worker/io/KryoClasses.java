package sparktrain.worker.io;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.apache.spark.serializer.KryoRegistrator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.ByteBuffer;

/**
 * The Kryo registrator {@code spark.kryo = true} lists after ND4J's. INDArrays: their shape, and their values'
 * bytes copied in blocks; ND4J's own serializer writes and reads them one value at a time through a
 * DataOutputStream, the largest single part of Spark's Java time in a LeNet averaging profile (348 of 941
 * samples: the parameters and updater state broadcast, and sent back by every worker). Records (what the doctor's
 * probes, the sharing counters and the sequence readers return): Java serialization, since Kryo 4 cannot set a
 * record's fields.
 */
public final class KryoClasses implements KryoRegistrator {
    private static final int BLOCK = 1 << 16;

    @Override
    public void registerClasses(Kryo kryo) {
        kryo.register(Nd4j.getBackend().getNDArrayClass(), new ArraySerializer());
        kryo.addDefaultSerializer(Record.class, new JavaSerializer());
    }

    /**
     * The data type, the shape and the values in C order as ND4J holds them in memory (the driver's and the
     * executors' byte order is the same). Numbers and booleans: ND4J's own serializer cannot read strings back either.
     */
    static final class ArraySerializer extends Serializer<INDArray> {
        @Override
        public void write(Kryo kryo, Output output, INDArray array) {
            if (!array.dataType().isNumerical() && array.dataType() != DataType.BOOL) {
                throw new IllegalArgumentException("an INDArray of " + array.dataType() + " cannot be serialized,"
                        + " only numbers and booleans");
            }
            INDArray dense = array.isView() || array.ordering() != 'c'
                    || !Shape.hasDefaultStridesForShape(array) ? array.dup('c') : array;
            output.writeString(dense.dataType().name());
            long[] shape = dense.shape();
            output.writeVarInt(shape.length, true);
            for (long dimension : shape) {
                output.writeVarLong(dimension, true);
            }
            copy(values(dense), output);
        }

        @Override
        public INDArray read(Kryo kryo, Input input, Class<INDArray> type) {
            DataType dataType = DataType.valueOf(input.readString());
            long[] shape = new long[input.readVarInt(true)];
            for (int i = 0; i < shape.length; i++) {
                shape[i] = input.readVarLong(true);
            }
            // outside any workspace the reading thread has open: a workspace would reuse this memory later
            INDArray array = Nd4j.createUninitializedDetached(dataType, 'c', shape);
            ByteBuffer values = values(array);
            byte[] block = new byte[Math.min(BLOCK, values.remaining())];
            while (values.hasRemaining()) {
                int n = Math.min(block.length, values.remaining());
                input.readBytes(block, 0, n);
                values.put(block, 0, n);
            }
            return array;
        }

        private static void copy(ByteBuffer values, Output output) {
            byte[] block = new byte[Math.min(BLOCK, values.remaining())];
            while (values.hasRemaining()) {
                int n = Math.min(block.length, values.remaining());
                values.get(block, 0, n);
                output.writeBytes(block, 0, n);
            }
        }

        /**
         * The array's values in ND4J's memory, as many bytes as it holds. Only for an array that is not a view:
         * {@code asNio()} starts at the start of the buffer, whatever the array's offset into it.
         */
        private static ByteBuffer values(INDArray array) {
            long bytes = array.isEmpty() ? 0 : array.length() * array.dataType().width();
            if (bytes == 0) {
                return ByteBuffer.allocate(0);
            }
            ByteBuffer buffer = array.data().asNio();
            if (buffer.remaining() < bytes) {
                throw new IllegalStateException("ND4J's buffer holds " + buffer.remaining() + " bytes for an array of "
                        + bytes);
            }
            buffer.limit(buffer.position() + (int) bytes);
            return buffer;
        }
    }
}
