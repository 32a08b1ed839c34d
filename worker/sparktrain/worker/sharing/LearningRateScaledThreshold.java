package sparktrain.worker.sharing;

import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithmReducer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.schedule.ISchedule;

/**
 * A threshold that shrinks with the learning rate: the wrapped algorithm (adaptive or fixed) works on the threshold
 * as it would be at the initial learning rate, and each step encodes with that times the schedule's current rate
 * over its initial one.
 *
 * <p>Every element sent moves its parameter by exactly one threshold. An adaptive threshold only tracks the share
 * of elements sent: when the learning rate falls, the residual still holds the larger steps of earlier epochs and
 * keeps that share up, so the step sent falls only as fast as that residual drains. Scaled with the rate, the steps
 * anneal as the schedule says; the updater's own steps shrink by the same factor, so the share of elements sent
 * stays about where it was. It needs the worker's epoch count to be the driver's ({@link WorkerEpoch}).
 */
public final class LearningRateScaledThreshold implements ThresholdAlgorithm {
    private final ThresholdAlgorithm delegate;
    private final ISchedule schedule;
    private final double initialLearningRate;
    /** The wrapped algorithm's last threshold, at the initial learning rate. */
    private Double unscaled;

    public LearningRateScaledThreshold(ThresholdAlgorithm delegate, ISchedule schedule, double initialLearningRate) {
        this.delegate = delegate;
        this.schedule = schedule;
        this.initialLearningRate = initialLearningRate;
    }

    private double scale(int iteration, int epoch) {
        return schedule.valueAt(iteration, epoch) / initialLearningRate;
    }

    @Override
    public double calculateThreshold(int iteration, int epoch, Double lastThreshold, Boolean lastWasDense,
                                     Double lastSparsityRatio, INDArray updatesPlusResidual) {
        unscaled = delegate.calculateThreshold(iteration, epoch, unscaled, lastWasDense, lastSparsityRatio,
                updatesPlusResidual);
        return unscaled * scale(iteration, epoch);
    }

    @Override
    public ThresholdAlgorithmReducer newReducer() {
        return new Reducer(delegate.newReducer(), schedule, initialLearningRate);
    }

    /** DL4J's reducers cast what they are given to their own algorithm: hand them the wrapped one. */
    private record Reducer(ThresholdAlgorithmReducer delegate, ISchedule schedule, double initialLearningRate)
            implements ThresholdAlgorithmReducer {
        @Override
        public void add(ThresholdAlgorithm algorithm) {
            delegate.add(algorithm instanceof LearningRateScaledThreshold s ? s.delegate : algorithm);
        }

        @Override
        public ThresholdAlgorithmReducer merge(ThresholdAlgorithmReducer other) {
            return new Reducer(delegate.merge(other instanceof Reducer r ? r.delegate : other), schedule,
                    initialLearningRate);
        }

        @Override
        public ThresholdAlgorithm getFinalResult() {
            ThresholdAlgorithm result = delegate.getFinalResult();
            return result == null ? null : new LearningRateScaledThreshold(result, schedule, initialLearningRate);
        }
    }

    @Override
    public ThresholdAlgorithm clone() {
        LearningRateScaledThreshold copy = new LearningRateScaledThreshold(delegate.clone(), schedule.clone(),
                initialLearningRate);
        copy.unscaled = unscaled;
        return copy;
    }

    @Override
    public String toString() {
        return delegate + " scaled with the learning rate";
    }
}
