package sparktrain.worker.config;

import java.io.Serializable;

/** Checkpoints (training.checkpoint): every {@code every} epochs (0 = never), keeping the newest {@code keep}. */
public record CheckpointConfig(int every, int keep) implements Serializable {
    static CheckpointConfig from(Settings s) {
        return new CheckpointConfig(s.intAtLeast("training.checkpoint.every", 0), s.intAtLeast("training.checkpoint.keep", 1));
    }
}
