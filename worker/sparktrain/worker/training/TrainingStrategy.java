package sparktrain.worker.training;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;

import java.util.Map;
import java.util.function.Consumer;

/**
 * How one epoch is trained: in one JVM, or data-parallel on Spark. The epoch loop around it
 * (evaluation, early stopping, logging, outputs) is the same for every strategy.
 */
public interface TrainingStrategy extends AutoCloseable {

    /** Trains one pass over the training data. {@code epoch} counts from 1. */
    void fitEpoch(int epoch);

    /** The network as it stands on the driver after the last epoch. */
    Model network();

    /** Parameter or update traffic of the last epoch; NONE when nothing crosses a network. */
    default Communication lastEpochCommunication() {
        return Communication.NONE;
    }

    /** The averaging frequency the last epoch trained with; 0 for strategies that do not average parameters. */
    default int lastEpochAveragingFrequency() {
        return 0;
    }

    /**
     * Minibatches one Spark job of the running epoch fits (an averaging round: workers x frequency), for the
     * progress display; 0 when the strategy's jobs have no fixed size.
     */
    default long batchesPerRound() {
        return 0;
    }

    /** The mean minibatch loss the workers reported in the latest round (read while training runs); NaN when none. */
    default double lastScore() {
        return Double.NaN;
    }

    /**
     * Asks the strategy to collect DL4J's training stats (time per phase and worker) and hand each epoch's
     * to {@code sink}; strategies without such stats ignore it.
     */
    default void collectStats(Consumer<SparkTrainingStats> sink) {
    }

    /**
     * What the strategy learned while training that run.json records (gradient sharing: the executors' ports in
     * the mesh), read after every epoch; empty when nothing.
     */
    default Map<String, Object> provenance() {
        return Map.of();
    }

    /** A short description for logs and run.json, e.g. "parameter averaging, 2 workers, frequency 10". */
    String describe();

    @Override
    default void close() {
    }
}
