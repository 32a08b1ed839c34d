package sparktrain.driver.training;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import org.nd4j.parameterserver.distributed.v2.transport.impl.AeronUdpTransport;
import sparktrain.worker.sharing.AeronDirectories;
import sparktrain.worker.sharing.SharingPorts;

import java.io.IOException;
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
    void thePollThreadOfAReplacedTransportEndsAndTheCurrentOnesStays() throws Exception {
        // what GradientSharing sets before DL4J starts Aeron (Aeron refuses DL4J's own timeouts)
        System.getProperties().putIfAbsent(GradientSharing.AERON_UNBLOCK_PROPERTY, GradientSharing.AERON_UNBLOCK_NANOS);
        AeronDirectories.prepare();
        long before = AeronPollThreads.count();
        AeronUdpTransport first = launch();
        awaitCount(n -> n == before + 1, "the first transport's poll thread to start");
        assertFalse(AeronPollThreads.endReplaced(first), "nothing seen before the first");
        assertFalse(AeronPollThreads.endIfShutDown(first), "a live transport's thread was ended");

        first.shutdown();
        Thread.sleep(1_000);
        // DL4J's bug, which the class works around: if this fails, DL4J ends the thread itself and the class can go
        assertEquals(before + 1, AeronPollThreads.count(), "the poll thread after DL4J's shutdown");

        AeronUdpTransport second = launch();
        awaitCount(n -> n == before + 2, "the second transport's poll thread to start");
        assertTrue(AeronPollThreads.endReplaced(second), "the replaced, shut-down transport's thread was not ended");
        awaitCount(n -> n == before + 1, "the replaced transport's poll thread to end");
        Thread.sleep(500);
        assertEquals(before + 1, AeronPollThreads.count(), "the current transport lost its poll thread");
        assertFalse(AeronPollThreads.endReplaced(second), "the current transport is not replaced");
        second.shutdown();
        assertTrue(AeronPollThreads.endIfShutDown(second));
        awaitCount(n -> n == before, "the second transport's poll thread to end");
    }

    /** A master transport on a free port, as the driver's parameter server starts one. */
    private static AeronUdpTransport launch() throws IOException {
        int port;
        try (DatagramSocket socket = new DatagramSocket(0)) {
            port = socket.getLocalPort();
        }
        AeronUdpTransport transport = new AeronUdpTransport("127.0.0.1", port,
                VoidConfiguration.builder().controllerAddress("127.0.0.1").portSupplier(new SharingPorts(port, port, 1)).build());
        transport.launchAsMaster();
        return transport;
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
