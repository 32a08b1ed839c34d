package sparktrain.worker.sharing;

import org.nd4j.parameterserver.distributed.v2.ModelParameterServer;
import org.nd4j.parameterserver.distributed.v2.transport.Transport;
import org.nd4j.parameterserver.distributed.v2.transport.impl.AeronUdpTransport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ends the thread that polls a DL4J Aeron transport's subscription once DL4J has shut the transport down.
 *
 * <p>DL4J's {@link AeronUdpTransport} polls its subscription in a loop that never reads its shutdown flag, so the
 * thread outlives the transport, waking every microsecond: about a tenth of a core each here. Every new
 * SharedTrainingMaster shuts the JVM's transport down and starts another, so a JVM that trains with gradient
 * sharing more than once (a benchmark, a distributed sweep, fits through the Spark ML API) gathered one such thread
 * per training: 7 in the driver of one {@code bench scaling} run, which slowed every run after them. Taking the
 * subscription away makes the loop's next poll throw, which ends the thread (its pool was shut down with the
 * transport, so none replaces it).
 */
public final class AeronPollThreads {
    private static final Logger log = LoggerFactory.getLogger(AeronPollThreads.class);
    /** DL4J's poll loop: the second anonymous class of AeronUdpTransport. */
    static final String POLL_LOOP = AeronUdpTransport.class.getName() + "$2";
    private static Transport seen;

    private AeronPollThreads() {
    }

    /**
     * Ends the poll thread of the transport this JVM's parameter server had when last called, if DL4J has replaced
     * and shut it down since. Called where trainings pass (each epoch, on the driver and in the executors).
     */
    public static synchronized void endReplaced() {
        Transport current = ModelParameterServer.getInstance().getTransport();
        if (seen != null && seen != current && endIfShutDown(seen)) {
            log.debug("gradient sharing: ended the poll thread of a replaced Aeron transport");
        }
        seen = current;
    }

    /** Ends {@code transport}'s poll thread if the transport was shut down; true if it did. */
    static boolean endIfShutDown(Transport transport) {
        if (!(transport instanceof AeronUdpTransport aeron)) {
            return false;
        }
        try {
            if (!((AtomicBoolean) field("shutdownFlag").get(aeron)).get()) {
                return false;
            }
            quietPollThreads();
            field("ownSubscription").set(aeron, null);
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

    /** The loop ends with a NullPointerException at its poll: expected, so no stack trace on stderr. */
    private static void quietPollThreads() {
        Thread.getAllStackTraces().forEach((thread, stack) -> {
            if (polls(stack)) {
                thread.setUncaughtExceptionHandler((t, e) -> {
                    StackTraceElement[] at = e.getStackTrace();
                    if (e instanceof NullPointerException && at.length > 0 && at[0].getClassName().equals(POLL_LOOP)) {
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
