package sparktrain.driver.training;

import sparktrain.worker.training.Communication;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.util.function.IntFunction;
import sparktrain.worker.config.TrainingConfig;
import sparktrain.worker.DivergenceGuard;

/**
 * Synchronous data parallelism with DL4J's ParameterAveragingTrainingMaster: each worker fits
 * {@code averaging-frequency} minibatches from the same parameters, then the driver averages them.
 * With {@code averaging-frequency = auto} a {@link FrequencyTuner} picks the next epoch's frequency.
 */
public final class ParameterAveraging extends SparkStrategy {
    private static final Logger log = LoggerFactory.getLogger(ParameterAveraging.class);
    private final String description;
    private final TrainingConfig training;
    private final long seed;
    private final String exportDirectory;
    private final long parameterBytes;
    private final int workers;
    private final FrequencyTuner tuner;
    private int frequency;
    private int lastEpochFrequency;
    private long batches;

    /**
     * @param localThreads in local mode, ND4J threads per worker while training; 0 on a cluster
     * @param exportDirectory where the Export approach writes minibatches; null for DL4J's default
     */
    ParameterAveraging(JavaSparkContext sc, Model network, IntFunction<JavaRDD<DataSet>> data, TrainingConfig training,
                       int workers, long seed, int localThreads, String exportDirectory) {
        super(sc, network, data, localThreads);
        this.training = training;
        this.seed = seed;
        this.exportDirectory = exportDirectory;
        this.parameterBytes = 4 * network.numParams();
        this.workers = workers;
        this.frequency = training.averagingFrequency();
        this.lastEpochFrequency = frequency;
        this.tuner = training.autoFrequency().enabled() ? new FrequencyTuner(training.autoFrequency()) : null;
        if (tuner != null) {
            useSystemClock();
        }
        this.description = "parameter averaging, " + workers + " workers, batch " + training.batchSize()
                + " per worker, frequency " + (tuner == null ? String.valueOf(frequency) : String.format(
                java.util.Locale.ROOT, "auto (first %d, in [%d, %d], communication under %.0f%%)", frequency,
                training.autoFrequency().min(), training.autoFrequency().max(),
                100 * training.autoFrequency().communicationShare()))
                + ", " + training.rddApproach();
    }

    /**
     * A new master every epoch, seeded from the epoch: how DL4J splits the data in epoch k then does not
     * depend on the epochs before it, so a run resumed from a checkpoint repeats what it would have done.
     */
    @Override
    ParameterAveragingTrainingMaster masterFor(int epoch) {
        lastEpochFrequency = frequency;
        return master(training, frequency, workers, seed * 1_000_003L + epoch, exportDirectory);
    }

    /** The epoch's minibatches, counted while DL4J holds them cached, for its rounds. */
    @Override
    void afterFit(JavaRDD<DataSet> minibatches) {
        batches = minibatches.count();
    }

    @Override
    boolean needsStats() {
        return tuner != null;
    }

    @Override
    void afterEpoch(int epoch, double seconds, SparkTrainingStats stats) {
        if (tuner == null) {
            return;
        }
        FrequencyTuner.Measured measured = FrequencyTuner.measure(stats, seconds, rounds(lastEpochFrequency), workers);
        if (measured == null) {
            log.warn("averaging frequency stays {}: DL4J's training stats of epoch {} hold no fit times", frequency, epoch);
            return;
        }
        FrequencyTuner.Decision next = tuner.next(lastEpochFrequency, measured);
        log.info("averaging frequency {} after epoch {}: {}", next.frequency() == frequency
                ? "stays " + frequency : frequency + " -> " + next.frequency(), epoch, next.reason());
        frequency = next.frequency();
    }

    @Override
    public int lastEpochAveragingFrequency() {
        return lastEpochFrequency;
    }

    @Override
    public long batchesPerRound() {
        return (long) workers * lastEpochFrequency;
    }

    /** The frequency the next epoch trains with. */
    public int frequency() {
        return frequency;
    }

    public static ParameterAveragingTrainingMaster master(TrainingConfig training, int workers, long seed, String exportDirectory) {
        return master(training, training.averagingFrequency(), workers, seed, exportDirectory);
    }

    static ParameterAveragingTrainingMaster master(TrainingConfig training, int frequency, int workers, long seed,
                                                   String exportDirectory) {
        ParameterAveragingTrainingMaster.Builder master =
                new ParameterAveragingTrainingMaster.Builder(workers, training.batchSize())
                        .batchSizePerWorker(training.batchSize())
                        .averagingFrequency(frequency)
                        .workerPrefetchNumBatches(training.prefetch())
                        .saveUpdater(training.averageUpdaters())
                        .rddTrainingApproach(training.rddApproach().equals("export")
                                ? RDDTrainingApproach.Export : RDDTrainingApproach.Direct)
                        .storageLevel(StorageLevel.MEMORY_ONLY())
                        // the data is already spread evenly over one partition per worker: a shuffle
                        // before every averaging round would cost more than the round itself
                        .repartionData(Repartition.NumPartitionsWorkersDiffers)
                        .rngSeed(seed);
        if (exportDirectory != null) {
            master.exportDirectory(exportDirectory);
        }
        ParameterAveragingTrainingMaster built = master.build();
        // every worker stops at the first NaN or infinite minibatch score: divergence is seen within one round
        built.setListeners(java.util.List.of(new DivergenceGuard()));
        return built;
    }

    /**
     * The bytes Spark moved for the epoch's averaging, measured ({@link SparkTraffic}): the parameters and updater
     * state broadcast to every executor before each round, and every worker's parameters and updater state sent
     * back as its task's result.
     */
    @Override
    public Communication lastEpochCommunication() {
        SparkTraffic.Traffic traffic = lastEpochSparkTraffic();
        if (log.isDebugEnabled()) {
            log.debug("epoch traffic: {} bytes of task results, {} of broadcasts, {} of shuffle; the model (2 x rounds x"
                    + " workers x parameter bytes, updater state left out) says {}", traffic.results(),
                    traffic.broadcasts(), traffic.shuffle(), model(rounds(lastEpochFrequency), workers, parameterBytes));
        }
        return new Communication(traffic.total(), traffic.total());
    }

    /**
     * A model of an epoch's averaging traffic, not a measurement: each round the driver sends {@code valueBytes} to
     * each of {@code workers} and each sends as much back; {@code valueBytes} is 4 x parameters, plus 4 x the updater
     * state's values when updaters are averaged too.
     */
    public static long model(long rounds, int workers, long valueBytes) {
        return 2 * rounds * workers * valueBytes;
    }

    long rounds(int frequency) {
        return rounds(batches, (long) workers * frequency);
    }

    /**
     * The averaging rounds of an epoch of {@code minibatches}: DL4J's balancedRandomSplit deals them into
     * {@code minibatches / perRound} rounds (at least one), the remainder spread over them.
     */
    public static long rounds(long minibatches, long perRound) {
        return Math.max(1, minibatches / perRound);
    }

    @Override
    public String describe() {
        return description;
    }
}
