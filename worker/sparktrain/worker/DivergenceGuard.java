package sparktrain.worker;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;

import java.io.Serializable;
import java.util.List;

/**
 * A DL4J training listener for the workers: fails the task as soon as a minibatch's score is NaN or
 * infinite, so a diverging run stops within the averaging round it diverged in instead of training on
 * NaN parameters to the end of the epoch. The driver finds {@link Diverged} in the Spark failure's
 * causes and reports the epoch and the fix.
 */
public final class DivergenceGuard extends BaseTrainingListener implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        double score = model.score();
        if (!Double.isFinite(score)) {
            throw new Diverged(score, iteration);
        }
    }

    /** Thrown in a task: the minibatch score that was not finite and the worker's iteration count. */
    public static final class Diverged extends SparktrainException {
        private static final long serialVersionUID = 1L;
        private final double score;
        private final int iteration;

        public Diverged(double score, int iteration) {
            super(ExitCode.DIVERGED, List.of("training diverged: minibatch score " + score + " at iteration " + iteration
                    + " on a worker; lower training.learning-rate"));
            this.score = score;
            this.iteration = iteration;
        }

        /** No stack trace: Spark's executor logs a failed task's exception, and this one is the user's error. */
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }

        public double score() {
            return score;
        }

        public int iteration() {
            return iteration;
        }
    }
}
