package sparktrain.driver.training;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import sparktrain.core.config.TrainingConfig;
import sparktrain.worker.NativeThreads;

/**
 * Synchronous data parallelism with DL4J's ParameterAveragingTrainingMaster: each worker fits
 * {@code averaging-frequency} minibatches from the same parameters, then the driver averages them.
 */
public final class ParameterAveraging implements TrainingStrategy {
    private final JavaSparkContext sc;
    private final SparkDl4jMultiLayer sparkNetwork;
    private final JavaRDD<DataSet> data;
    private final String description;
    private final int localThreads;

    /**
     * @param data minibatches of {@code training.batch-size} examples each (the training master caches it)
     * @param localThreads in local mode, ND4J threads per worker while training (all cores otherwise); 0 on a cluster
     * @param exportDirectory where the Export approach writes minibatches; null for Spark's default
     */
    public ParameterAveraging(JavaSparkContext sc, MultiLayerNetwork network, JavaRDD<DataSet> data,
                              TrainingConfig training, int workers, long seed, int localThreads,
                              String exportDirectory) {
        this.sc = sc;
        this.localThreads = localThreads;
        this.data = data;
        ParameterAveragingTrainingMaster.Builder master =
                new ParameterAveragingTrainingMaster.Builder(workers, training.batchSize())
                        .batchSizePerWorker(training.batchSize())
                        .averagingFrequency(training.averagingFrequency())
                        .workerPrefetchNumBatches(training.prefetch())
                        .saveUpdater(training.averageUpdaters())
                        .rddTrainingApproach(training.rddApproach().equals("export")
                                ? RDDTrainingApproach.Export : RDDTrainingApproach.Direct)
                        .storageLevel(StorageLevel.MEMORY_ONLY())
                        .rngSeed(seed);
        if (exportDirectory != null) {
            master.exportDirectory(exportDirectory);
        }
        this.sparkNetwork = new SparkDl4jMultiLayer(sc, network, master.build());
        this.description = "parameter averaging, " + workers + " workers, batch " + training.batchSize()
                + " per worker, frequency " + training.averagingFrequency() + ", " + training.rddApproach();
    }

    @Override
    public void fitEpoch(int epoch) {
        sc.setJobDescription("sparktrain: epoch " + epoch);
        if (localThreads > 0) {
            NativeThreads.limit(localThreads);
        }
        try {
            sparkNetwork.fit(data);
        } finally {
            sc.setJobDescription(null);
            if (localThreads > 0) {
                NativeThreads.limit(Runtime.getRuntime().availableProcessors());
            }
        }
    }

    @Override
    public MultiLayerNetwork network() {
        return sparkNetwork.getNetwork();
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void close() {
        data.unpersist(false);
    }
}
