package sparktrain.worker.sharing;

import io.aeron.Aeron;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.DatagramSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two real Aeron media drivers, one publishing known messages over UDP to the other: the counter read must be the
 * sender's bytes on the wire, every frame with its header, and not the receiver's (which sends only status messages).
 */
class AeronTrafficTest {
    private static final int MESSAGES = 50;
    private static final int LENGTH = 1000;
    /** Aeron's data frame: a 32-byte header, the whole padded to 32 bytes. */
    private static final int FRAME = (32 + LENGTH + 31) / 32 * 32;
    /** Setup frames and heartbeats while the publication connects and idles: a few dozen frames of 32-40 bytes. */
    private static final int SLACK = 4096;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void countsTheFramesTheSenderPutOnTheWire() throws Exception {
        int port;
        try (DatagramSocket free = new DatagramSocket(0)) {
            port = free.getLocalPort();
        }
        String channel = "aeron:udp?endpoint=127.0.0.1:" + port;
        try (MediaDriver sendingDriver = driver(); MediaDriver receivingDriver = driver();
             Aeron sender = client(sendingDriver); Aeron receiver = client(receivingDriver);
             Subscription subscription = receiver.addSubscription(channel, 7);
             Publication publication = sender.addPublication(channel, 7)) {
            assertEquals(0, AeronTraffic.bytesSent(sender.countersReader()), "nothing sent before the publication");
            while (!publication.isConnected()) {
                Thread.sleep(1);
            }
            UnsafeBuffer message = new UnsafeBuffer(ByteBuffer.allocateDirect(LENGTH));
            int received = 0;
            for (int sent = 0; sent < MESSAGES; ) {
                message.putInt(0, sent);
                if (publication.offer(message) > 0) {
                    sent++;
                }
                received += subscription.poll((buffer, offset, length, header) -> assertEquals(LENGTH, length), 10);
            }
            while (received < MESSAGES) {
                received += subscription.poll((buffer, offset, length, header) -> assertEquals(LENGTH, length), 10);
            }
            long data = (long) MESSAGES * FRAME;
            long counted = AeronTraffic.bytesSent(sender.countersReader());
            assertTrue(counted >= data && counted < data + SLACK,
                    "the sender put " + data + " bytes of data frames on the wire (plus a little setup and heartbeat),"
                            + " counted " + counted);
            assertTrue(AeronTraffic.bytesSent(receiver.countersReader()) < SLACK,
                    "the receiving driver sent no data: " + AeronTraffic.bytesSent(receiver.countersReader()));
        }
    }

    private static MediaDriver driver() {
        return MediaDriver.launchEmbedded(new MediaDriver.Context().threadingMode(ThreadingMode.SHARED)
                .dirDeleteOnStart(true).dirDeleteOnShutdown(true));
    }

    private static Aeron client(MediaDriver driver) {
        return Aeron.connect(new Aeron.Context().aeronDirectoryName(driver.aeronDirectoryName()));
    }

    /** Without DL4J's transport in this JVM there is nothing to count. */
    @Test
    void noTransportCountsNothing() {
        assertEquals(0, AeronTraffic.drain());
    }
}
