package sparktrain.worker.sharing;

import org.apache.spark.api.java.function.Function;

/** Executor function: hands the driver the encoded-update byte counts of the executor it runs on. */
public final class DrainEncodingCounters implements Function<Integer, long[]> {
    @Override
    public long[] call(Integer ignored) {
        return MeteredThreshold.drain();
    }
}
