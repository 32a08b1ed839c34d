package sparktrain.worker.config;

import java.io.Serializable;
import java.util.List;

/** How to train: the optimiser, the regularisation, and the distributed training master. */
public record TrainingConfig(
        String mode,
        int epochs,
        int batchSize,
        String updater,
        double learningRate,
        double momentum,
        double l1,
        double l2,
        double weightDecay,
        int workers,
        int threadsPerWorker,
        int averagingFrequency,
        AutoFrequencyConfig autoFrequency,
        int prefetch,
        boolean averageUpdaters,
        String rddApproach,
        String exportDir,
        int lossSample,
        int patience,
        int tbpttLength,
        String gradientNormalization,
        double gradientThreshold,
        SharingConfig sharing,
        ScheduleConfig schedule,
        CheckpointConfig checkpoint) implements Serializable {

    public static final List<String> MODES = List.of("averaging", "sharing");
    public static final List<String> UPDATERS = List.of("sgd", "nesterovs", "adagrad", "rmsprop", "adam");
    public static final List<String> RDD_APPROACHES = List.of("direct", "export");
    public static final List<String> GRADIENT_NORMALIZATIONS = List.of("none", "clip-element", "clip-l2-layer",
            "clip-l2-param", "renormalize-l2-layer", "renormalize-l2-param");

    static TrainingConfig from(Settings s) {
        AutoFrequencyConfig auto = AutoFrequencyConfig.from(s);
        return new TrainingConfig(
                s.choice("training.mode", MODES),
                s.intAtLeast("training.epochs", 1),
                s.intAtLeast("training.batch-size", 1),
                s.choice("training.updater", UPDATERS),
                s.positive("training.learning-rate"),
                s.doubleIn("training.momentum", 0.0, 1.0, true),
                s.doubleIn("training.l1", 0.0, Double.MAX_VALUE, false),
                s.doubleIn("training.l2", 0.0, Double.MAX_VALUE, false),
                s.doubleIn("training.weight-decay", 0.0, Double.MAX_VALUE, false),
                s.intAtLeast("training.workers", 0),
                s.intAtLeast("training.threads-per-worker", 0),
                AutoFrequencyConfig.frequency(s, auto),
                auto,
                s.intAtLeast("training.prefetch", 0),
                s.bool("training.average-updaters"),
                s.choice("training.rdd-approach", RDD_APPROACHES),
                s.string("training.export-dir"),
                s.intAtLeast("training.loss-sample", 1),
                s.intAtLeast("training.early-stopping.patience", 0),
                s.intAtLeast("training.tbptt-length", 0),
                s.choice("training.gradient-normalization", GRADIENT_NORMALIZATIONS),
                s.positive("training.gradient-threshold"),
                SharingConfig.from(s),
                ScheduleConfig.from(s),
                CheckpointConfig.from(s));
    }
}
