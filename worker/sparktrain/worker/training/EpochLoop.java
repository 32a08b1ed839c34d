package sparktrain.worker.training;

import org.deeplearning4j.nn.api.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.model.Networks;
import sparktrain.worker.tasks.Task;
import sparktrain.worker.DivergenceGuard;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The one epoch loop, whatever the strategy: train an epoch, measure, log one line, tell the listeners,
 * stop on divergence or when the validation accuracy has not improved for {@code patience} epochs.
 */
public final class EpochLoop {
    private static final Logger log = LoggerFactory.getLogger(EpochLoop.class);

    /** Called after every epoch with the loop's state, e.g. to write history.csv or a checkpoint. */
    public interface EpochListener {
        void onEpoch(EpochStats stats, Model network, LoopState state);
    }

    public record Result(Model network, List<EpochStats> history, int bestEpoch, boolean stoppedEarly) {
    }

    private final int epochs;
    private final int patience;
    private final Session session;
    private final String learningRateHint;
    private final List<EpochListener> listeners = new ArrayList<>();
    private Consumer<String> summaries = log::info;
    private Watch watch = Watch.NONE;

    /** The job's epochs and early stopping, measured as {@code session} measures. */
    public EpochLoop(Session session) {
        this.session = session;
        this.epochs = session.job().training().epochs();
        this.patience = session.job().training().patience();
        this.learningRateHint = "lower training.learning-rate (now " + session.job().training().learningRate() + ")";
    }

    public EpochLoop listener(EpochListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Told what each epoch starts (training, measuring, the listeners' checkpoint), so a stall can be named. */
    public EpochLoop watch(Watch watch) {
        this.watch = watch;
        return this;
    }

    /**
     * Where each epoch's summary line goes (epoch, samples, seconds, samples/s, loss, validation metric, bytes) instead
     * of the log, e.g. under a terminal's progress bar.
     */
    public EpochLoop summaryTo(Consumer<String> summaries) {
        this.summaries = summaries;
        return this;
    }

    public Result run(TrainingStrategy strategy) {
        return run(strategy, LoopState.START);
    }

    /** Runs the epochs after {@code start.epochsDone()}; the strategy's network must be the one of that state. */
    public Result run(TrainingStrategy strategy, LoopState start) {
        return run(strategy, start, epochs);
    }

    /**
     * Runs the epochs after {@code start.epochsDone()} up to {@code until}, e.g. to the next rung of a sweep's
     * successive halving. Before the last epoch the result holds the network as trained, not the best one.
     */
    public Result run(TrainingStrategy strategy, LoopState start, int until) {
        LoopState state = start;
        if (stopsEarly(state)) {
            return new Result(state.best(), state.history(), state.bestEpoch(), true);
        }
        int last = Math.min(epochs, until);
        for (int epoch = start.epochsDone() + 1; epoch <= last; epoch++) {
            long begin = System.nanoTime();
            watch.starting("epoch " + epoch + " (training)");
            try {
                strategy.fitEpoch(epoch);
            } catch (Exception e) { // Spark's SparkException is a checked exception that Scala throws anyway
                DivergenceGuard.Diverged d = diverged(e);
                if (d == null) {
                    throw e;
                }
                throw new SparktrainException(ExitCode.DIVERGED, String.format(Locale.ROOT,
                        "training diverged in epoch %d: training loss is %s; %s (a worker's minibatch score at its"
                                + " iteration %d, stopped within that averaging round)",
                        epoch, d.score(), learningRateHint, d.iteration()), e);
            }
            double seconds = (System.nanoTime() - begin) / 1e9;
            Model network = strategy.network();
            watch.starting("epoch " + epoch + " (measuring the training loss)");
            double trainLoss = session.trainingLoss(network);
            if (!Double.isFinite(trainLoss)) {
                throw new SparktrainException(ExitCode.DIVERGED, List.of(String.format(Locale.ROOT,
                        "training diverged in epoch %d: training loss is %s; %s", epoch, trainLoss, learningRateHint)));
            }
            watch.starting("epoch " + epoch + " (validation)");
            Task.Measure v = session.validate(network);
            double validationLoss = v == null ? Double.NaN : v.loss();
            double validationMetric = v == null ? Double.NaN : v.value();
            Communication traffic = strategy.lastEpochCommunication();
            EpochStats stats = new EpochStats(epoch, session.trainExamples(), seconds, trainLoss, validationLoss,
                    validationMetric, traffic.bytes(), traffic.denseBytes(), strategy.lastEpochAveragingFrequency());
            summaries.accept(String.format(Locale.ROOT, "epoch %d/%d: %d samples in %.1f s (%.0f samples/s), loss %.4f, validation %s %.4f%s",
                    epoch, epochs, stats.samples(), seconds, stats.samplesPerSecond(), trainLoss,
                    v == null ? "-" : v.metric(), validationMetric,
                    traffic.bytes() == 0 ? "" : String.format(Locale.ROOT, ", sent %.1f MB%s", traffic.bytes() / 1e6,
                            traffic.bytes() == traffic.denseBytes() ? ""
                                    : String.format(Locale.ROOT, " (%.0fx less than dense)", traffic.compressionRatio()))));
            state = next(state, stats, network, v);
            watch.starting("epoch " + epoch + " (checkpoint, history.csv)");
            for (EpochListener l : listeners) {
                l.onEpoch(stats, network, state);
            }
            if (stopsEarly(state)) {
                log.info("early stopping after epoch {}: the validation metric has not improved for {} epochs since epoch {}",
                        epoch, patience, state.bestEpoch());
                return new Result(state.best(), state.history(), state.bestEpoch(), true);
            }
        }
        Model result = state.best() != null && last == epochs ? state.best() : strategy.network();
        return new Result(result, state.history(), state.bestEpoch(), false);
    }

    /** The worker's divergence report among the causes of a failed epoch (Spark wraps it in a SparkException). */
    static DivergenceGuard.Diverged diverged(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof DivergenceGuard.Diverged d) {
                return d;
            }
        }
        return null;
    }

    private LoopState next(LoopState state, EpochStats stats, Model network, Task.Measure v) {
        List<EpochStats> history = new ArrayList<>(state.history());
        history.add(stats);
        boolean improved = v == null || v.betterThan(state.bestMetric());
        if (!improved) {
            return new LoopState(stats.epoch(), history, state.bestMetric(), state.bestEpoch(), state.best());
        }
        return new LoopState(stats.epoch(), history, stats.validationMetric(), stats.epoch(),
                patience > 0 ? Networks.copy(network) : null);
    }

    private boolean stopsEarly(LoopState state) {
        return patience > 0 && state.epochsDone() > 0
                && state.epochsDone() - state.bestEpoch() >= patience;
    }
}
