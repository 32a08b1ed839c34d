package sparktrain.driver.progress;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.StageInfo;
import sparktrain.driver.training.ParameterAveraging;

import java.util.HashSet;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;

/**
 * Training progress from the driver's side of Spark, outside the epoch loop: the epoch starts with the
 * first job whose description names it (see {@link JobNames}), and every finished training round
 * (DL4J runs one Spark job per averaging round; its per-epoch count job is not one) advances it by
 * {@code batchesPerRound} minibatches. The epoch ends when a job of the next epoch, or none, follows:
 * {@link #epochDone} is called after each epoch's training.
 */
public final class ProgressListener extends SparkListener {
    private final ProgressView view;
    private final String trial;
    private final LongSupplier epochSize;
    private long batchesPerEpoch;
    private final LongSupplier roundSize;
    private long batchesPerRound;
    private final long batchSize;
    private final DoubleSupplier loss;
    private final Set<Integer> jobs = new HashSet<>();
    private int epoch = -1;
    private long rounds;
    private long startNanos;

    /**
     * @param trial only jobs of this sweep trial ("" for a plain run) count
     * @param epochSize minibatches in the running epoch, asked when an epoch starts
     * @param roundSize minibatches one training job of the running epoch fits (workers x the epoch's averaging
     *                  frequency), asked when an epoch starts; 0 when unknown
     * @param loss the driver's latest score of the network, NaN when none
     */
    public ProgressListener(ProgressView view, String trial, LongSupplier epochSize, LongSupplier roundSize, int batchSize,
                            DoubleSupplier loss) {
        this.view = view;
        this.trial = trial == null ? "" : trial;
        this.epochSize = epochSize;
        this.roundSize = roundSize;
        this.batchSize = batchSize;
        this.loss = loss;
    }

    @Override
    public synchronized void onJobStart(SparkListenerJobStart start) {
        JobNames.Epoch e = JobNames.of(start.properties());
        if (e == null || !e.trial().equals(trial)) {
            return;
        }
        if (e.epoch() != epoch) {
            epoch = e.epoch();
            rounds = 0;
            batchesPerRound = roundSize.getAsLong();
            batchesPerEpoch = epochSize.getAsLong();
            startNanos = System.nanoTime();
            view.epochStarted(trial, epoch, batchesPerRound > 0 ? batchesPerEpoch : 0);
        }
        if (!isCount(start)) {
            jobs.add(start.jobId());
        }
    }

    /** DL4J's count of the epoch's data ({@link JobNames#countsOnly}), told by its result stage, the last one. */
    private static boolean isCount(SparkListenerJobStart start) {
        StageInfo result = null;
        scala.collection.Iterator<StageInfo> stages = start.stageInfos().iterator();
        while (stages.hasNext()) {
            StageInfo s = stages.next();
            if (result == null || s.stageId() > result.stageId()) {
                result = s;
            }
        }
        return result != null && JobNames.countsOnly(result.name());
    }

    @Override
    public synchronized void onJobEnd(SparkListenerJobEnd end) {
        if (!jobs.remove(end.jobId())) {
            return;
        }
        rounds++;
        long batches = batchesPerRound > 0 ? Math.min(batchesPerEpoch,
                Math.round((double) rounds * batchesPerEpoch / ParameterAveraging.rounds(batchesPerEpoch, batchesPerRound)))
                : rounds;
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        double samplesPerSecond = batchesPerRound > 0 && seconds > 0 ? batches * batchSize / seconds : 0;
        view.update(batches, samplesPerSecond, loss.getAsDouble());
        if (batchesPerRound > 0 && batches >= batchesPerEpoch) {
            view.epochEnded();
        }
    }

    /** The epoch's training has returned: close its bar (the next epoch's first job opens a new one). */
    public synchronized void epochDone() {
        view.epochEnded();
    }

    public synchronized long rounds() {
        return rounds;
    }
}
