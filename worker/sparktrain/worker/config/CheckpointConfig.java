package sparktrain.worker.config;

import java.io.Serializable;

/** Checkpoints (training.checkpoint): every {@code every} epochs (0 = never), keeping the newest {@code keep}. */
public record CheckpointConfig(
        @From("training.checkpoint.every") int every,
        @From("training.checkpoint.keep") int keep) implements Serializable {
}
