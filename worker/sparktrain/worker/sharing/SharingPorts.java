package sparktrain.worker.sharing;

import org.apache.spark.SparkEnv;
import org.nd4j.parameterserver.distributed.v2.transport.PortSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.util.List;

/**
 * The UDP ports of gradient sharing's Aeron mesh: the controller's on the driver, one per executor JVM on the
 * executors. DL4J asks the same supplier on both sides: on the driver its port becomes the controller port the
 * executors are sent, on an executor it is the port that executor binds (AeronUdpTransport's own port). An executor
 * takes the first port from {@code firstPort} that no other JVM of its host holds ({@link PortReservation}), so
 * several executors share a host; the mesh learns each one's port from its handshake, whose sender id is
 * {@code aeron:udp?endpoint=IP:PORT}.
 * DL4J's own StaticPortSupplier(port) ignores its argument (1.0.0-M2: every node binds 49876), so a driver and an
 * executor on one host both took 49876, the executor saw itself as the mesh's root, and its updates never reached
 * the driver's model.
 */
public final class SharingPorts implements PortSupplier {
    private static final long serialVersionUID = 2L;
    private static final Logger log = LoggerFactory.getLogger(SharingPorts.class);
    /** This executor JVM's port: DL4J asks for it several times and binds it once, in its parameter server singleton. */
    private static PortReservation.Reserved reserved;

    private final int controllerPort;
    private final int firstPort;
    private final int portCount;

    /**
     * @param firstPort training.sharing.unicast-port, the first port executors may take
     * @param portCount training.sharing.unicast-port-count, how many
     */
    public SharingPorts(int controllerPort, int firstPort, int portCount) {
        this.controllerPort = controllerPort;
        this.firstPort = firstPort;
        this.portCount = portCount;
    }

    /** DL4J asks for the port right before its transport launches the media driver: its directory is prepared first. */
    @Override
    public int getPort() {
        AeronDirectories.prepare();
        if (onDriver()) {
            return controllerPort;
        }
        try {
            return executorPort();
        } catch (IllegalStateException e) {
            throw new IllegalStateException("gradient sharing: " + e.getMessage() + "; raise"
                    + " training.sharing.unicast-port-count or free ports from training.sharing.unicast-port on", e);
        }
    }

    /**
     * The port this executor JVM binds: reserved at the first call, the same at every later one.
     *
     * @throws IllegalStateException when no port of the range is free on this host, naming each
     */
    int executorPort() {
        synchronized (SharingPorts.class) {
            if (reserved == null) {
                reserved = PortReservation.reserve(PortReservation.LOCK_FILE, firstPort, portCount, controllerPort);
                log.info("gradient sharing: executor {} binds UDP {} for Aeron (training.sharing.unicast-port {}-{}{})",
                        executorId(), reserved.port(), firstPort, firstPort + portCount - 1,
                        reserved.skipped().isEmpty() ? "" : "; skipped " + PortReservation.list(reserved.skipped()));
            }
            return reserved.port();
        }
    }

    /**
     * For the doctor: the port this JVM binds when it trains. On the driver the controller port, which must be free;
     * on an executor its reserved port (reserving it, so that training then binds the very port the doctor checked).
     *
     * @param port the port, 0 when there is none (see problem)
     * @param skipped the executor ports passed over, each with the reason
     * @param problem why there is no port, null when there is one
     */
    public record Check(int port, List<String> skipped, String problem) implements Serializable {
        public Check {
            skipped = List.copyOf(skipped);
        }
    }

    public Check check() {
        if (onDriver()) {
            String busy = PortReservation.bindProblem(controllerPort);
            return new Check(busy == null ? controllerPort : 0, List.of(), busy == null ? null : "UDP " + controllerPort
                    + " is in use (" + busy + ")");
        }
        try {
            int port = executorPort();
            synchronized (SharingPorts.class) {
                return new Check(port, reserved.skipped(), null);
            }
        } catch (IllegalStateException e) {
            return new Check(0, List.of(), e.getMessage());
        }
    }

    /** Spark's local mode runs its tasks in the driver, where DL4J starts one parameter server for both. */
    private static boolean onDriver() {
        return "driver".equals(executorId()); // Spark's executor id of the driver
    }

    private static String executorId() {
        SparkEnv env = SparkEnv.get();
        return env == null ? "driver" : env.executorId();
    }
}
