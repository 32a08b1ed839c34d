package sparktrain.worker.sharing;

import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.function.Function;

import java.io.Serializable;

/** Executor function: hands the driver the gradient-sharing counters of the JVM it runs on, and resets them. */
public final class DrainSharingCounters implements Function<Integer, DrainSharingCounters.Drained> {
    /**
     * @param executor the JVM's block manager, "host:port" as Spark's executor list names it ("driver" without Spark)
     * @param aeronBytesSent what its Aeron media driver sent since the last drain ({@link AeronTraffic})
     * @param encoding its encoded-update counts ({@link MeteredThreshold#drain()})
     */
    public record Drained(String executor, long aeronBytesSent, long[] encoding) implements Serializable {
    }

    @Override
    public Drained call(Integer ignored) {
        return drain();
    }

    public static Drained drain() {
        return new Drained(jvm(), AeronTraffic.drain(), MeteredThreshold.drain());
    }

    /** This JVM's block manager, "host:port" as {@code SparkContext.getExecutorMemoryStatus} names it. */
    public static String jvm() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "driver" : env.blockManager().blockManagerId().hostPort();
    }
}
