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
                s.string("training.sharing.network-mask"));
        if (c.controllerPort == c.unicastPort) {
            s.problem("training.sharing.controller-port", c.controllerPort, "must differ from training.sharing.unicast-port");
        }
        if (c.minSparsity > c.maxSparsity) {
            s.problem("training.sharing.min-sparsity", c.minSparsity,
                    "must be <= training.sharing.max-sparsity (" + c.maxSparsity + ")");
        }
        return c;
    }
}
