package sparktrain.driver.training;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.residual.NoOpResidualPostProcessor;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.residual.ResidualClippingPostProcessor;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.FixedThresholdAlgorithm;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import sparktrain.core.SparktrainException;
import sparktrain.core.config.SharingConfig;
import sparktrain.core.config.TrainingConfig;
import sparktrain.worker.DrainEncodingCounters;
import sparktrain.worker.MeteredThreshold;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * Asynchronous data parallelism with DL4J's SharedTrainingMaster: workers exchange threshold-encoded,
 * quantised updates over Aeron (Strom 2015) instead of averaging dense parameters.
 */
public final class GradientSharing extends SparkStrategy {
    /** Aeron refuses to start unless this exceeds its client liveness timeout (ns). */
    public static final String AERON_UNBLOCK_PROPERTY = "aeron.publication.unblock.timeout";
    public static final String AERON_UNBLOCK_NANOS = "60000000000";
    static final String AERON_LIVENESS_PROPERTY = "aeron.client.liveness.timeout";
    static final long DL4J_CLIENT_LIVENESS_NANOS = 30_000_000_000L;

    private final JavaSparkContext sc;
    private final SharedTrainingMaster master;
    private final int workers;
    private final String description;
    private Communication lastEpoch = Communication.NONE;

    public GradientSharing(JavaSparkContext sc, Model network, JavaRDD<DataSet> data, TrainingConfig training,
                           int workers, long seed, int localThreads, String exportDirectory) {
        super(sc, network, data, localThreads);
        String controller = controllerAddress(sc, training.sharing());
        this.master = master(prepare(training.sharing()), controller, training, workers, seed, exportDirectory);
        this.sc = sc;
        this.workers = workers;
        SharingConfig s = training.sharing();
        this.description = "gradient sharing, " + workers + " workers, batch " + training.batchSize()
                + " per worker, " + s.threshold() + " threshold " + s.initialThreshold()
                + (s.threshold().equals("adaptive") ? " (sparsity " + s.minSparsity() + " to " + s.maxSparsity() + ")" : "")
                + ", port " + s.unicastPort() + ", controller " + controller;
    }

    /** Takes DL4J's traps off the user's hands before any Spark job starts. */
    private static SharingConfig prepare(SharingConfig s) {
        String unblock = System.getProperty(AERON_UNBLOCK_PROPERTY);
        if (unblock == null) {
            System.setProperty(AERON_UNBLOCK_PROPERTY, AERON_UNBLOCK_NANOS);
        } else {
            requireAeronTimeouts(unblock, System.getProperty(AERON_LIVENESS_PROPERTY));
        }
        requirePortFree(s.unicastPort());
        return s;
    }

    /**
     * Aeron refuses to start ("publicationUnblockTimeoutNs=... <= clientLivenessTimeoutNs=...") unless the
     * publication unblock timeout exceeds the client liveness timeout, which DL4J sets to 30 s.
     */
    public static void requireAeronTimeouts(String unblockNanos, String livenessNanos) {
        long liveness = livenessNanos == null ? DL4J_CLIENT_LIVENESS_NANOS : Long.parseLong(livenessNanos.trim());
        long unblock;
        try {
            unblock = Long.parseLong(unblockNanos.trim());
        } catch (NumberFormatException e) {
            throw SparktrainException.usage("-D" + AERON_UNBLOCK_PROPERTY + " = " + unblockNanos
                    + ": must be a number of nanoseconds, e.g. " + AERON_UNBLOCK_NANOS);
        }
        if (unblock <= liveness) {
            throw SparktrainException.usage("-D" + AERON_UNBLOCK_PROPERTY + " = " + unblock + " ns: must exceed Aeron's"
                    + " client liveness timeout (" + liveness + " ns) or Aeron refuses to start; remove the setting"
                    + " (sparktrain sets " + AERON_UNBLOCK_NANOS + ") or raise it");
        }
    }

    static void requirePortFree(int port) {
        try (DatagramSocket socket = new DatagramSocket(null)) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port));
        } catch (IOException e) {
            throw SparktrainException.usage("training.sharing.unicast-port = " + port
                    + ": the UDP port is in use on this machine (" + e.getMessage()
                    + "); set training.sharing.unicast-port to a free port");
        }
    }

    /** The configured address, else the driver's (DL4J cannot always find it by itself). */
    static String controllerAddress(JavaSparkContext sc, SharingConfig s) {
        if (!s.controllerAddress().isBlank()) {
            return s.controllerAddress();
        }
        String driver = sc.getConf().get("spark.driver.host", "127.0.0.1");
        try {
            return InetAddress.getByName(driver).getHostAddress();
        } catch (IOException e) {
            throw SparktrainException.usage("training.sharing.controller-address is empty and the driver's host "
                    + driver + " does not resolve; set training.sharing.controller-address to the driver's IP");
        }
    }

    static SharedTrainingMaster master(SharingConfig s, String controllerAddress, TrainingConfig training,
                                       int workers, long seed, String exportDirectory) {
        VoidConfiguration.VoidConfigurationBuilder network = VoidConfiguration.builder()
                .unicastPort(s.unicastPort())
                .controllerAddress(controllerAddress);
        if (!s.networkMask().isBlank()) {
            network.networkMask(s.networkMask());
        }
        ThresholdAlgorithm threshold = s.threshold().equals("fixed")
                ? new FixedThresholdAlgorithm(s.initialThreshold())
                : new AdaptiveThresholdAlgorithm(s.initialThreshold(), s.minSparsity(), s.maxSparsity(),
                        AdaptiveThresholdAlgorithm.DEFAULT_DECAY_RATE);
        SharedTrainingMaster.Builder master = new SharedTrainingMaster.Builder(network.build(), workers,
                new MeteredThreshold(threshold), training.batchSize())
                .batchSizePerWorker(training.batchSize())
                .residualPostProcessor(s.residualClip() > 0
                        ? new ResidualClippingPostProcessor(s.residualClip(), s.residualClipFrequency())
                        : new NoOpResidualPostProcessor())
                .workerPrefetchNumBatches(training.prefetch())
                .rddTrainingApproach(training.rddApproach().equals("export")
                        ? RDDTrainingApproach.Export : RDDTrainingApproach.Direct)
                .storageLevel(StorageLevel.MEMORY_ONLY())
                .repartitionData(Repartition.NumPartitionsWorkersDiffers)
                .rngSeed(seed);
        if (s.workersPerNode() > 0) {
            master.workersPerNode(s.workersPerNode());
        }
        if (exportDirectory != null) {
            master.exportDirectory(exportDirectory);
        }
        return master.build();
    }

    /** One master for the whole run: it owns the Aeron mesh the workers joined. */
    @Override
    SharedTrainingMaster masterFor(int epoch) {
        return master;
    }

    @Override
    public void fitEpoch(int epoch) {
        MeteredThreshold.drain();
        super.fitEpoch(epoch);
        lastEpoch = sc.isLocal() ? fromCounters(List.of(MeteredThreshold.drain())) : drainExecutors();
    }

    /** One small task per slot, so every executor's counters are read (what one misses, the next epoch reads). */
    private Communication drainExecutors() {
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < workers * 2; i++) {
            slots.add(i);
        }
        return fromCounters(sc.parallelize(slots, slots.size()).map(new DrainEncodingCounters()).collect());
    }

    private static Communication fromCounters(List<long[]> counters) {
        long encoded = 0;
        long dense = 0;
        for (long[] c : counters) {
            encoded += c[0];
            dense += c[1];
        }
        return new Communication(encoded, dense);
    }

    @Override
    public Communication lastEpochCommunication() {
        return lastEpoch;
    }

    /** DL4J's SharedTrainingMaster keeps no training stats, and fails (NullPointerException) when asked to. */
    @Override
    public void collectStats(java.util.function.Consumer<org.deeplearning4j.spark.api.stats.SparkTrainingStats> sink) {
    }

    @Override
    public String describe() {
        return description;
    }
}
