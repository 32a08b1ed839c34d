package sparktrain.worker.config;

import java.io.Serializable;
import java.util.List;

/** Gradient sharing (training.mode = sharing): the threshold encoding and the Aeron network settings. */
public record SharingConfig(
        @From("training.sharing.threshold") String threshold,
        @From("training.sharing.initial-threshold") double initialThreshold,
        @From("training.sharing.min-sparsity") double minSparsity,
        @From("training.sharing.max-sparsity") double maxSparsity,
        @From("training.sharing.residual-clip") double residualClip,
        @From("training.sharing.residual-clip-frequency") int residualClipFrequency,
        @From("training.sharing.scale-with-learning-rate") boolean scaleWithLearningRate,
        @From("training.sharing.workers-per-node") int workersPerNode,
        @From("training.sharing.controller-address") String controllerAddress,
        @From("training.sharing.controller-port") int controllerPort,
        @From("training.sharing.unicast-port") int unicastPort,
        @From("training.sharing.unicast-port-count") int unicastPortCount,
        @From("training.sharing.network-mask") String networkMask) implements Serializable {

    public static final List<String> THRESHOLDS = List.of("adaptive", "fixed");

    /** The last UDP port an executor may take: each takes the first free one from unicastPort on. */
    public int lastUnicastPort() {
        return unicastPort + unicastPortCount - 1;
    }
}
