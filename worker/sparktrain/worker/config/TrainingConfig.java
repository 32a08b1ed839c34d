package sparktrain.worker.config;

import java.io.Serializable;
import java.util.List;

/**
 * How to train: the optimiser, the regularisation, and the distributed training master. The keys and their
 * rules are in {@link JobKeys}.
 *
 * @param averagingFrequency the averaging frequency of the first epoch: the fixed one, or
 *                           training.auto-frequency.first under auto
 */
public record TrainingConfig(
        @From("training.mode") String mode,
        @From("training.epochs") int epochs,
        @From("training.batch-size") int batchSize,
        @From("training.updater") String updater,
        @From("training.learning-rate") double learningRate,
        @From("training.momentum") double momentum,
        @From("training.l1") double l1,
        @From("training.l2") double l2,
        @From("training.weight-decay") double weightDecay,
        @From("training.workers") int workers,
        @From("training.threads-per-worker") int threadsPerWorker,
        @From("training.averaging-frequency.first") int averagingFrequency,
        AutoFrequencyConfig autoFrequency,
        @From("training.prefetch") int prefetch,
        @From("training.average-updaters") boolean averageUpdaters,
        @From("training.rdd-approach") String rddApproach,
        @From("training.export-dir") String exportDir,
        @From("training.loss-sample") int lossSample,
        @From("training.early-stopping.patience") int patience,
        @From("training.tbptt-length") int tbpttLength,
        @From("training.gradient-normalization") String gradientNormalization,
        @From("training.gradient-threshold") double gradientThreshold,
        SharingConfig sharing,
        ScheduleConfig schedule,
        CheckpointConfig checkpoint) implements Serializable {

    public static final List<String> MODES = List.of("averaging", "sharing");
    public static final List<String> UPDATERS = List.of("sgd", "nesterovs", "adagrad", "rmsprop", "adam");
    public static final List<String> RDD_APPROACHES = List.of("direct", "export");
    public static final List<String> GRADIENT_NORMALIZATIONS = List.of("none", "clip-element", "clip-l2-layer",
            "clip-l2-param", "renormalize-l2-layer", "renormalize-l2-param");
}
