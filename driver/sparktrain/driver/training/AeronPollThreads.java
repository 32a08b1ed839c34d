package sparktrain.driver.training;

import org.nd4j.parameterserver.distributed.v2.ModelParameterServer;
import org.nd4j.parameterserver.distributed.v2.transport.Transport;
import org.nd4j.parameterserver.distributed.v2.transport.impl.AeronUdpTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;

/**
 * Ends the thread that polls a DL4J Aeron transport's subscription once DL4J has shut the transport down.
 *
 * <p>DL4J's {@link AeronUdpTransport} polls its subscription in a loop that never reads its shutdown flag, so the
 * thread outlives the transport, waking every microsecond: about a tenth of a core each here. Every new
 * SharedTrainingMaster shuts the driver's transport down and starts another (an executor JVM keeps its first), so a
 * driver that trains with gradient sharing more than once (a benchmark, a distributed sweep, fits through the Spark
 * ML API) gathered one such thread per training: 10 in the driver of one {@code bench scaling} run, which slowed
 * every run after them. Taking the subscription away makes the loop's next poll throw, which ends the thread; the
 * transport's idle message threads are interrupted with it. Its pool was shut down with the transport, so no
 * thread replaces them.
 */
final class AeronPollThreads {
    private static final Logger log = LoggerFactory.getLogger(AeronPollThreads.class);
    /** DL4J's poll loop: the second anonymous class of AeronUdpTransport. */
    static final String POLL_LOOP = AeronUdpTransport.class.getName() + "$2";
    private static Transport seen;

    private AeronPollThreads() {
    }

    /** After each sharing epoch on the driver: {@link #endReplaced(Transport)} with the parameter server's transport. */
    static void endReplaced() {
        endReplaced(ModelParameterServer.getInstance().getTransport());
    }

    /**
     * Ends the poll thread of the transport seen at the last call if it is not {@code current} and DL4J has shut it
     * down; true if it did.
     */
    static synchronized boolean endReplaced(Transport current) {
        boolean ended = seen != null && seen != current && endIfShutDown(seen);
        if (ended) {
            log.debug("gradient sharing: ended the poll thread of a replaced Aeron transport");
        }
        seen = current;
        return ended;
    }

    /**
     * Ends {@code transport}'s poll thread if the transport was shut down: its message pool is shut down only after
     * DL4J closed the subscription, so the field is not taken from under DL4J's own shutdown.
     */
    static boolean endIfShutDown(Transport transport) {
        if (!(transport instanceof AeronUdpTransport aeron)) {
            return false;
        }
        try {
            ExecutorService messages = (ExecutorService) field("messagesExecutorService").get(aeron);
            if (!messages.isShutdown()) {
                return false;
            }
            quietPollThreads();
            // read on each turn of the loop, which parks between turns, so the loop sees the change at once
            field("ownSubscription").set(aeron, null);
            messages.shutdownNow();
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("gradient sharing: cannot end the poll thread of a closed Aeron transport: {}", e.toString());
            return false;
        }
    }

    /** Threads running DL4J's poll loop in this JVM. */
    static long count() {
        return Thread.getAllStackTraces().values().stream().filter(AeronPollThreads::polls).count();
    }

    /**
     * The loop ends with a NullPointerException at its poll: expected, so no stack trace on stderr. Once compiled,
     * the JVM may throw it without a stack trace, hence the empty trace taken as that too.
     */
    private static void quietPollThreads() {
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (polls(stack)) {
                thread.setUncaughtExceptionHandler((t, e) -> {
                    StackTraceElement[] at = e.getStackTrace();
                    if (e instanceof NullPointerException && (at.length == 0 || at[0].getClassName().equals(POLL_LOOP))) {
                        log.debug("gradient sharing: Aeron's poll thread {} ended", t.getName());
                    } else {
                        log.warn("gradient sharing: Aeron's poll thread {} failed", t.getName(), e);
                    }
                });
            }
        });
    }

    private static boolean polls(StackTraceElement[] stack) {
        return Arrays.stream(stack).anyMatch(frame -> frame.getClassName().equals(POLL_LOOP));
    }

    private static Field field(String name) throws NoSuchFieldException {
        Field field = AeronUdpTransport.class.getDeclaredField(name);
        field.setAccessible(true);
        return field;
    }
}
