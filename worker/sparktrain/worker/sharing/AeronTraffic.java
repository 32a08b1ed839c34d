package sparktrain.worker.sharing;

import io.aeron.Aeron;
import io.aeron.driver.status.SystemCounterDescriptor;
import org.agrona.concurrent.status.CountersReader;
import org.nd4j.parameterserver.distributed.v2.ModelParameterServer;
import org.nd4j.parameterserver.distributed.v2.transport.impl.AeronUdpTransport;

import java.lang.reflect.Field;

/**
 * The bytes this JVM put on the network for gradient sharing, as Aeron's media driver counts them: DL4J's transport
 * ({@link AeronUdpTransport}, one per JVM in its parameter-server singleton) starts its own embedded media driver,
 * whose sender adds every frame it writes to a UDP socket to the system counter {@code BYTES_SENT}: the updates to
 * every peer of the mesh (so fan-out counts once per peer), their framing, the messages the mesh is run with, setup
 * frames, heartbeats and retransmits (the UDP and IP headers below Aeron's frames are not counted).
 */
public final class AeronTraffic {
    private static Aeron lastClient;
    private static long lastRead;

    private AeronTraffic() {
    }

    /** The bytes sent since the last call in this JVM (all of them at the first); 0 when this JVM has no transport. */
    public static synchronized long drain() {
        Aeron client = client();
        if (client == null || client.isClosed()) {
            return 0;
        }
        if (client != lastClient) { // a new transport: a new media driver, counting from 0
            lastClient = client;
            lastRead = 0;
        }
        long now = bytesSent(client.countersReader());
        long sent = now - lastRead;
        lastRead = now;
        return sent;
    }

    /** Every byte this JVM's media driver has sent since it started, without draining; 0 when there is no transport. */
    public static synchronized long total() {
        Aeron client = client();
        return client == null || client.isClosed() ? 0 : bytesSent(client.countersReader());
    }

    /** Whether this JVM runs DL4J's transport, with its media driver. */
    public static boolean running() {
        Aeron client = client();
        return client != null && !client.isClosed();
    }

    /** The media driver's {@code BYTES_SENT}, found by its type and key as Aeron's own tools find it. */
    static long bytesSent(CountersReader counters) {
        long[] value = {-1};
        counters.forEach((id, type, key, label) -> {
            if (type == SystemCounterDescriptor.SYSTEM_COUNTER_TYPE_ID
                    && key.getInt(0) == SystemCounterDescriptor.BYTES_SENT.id()) {
                value[0] = counters.getCounterValue(id);
            }
        });
        if (value[0] < 0) {
            throw new IllegalStateException("Aeron's media driver has no " + SystemCounterDescriptor.BYTES_SENT.label()
                    + " counter");
        }
        return value[0];
    }

    /**
     * The Aeron client of this JVM's DL4J transport, null when none runs. DL4J keeps it in a protected field and
     * offers no getter, hence the reflection.
     */
    private static Aeron client() {
        ModelParameterServer server = ModelParameterServer.getInstance();
        if (!server.isInitialized() || !(server.getTransport() instanceof AeronUdpTransport transport)) {
            return null;
        }
        try {
            Field field = AeronUdpTransport.class.getDeclaredField("aeron");
            field.setAccessible(true);
            return (Aeron) field.get(transport);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read the Aeron client of DL4J's transport: " + e, e);
        }
    }
}
