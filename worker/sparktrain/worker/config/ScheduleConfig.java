package sparktrain.worker.config;

import java.io.Serializable;
import java.util.List;

/** The learning-rate schedule (training.schedule), applied per epoch. */
public record ScheduleConfig(String type, double decay, int stepEpochs, double minLearningRate, double warmupFraction)
        implements Serializable {

    public static final List<String> TYPES = List.of("constant", "step", "exponential", "cosine", "one-cycle");

    static ScheduleConfig from(Settings s) {
        return new ScheduleConfig(
                s.choice("training.schedule.type", TYPES),
                s.doubleIn("training.schedule.decay", 0.0, 1.0, false),
                s.intAtLeast("training.schedule.step-epochs", 1),
                s.doubleIn("training.schedule.min-learning-rate", 0.0, Double.MAX_VALUE, false),
                s.doubleIn("training.schedule.warmup-fraction", 0.0, 1.0, true));
    }
}
