package sparktrain.driver.training;

import sparktrain.worker.training.TrainingStrategy;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.time.SystemClockTimeSource;
import org.deeplearning4j.spark.time.TimeSourceProvider;
import org.nd4j.linalg.dataset.DataSet;
import sparktrain.driver.SparkContexts;
import sparktrain.driver.progress.JobNames;
import sparktrain.worker.PinTaskGpu;

import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntFunction;

/**
 * Trains on Spark with one of DL4J's training masters, for both network kinds
 * (SparkDl4jMultiLayer for MultiLayerNetwork, SparkComputationGraph for ComputationGraph).
 * Subclasses only choose the training master for each epoch and describe it.
 */
public abstract class SparkStrategy implements TrainingStrategy {
    private final JavaSparkContext sc;
    /** The context DL4J trains through: it tells each epoch's meter which broadcasts are DL4J's. */
    private final SparkTraffic.Recording recording;
    private SparkTraffic.Traffic lastTraffic = SparkTraffic.Traffic.NONE;
    private final IntFunction<JavaRDD<DataSet>> data;
    private final int localThreads;
    private Model network;
    @SuppressWarnings("rawtypes")
    private TrainingMaster master;
    private SparkDl4jMultiLayer multiLayer;
    private SparkComputationGraph graph;
    private Consumer<SparkTrainingStats> statsSink;

    /**
     * @param data each epoch's minibatches of {@code training.batch-size} examples, one partition per worker (the
     *             training master caches them for the epoch)
     * @param localThreads in local mode, ND4J threads per worker while training (all cores otherwise); 0 on a cluster
     */
    SparkStrategy(JavaSparkContext sc, Model network, IntFunction<JavaRDD<DataSet>> data, int localThreads) {
        this.sc = sc;
        this.recording = new SparkTraffic.Recording(sc);
        this.data = data;
        this.localThreads = localThreads;
        this.network = network;
    }

    /** The training master for {@code epoch}: a new one, or the same one as before to keep its state. */
    @SuppressWarnings("rawtypes")
    abstract TrainingMaster masterFor(int epoch);

    /** The data DL4J trains in {@code epoch}, from the epoch's minibatches. */
    JavaRDD<DataSet> forEpoch(JavaRDD<DataSet> minibatches, int epoch) {
        return minibatches;
    }

    /** Called with the epoch's minibatches after its fit, while DL4J still holds them cached. */
    void afterFit(JavaRDD<DataSet> minibatches) {
    }

    /** Listeners DL4J attaches to the networks the workers train. */
    List<TrainingListener> workerListeners() {
        return List.of();
    }

    /** Whether {@link #afterEpoch} needs DL4J's training stats even when the job does not collect them. */
    boolean needsStats() {
        return false;
    }

    /** Called after each epoch's fit with its wall time and DL4J's stats (null when not collected). */
    void afterEpoch(int epoch, double seconds, SparkTrainingStats stats) {
    }

    @Override
    public void fitEpoch(int epoch) {
        wrap(masterFor(epoch));
        // before the epoch's description: the jobs that plan the epoch's data are not training rounds
        JavaRDD<DataSet> minibatches = data.apply(epoch);
        sc.setJobDescription(JobNames.epoch(sc, epoch));
        SparkContexts.withThreads(localThreads, () -> {
            // with Spark's GPU scheduling on, every task first pins ND4J to the GPU it was given
            JavaRDD<DataSet> epochData = forEpoch(sc.getConf().contains("spark.task.resource.gpu.amount")
                    ? minibatches.mapPartitions(new PinTaskGpu(), true) : minibatches, epoch);
            try {
                fit(epoch, epochData);
            } finally {
                epochData.unpersist(false);
                sc.setJobDescription(null);
            }
            return null;
        });
    }

    private void fit(int epoch, JavaRDD<DataSet> epochData) {
        long begin = System.nanoTime();
        try (SparkTraffic meter = SparkTraffic.start(recording)) {
            if (multiLayer != null) {
                network = multiLayer.fit(epochData);
            } else {
                network = graph.fit(epochData);
            }
            lastTraffic = meter.measured();
        }
        SparkTrainingStats stats = master.getTrainingStats();
        if (statsSink != null && stats != null) {
            statsSink.accept(stats);
        }
        afterFit(epochData);
        afterEpoch(epoch, (System.nanoTime() - begin) / 1e9, stats);
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    private void wrap(TrainingMaster next) {
        if (next == master) {
            return;
        }
        master = next;
        master.setCollectTrainingStats(statsSink != null || needsStats());
        if (network instanceof MultiLayerNetwork mln) {
            multiLayer = new SparkDl4jMultiLayer(recording, mln, next);
        } else {
            graph = new SparkComputationGraph(recording, (ComputationGraph) network, next);
        }
        List<TrainingListener> listeners = workerListeners();
        if (!listeners.isEmpty()) {
            next.setListeners(listeners);
        }
    }

    @Override
    public void collectStats(Consumer<SparkTrainingStats> sink) {
        useSystemClock();
        statsSink = sink;
    }

    /**
     * DL4J stamps its stats with an NTP clock by default, which fails offline; summed durations need none.
     * Executors on a cluster need the same -D in spark.executor.extraJavaOptions (README).
     */
    public static void useSystemClock() {
        if (System.getProperty(TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY) == null) {
            System.setProperty(TimeSourceProvider.TIMESOURCE_CLASSNAME_PROPERTY, SystemClockTimeSource.class.getName());
        }
    }

    /** The bytes Spark moved for the last epoch's fit, measured from its events ({@link SparkTraffic}). */
    SparkTraffic.Traffic lastEpochSparkTraffic() {
        return lastTraffic;
    }

    /** DL4J's training masters set the wrapper's score after every averaging round. */
    @Override
    public double lastScore() {
        double score = multiLayer != null ? multiLayer.getScore() : graph != null ? graph.getScore() : Double.NaN;
        return score > 0 ? score : Double.NaN;
    }

    @Override
    public Model network() {
        return network;
    }

    @Override
    public void close() {
    }
}
