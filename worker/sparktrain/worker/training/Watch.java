package sparktrain.worker.training;

import sparktrain.worker.SparktrainException;

/**
 * Watches one run for stalls. The epoch loop and {@link RunTraining} tell it what the run starts (each start
 * is progress: the step before it has finished); on the driver a watchdog ends the run when nothing has
 * finished for training.stall-timeout, and {@link #stalled} is then the error to report.
 */
public interface Watch extends AutoCloseable {
    Watch NONE = what -> { };

    /** The run starts {@code what}, e.g. "epoch 2 (validation)"; what it did before has finished. */
    void starting(String what);

    /** The error that stopped the run when this watch stopped it (nothing finished for too long); else null. */
    default SparktrainException stalled() {
        return null;
    }

    @Override
    default void close() {
    }
}
