package sparktrain.worker.training;

import org.deeplearning4j.nn.api.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.worker.FatalErrors;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.TrainingConfig;
import sparktrain.worker.model.NetworkFactory;
import sparktrain.worker.model.Networks;
import sparktrain.worker.output.Checkpoints;
import sparktrain.worker.output.Metrics;
import sparktrain.worker.output.RunOutputs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Trains one job into its run directory, for {@code train} and for every sweep trial: restore the newest
 * checkpoint or build the network (and write job.conf), run the epoch loop with its listeners (checkpoint,
 * history.csv), then write metrics.json, the files the model needs and model.zip. A failed run writes no
 * model; a diverged one marks its last good checkpoint.
 */
public final class RunTraining {
    private static final Logger log = LoggerFactory.getLogger(RunTraining.class);

    private final Session session;
    private final RunOutputs outputs;
    private final List<EpochLoop.EpochListener> listeners = new ArrayList<>();
    private Consumer<TrainingStrategy> onStart = strategy -> { };
    private Consumer<String> summaries;
    private int until = Integer.MAX_VALUE;
    private boolean test = true;
    private boolean checkpointEveryEpoch;
    private boolean resuming;

    /** What the run trained: the loop's result, the test metrics (null without a test) and the strategy's description. */
    public record Result(EpochLoop.Result loop, Map<String, Object> test, String strategy) {
    }

    public RunTraining(Session session, RunOutputs outputs) {
        this.session = session;
        this.outputs = outputs;
    }

    /** Stop after this epoch (a sweep's next rung); the model written is then the network as it stands. */
    public RunTraining until(int epoch) {
        this.until = epoch;
        return this;
    }

    /** Leave the test set alone (sweep trials: only the best trial is tested, at the end). */
    public RunTraining withoutTest() {
        this.test = false;
        return this;
    }

    /** Checkpoint after every epoch whatever training.checkpoint.every says (sweep trials resume from any epoch). */
    public RunTraining checkpointEveryEpoch() {
        this.checkpointEveryEpoch = true;
        return this;
    }

    /** Continue from the newest readable checkpoint, which must exist ({@code train --resume}). */
    public RunTraining resuming() {
        this.resuming = true;
        return this;
    }

    /** Called with the strategy before the first epoch, e.g. to write run.json or attach progress. */
    public RunTraining onStart(Consumer<TrainingStrategy> action) {
        this.onStart = action;
        return this;
    }

    /** Where each epoch's summary line goes instead of the log ({@link EpochLoop#summaryTo}). */
    public RunTraining summaryTo(Consumer<String> summaries) {
        this.summaries = summaries;
        return this;
    }

    public RunTraining listener(EpochLoop.EpochListener listener) {
        listeners.add(listener);
        return this;
    }

    public Result run() {
        Watch watch = session.watch(outputs);
        try (watch) {
            return train(watch);
        } catch (Exception e) { // Spark's SparkException is a checked exception that Scala throws anyway
            SparktrainException stalled = watch.stalled();
            if (stalled == null) {
                throw e;
            }
            Thread.interrupted(); // the watchdog may have interrupted this thread to end the wait
            throw new Checkpoints(outputs.directory(), 1).resumableError(stalled, outputs.location());
        }
    }

    private Result train(Watch watch) {
        JobConfig job = session.job();
        TrainingConfig t = job.training();
        int keep = checkpointEveryEpoch ? Math.max(1, t.checkpoint().keep()) : t.checkpoint().keep();
        Checkpoints checkpoints = new Checkpoints(outputs.directory(), keep);
        Model network;
        LoopState start;
        var restored = checkpoints.latest();
        if (resuming && restored.isEmpty()) {
            throw Checkpoints.nothingToResume(outputs.location());
        }
        if (restored.isPresent()) {
            log.info("resuming from {} after epoch {}", restored.get().from(), restored.get().state().epochsDone());
            network = restored.get().network();
            Networks.setLearningRate(network, t);
            start = restored.get().state();
        } else {
            network = NetworkFactory.build(job.model(), t, job.seed(), session.shape());
            start = LoopState.START;
            outputs.writeText(RunOutputs.JOB, job.resolvedHocon());
        }
        int every = checkpointEveryEpoch ? 1 : t.checkpoint().every();
        String metric = session.metric();
        EpochLoop loop = new EpochLoop(session).listener((stats, net, state) -> {
            // the checkpoint before history.csv: a resumed run never finds history ahead of its checkpoint
            if (every > 0 && (state.epochsDone() % every == 0 || state.epochsDone() == t.epochs())) {
                checkpoints.save(net, state);
            }
            outputs.writeHistory(state.history(), metric);
        });
        listeners.forEach(loop::listener);
        loop.watch(watch);
        if (summaries != null) {
            loop.summaryTo(summaries);
        }
        EpochLoop.Result result;
        String described;
        try (TrainingStrategy strategy = session.strategy(network, start.epochsDone())) {
            described = strategy.describe();
            onStart.accept(strategy);
            log.info("training: {}; {} parameters; output {}", strategy.describe(), network.numParams(),
                    outputs.directory());
            result = loop.run(strategy, start, until);
        } catch (SparktrainException e) {
            throw switch (e.exitCode()) {
                case DIVERGED -> checkpoints.lastGoodError(e, outputs.location());
                case WORKER_LOST -> checkpoints.resumableError(e, outputs.location());
                default -> e;
            };
        }
        if (test) {
            watch.starting("the test-set evaluation");
        }
        long testStart = System.nanoTime();
        Map<String, Object> testMetrics = test ? session.test(result.network()) : null;
        if (test) {
            log.info("test set scored in {} s", String.format("%.1f", (System.nanoTime() - testStart) / 1e9));
        }
        watch.starting("writing the model");
        if (FatalErrors.exiting()) { // another thread's fatal error ends the run: no model
            throw new IllegalStateException("the run is ending on a fatal error");
        }
        outputs.writeJson(RunOutputs.METRICS, Metrics.run(testMetrics, metric, result));
        session.saveBeside(outputs);
        outputs.writeModel(result.network());
        return new Result(result, testMetrics, described);
    }
}
