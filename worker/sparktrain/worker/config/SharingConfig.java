package sparktrain.worker.config;

import java.io.Serializable;
import java.util.List;

/** Gradient sharing (training.mode = sharing): the threshold encoding and the Aeron network settings. */
public record SharingConfig(
        String threshold,
        double initialThreshold,
        double minSparsity,
        double maxSparsity,
        double residualClip,
        int residualClipFrequency,
        boolean scaleWithLearningRate,
        int workersPerNode,
        String controllerAddress,
        int controllerPort,
        int unicastPort,
        int unicastPortCount,
        String networkMask) implements Serializable {

    public static final List<String> THRESHOLDS = List.of("adaptive", "fixed");

    static SharingConfig from(Settings s) {
        SharingConfig c = new SharingConfig(
                s.choice("training.sharing.threshold", THRESHOLDS),
                s.positive("training.sharing.initial-threshold"),
                s.doubleIn("training.sharing.min-sparsity", 0.0, 1.0, false),
                s.doubleIn("training.sharing.max-sparsity", 0.0, 1.0, false),
                s.doubleIn("training.sharing.residual-clip", 0.0, Double.MAX_VALUE, false),
                s.intAtLeast("training.sharing.residual-clip-frequency", 1),
                s.bool("training.sharing.scale-with-learning-rate"),
                s.intAtLeast("training.sharing.workers-per-node", 0),
                s.string("training.sharing.controller-address"),
                s.intIn("training.sharing.controller-port", 1024, 65535),
                s.intIn("training.sharing.unicast-port", 1024, 65535),
                s.intIn("training.sharing.unicast-port-count", 1, 1000),
                s.string("training.sharing.network-mask"));
        if (c.lastUnicastPort() > 65535) {
            s.problem("training.sharing.unicast-port-count", c.unicastPortCount, "must end the executors' ports at 65535"
                    + " or below (training.sharing.unicast-port = " + c.unicastPort + ")");
        } else if (c.controllerPort >= c.unicastPort && c.controllerPort <= c.lastUnicastPort()) {
            s.problem("training.sharing.controller-port", c.controllerPort, "must lie outside the executors' ports "
                    + c.unicastPort + "-" + c.lastUnicastPort() + " (training.sharing.unicast-port, unicast-port-count)");
        }
        if (c.minSparsity > c.maxSparsity) {
            s.problem("training.sharing.min-sparsity", c.minSparsity,
                    "must be <= training.sharing.max-sparsity (" + c.maxSparsity + ")");
        }
        return c;
    }

    /** The last UDP port an executor may take: each takes the first free one from unicastPort on. */
    public int lastUnicastPort() {
        return unicastPort + unicastPortCount - 1;
    }
}
