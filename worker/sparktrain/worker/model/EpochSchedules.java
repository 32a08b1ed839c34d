package sparktrain.worker.model;

import org.nd4j.linalg.schedule.ExponentialSchedule;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.linalg.schedule.ScheduleType;
import org.nd4j.linalg.schedule.StepSchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;
import sparktrain.worker.config.ScheduleConfig;
import sparktrain.worker.config.TrainingConfig;

/**
 * Learning-rate schedules by epoch. Epochs, not iterations: on Spark every worker counts its own
 * iterations, while the epoch count is the driver's and reaches every worker with the parameters.
 */
public final class EpochSchedules {
    private EpochSchedules() {
    }

    /**
     * The job's learning-rate schedule (training.schedule over training.epochs from training.learning-rate),
     * or null for a constant rate: what the network is built with, what a resumed run applies, and what
     * gradient sharing scales its threshold with.
     */
    public static ISchedule of(TrainingConfig training) {
        ScheduleConfig s = training.schedule();
        double learningRate = training.learningRate();
        int epochs = training.epochs();
        return switch (s.type()) {
            case "constant" -> null;
            case "step" -> new StepSchedule(ScheduleType.EPOCH, learningRate, s.decay(), s.stepEpochs());
            case "exponential" -> new ExponentialSchedule(ScheduleType.EPOCH, learningRate, s.decay());
            case "cosine" -> new Cosine(learningRate, s.minLearningRate(), epochs, 0);
            case "one-cycle" -> new Cosine(learningRate, s.minLearningRate(), epochs,
                    Math.max(1, (int) Math.round(epochs * s.warmupFraction())));
            default -> throw new IllegalArgumentException("unknown training.schedule.type " + s.type());
        };
    }

    /**
     * Cosine annealing (Loshchilov and Hutter 2017) from {@code initial} down to {@code minimum} over
     * {@code epochs}, after a linear warm-up from initial/10 over {@code warmupEpochs}: with a warm-up
     * this is the one-cycle policy (Smith 2018) with a cosine tail.
     */
    public static final class Cosine implements ISchedule {
        private final double initial;
        private final double minimum;
        private final int epochs;
        private final int warmupEpochs;

        public Cosine(@JsonProperty("initial") double initial, @JsonProperty("minimum") double minimum,
                      @JsonProperty("epochs") int epochs, @JsonProperty("warmupEpochs") int warmupEpochs) {
            this.initial = initial;
            this.minimum = minimum;
            this.epochs = epochs;
            this.warmupEpochs = warmupEpochs;
        }

        @Override
        public double valueAt(int iteration, int epoch) {
            if (epoch < warmupEpochs) {
                double start = initial / 10;
                return start + (initial - start) * epoch / warmupEpochs;
            }
            int span = Math.max(1, epochs - warmupEpochs);
            double progress = Math.min(1.0, (double) (epoch - warmupEpochs) / span);
            return minimum + 0.5 * (initial - minimum) * (1 + Math.cos(Math.PI * progress));
        }

        @Override
        public ISchedule clone() {
            return new Cosine(initial, minimum, epochs, warmupEpochs);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Cosine c && c.initial == initial && c.minimum == minimum && c.epochs == epochs
                    && c.warmupEpochs == warmupEpochs;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(initial, minimum, epochs, warmupEpochs);
        }

        public double getInitial() {
            return initial;
        }

        public double getMinimum() {
            return minimum;
        }

        public int getEpochs() {
            return epochs;
        }

        public int getWarmupEpochs() {
            return warmupEpochs;
        }
    }
}
