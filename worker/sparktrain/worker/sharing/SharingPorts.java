package sparktrain.worker.sharing;

import org.apache.spark.SparkEnv;
import org.nd4j.parameterserver.distributed.v2.transport.PortSupplier;

/**
 * The UDP ports of gradient sharing's Aeron mesh: the controller's on the driver, the workers' on executors.
 * DL4J asks the same supplier on both sides: on the driver its port becomes the controller port the executors
 * are sent, on an executor it is the port that executor binds. DL4J's own StaticPortSupplier(port) ignores its
 * argument (1.0.0-M2: every node binds 49876), so a driver and an executor on one host both took 49876, the
 * executor saw itself as the mesh's root, and its updates never reached the driver's model.
 */
public final class SharingPorts implements PortSupplier {
    private static final long serialVersionUID = 1L;
    private final int controllerPort;
    private final int workerPort;

    public SharingPorts(int controllerPort, int workerPort) {
        this.controllerPort = controllerPort;
        this.workerPort = workerPort;
    }

    @Override
    public int getPort() {
        return onDriver() ? controllerPort : workerPort;
    }

    /** Spark's local mode runs its tasks in the driver, where DL4J starts one parameter server for both. */
    private static boolean onDriver() {
        SparkEnv env = SparkEnv.get();
        return env == null || "driver".equals(env.executorId()); // Spark's executor id of the driver
    }
}
