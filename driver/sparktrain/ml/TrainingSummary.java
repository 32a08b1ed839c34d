package sparktrain.ml;

import sparktrain.worker.training.EpochStats;

import java.io.Serializable;
import java.util.List;

/**
 * What a fit measured, kept with the model and saved with it: every epoch's training loss and validation metric
 * (as a run's history.csv) and the epoch whose network the model holds.
 *
 * @param metric         the validation metric's name: accuracy for a classifier, rmse for a regressor
 * @param history        one entry per epoch trained
 * @param bestEpoch      the epoch of the model's network (the best validation metric, or the last epoch)
 * @param trainRows      the rows trained on
 * @param validationRows the rows held out for validation (data.validation-fraction); 0 = no validation
 */
public record TrainingSummary(String metric, List<EpochStats> history, int bestEpoch, long trainRows,
                              long validationRows) implements Serializable {

    public TrainingSummary {
        history = List.copyOf(history);
    }

    /** The validation metric of the model's epoch; NaN without validation rows. */
    public double validationMetric() {
        return history.stream().filter(e -> e.epoch() == bestEpoch).mapToDouble(EpochStats::validationMetric)
                .findFirst().orElse(Double.NaN);
    }

    /** The training loss of the last epoch. */
    public double trainLoss() {
        return history.isEmpty() ? Double.NaN : history.get(history.size() - 1).trainLoss();
    }
}
