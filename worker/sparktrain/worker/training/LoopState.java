package sparktrain.worker.training;

import org.deeplearning4j.nn.api.Model;

import java.util.List;

/**
 * Where the epoch loop stands after {@code epochsDone} epochs: enough, with the network, to resume it.
 * {@code best} is the best epoch's network when early stopping keeps one, else null.
 */
public record LoopState(int epochsDone, List<EpochStats> history, double bestMetric, int bestEpoch, Model best) {
    public static final LoopState START = new LoopState(0, List.of(), Double.NaN, 0, null);

    public LoopState {
        history = List.copyOf(history);
    }
}
