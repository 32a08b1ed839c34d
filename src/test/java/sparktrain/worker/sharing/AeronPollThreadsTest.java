package sparktrain.worker.sharing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import org.nd4j.parameterserver.distributed.v2.transport.impl.AeronUdpTransport;
import sparktrain.driver.training.GradientSharing;

import java.net.DatagramSocket;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real DL4J Aeron transport, started in this JVM on a free port (not through the JVM's parameter server, which
 * would keep its controller port for the life of the test JVM): its poll thread survives DL4J's shutdown, and
 * {@link AeronPollThreads} ends it.
 */
class AeronPollThreadsTest {
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void thePollThreadOfAShutDownTransportEndsAndALiveOnesStays() throws Exception {
        // what GradientSharing sets before DL4J starts Aeron (Aeron refuses DL4J's own timeouts)
        System.getProperties().putIfAbsent(GradientSharing.AERON_UNBLOCK_PROPERTY, GradientSharing.AERON_UNBLOCK_NANOS);
        AeronDirectories.prepare();
        int port;
        try (DatagramSocket socket = new DatagramSocket(0)) {
            port = socket.getLocalPort();
        }
        long before = AeronPollThreads.count();
        AeronUdpTransport transport = new AeronUdpTransport("127.0.0.1", port,
                VoidConfiguration.builder().controllerAddress("127.0.0.1").portSupplier(new SharingPorts(port, port, 1)).build());
        transport.launchAsMaster();
        awaitCount(n -> n == before + 1, "the transport's poll thread to start");

        assertFalse(AeronPollThreads.endIfShutDown(transport), "a live transport's thread was ended");
        Thread.sleep(500);
        assertEquals(before + 1, AeronPollThreads.count(), "a live transport lost its poll thread");

        transport.shutdown();
        Thread.sleep(1_000);
        // DL4J's bug, which the class works around: if this fails, DL4J ends the thread itself and the class can go
        assertEquals(before + 1, AeronPollThreads.count(), "the poll thread after DL4J's shutdown");

        assertTrue(AeronPollThreads.endIfShutDown(transport));
        awaitCount(n -> n == before, "the poll thread to end");
    }

    private static void awaitCount(LongPredicate wanted, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!wanted.test(AeronPollThreads.count())) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited 20 s for " + what + "; poll threads now " + AeronPollThreads.count());
            }
            Thread.sleep(100);
        }
    }
}
