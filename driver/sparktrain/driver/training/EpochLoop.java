package sparktrain.driver.training;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.core.ExitCode;
import sparktrain.core.SparktrainException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one epoch loop, whatever the strategy: train an epoch, measure, log one line, tell the listeners,
 * stop on divergence or when the validation accuracy has not improved for {@code patience} epochs.
 */
public final class EpochLoop {
    private static final Logger log = LoggerFactory.getLogger(EpochLoop.class);

    /** Called after every epoch, e.g. to write history.csv. */
    public interface EpochListener {
        void onEpoch(EpochStats stats, MultiLayerNetwork network);
    }

    public record Result(MultiLayerNetwork network, List<EpochStats> history, int bestEpoch, boolean stoppedEarly) {
    }

    private final int epochs;
    private final int patience;
    private final long samplesPerEpoch;
    private final List<DataSet> lossSample;
    private final List<DataSet> validation;
    private final String learningRateHint;
    private final List<EpochListener> listeners = new ArrayList<>();

    /**
     * @param lossSample training minibatches on which the training loss is measured after each epoch
     * @param validation validation minibatches; empty for none
     * @param learningRateHint what to tell the user to change when the loss diverges
     */
    public EpochLoop(int epochs, int patience, long samplesPerEpoch, List<DataSet> lossSample,
                     List<DataSet> validation, String learningRateHint) {
        this.epochs = epochs;
        this.patience = patience;
        this.samplesPerEpoch = samplesPerEpoch;
        this.lossSample = lossSample;
        this.validation = validation;
        this.learningRateHint = learningRateHint;
    }

    public EpochLoop listener(EpochListener listener) {
        listeners.add(listener);
        return this;
    }

    public Result run(TrainingStrategy strategy) {
        List<EpochStats> history = new ArrayList<>();
        double bestAccuracy = Double.NEGATIVE_INFINITY;
        int bestEpoch = 0;
        MultiLayerNetwork best = null;
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long start = System.nanoTime();
            strategy.fitEpoch(epoch);
            double seconds = (System.nanoTime() - start) / 1e9;
            MultiLayerNetwork network = strategy.network();
            double trainLoss = Scoring.meanLoss(network, lossSample);
            if (!Double.isFinite(trainLoss)) {
                throw new SparktrainException(ExitCode.DIVERGED, List.of(String.format(Locale.ROOT,
                        "training diverged in epoch %d: training loss is %s; %s", epoch, trainLoss, learningRateHint)));
            }
            double validationLoss = Double.NaN;
            double validationAccuracy = Double.NaN;
            if (!validation.isEmpty()) {
                Evaluation eval = Scoring.evaluate(network, validation);
                validationAccuracy = eval.accuracy();
                validationLoss = Scoring.meanLoss(network, validation);
            }
            EpochStats stats = new EpochStats(epoch, samplesPerEpoch, seconds, trainLoss, validationLoss, validationAccuracy);
            history.add(stats);
            log.info(String.format(Locale.ROOT, "epoch %d/%d: %d samples in %.1f s (%.0f samples/s), loss %.4f, validation accuracy %.4f",
                    epoch, epochs, stats.samples(), seconds, stats.samplesPerSecond(), trainLoss, validationAccuracy));
            for (EpochListener l : listeners) {
                l.onEpoch(stats, network);
            }
            if (validation.isEmpty() || validationAccuracy > bestAccuracy) {
                bestAccuracy = validationAccuracy;
                bestEpoch = epoch;
                best = patience > 0 ? network.clone() : null;
            } else if (patience > 0 && epoch - bestEpoch >= patience) {
                log.info("early stopping after epoch {}: validation accuracy has not improved for {} epochs since epoch {}",
                        epoch, patience, bestEpoch);
                return new Result(best, history, bestEpoch, true);
            }
        }
        MultiLayerNetwork result = best != null ? best : strategy.network();
        return new Result(result, history, bestEpoch, false);
    }
}
