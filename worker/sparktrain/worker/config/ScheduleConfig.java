package sparktrain.worker.config;

import java.io.Serializable;
import java.util.List;

/** The learning-rate schedule (training.schedule), applied per epoch. */
public record ScheduleConfig(
        @From("training.schedule.type") String type,
        @From("training.schedule.decay") double decay,
        @From("training.schedule.step-epochs") int stepEpochs,
        @From("training.schedule.min-learning-rate") double minLearningRate,
        @From("training.schedule.warmup-fraction") double warmupFraction) implements Serializable {

    public static final List<String> TYPES = List.of("constant", "step", "exponential", "cosine", "one-cycle");
}
