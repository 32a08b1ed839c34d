package sparktrain.driver.training;

import sparktrain.worker.training.Communication;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.residual.NoOpResidualPostProcessor;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.residual.ResidualClippingPostProcessor;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.FixedThresholdAlgorithm;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.repartitioner.NoOpRepartitioner;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import org.nd4j.common.primitives.Atomic;
import org.nd4j.parameterserver.distributed.v2.ModelParameterServer;
import org.nd4j.parameterserver.distributed.v2.transport.impl.BaseTransport;
import org.nd4j.parameterserver.distributed.v2.util.MeshOrganizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.SharingConfig;
import sparktrain.worker.config.TrainingConfig;
import sparktrain.worker.model.BatchNormStats;
import sparktrain.worker.model.EpochSchedules;
import sparktrain.worker.sharing.AeronDirectories;
import sparktrain.worker.sharing.DrainSharingCounters;
import sparktrain.worker.sharing.LearningRateScaledThreshold;
import sparktrain.worker.sharing.MeteredThreshold;
import sparktrain.worker.sharing.SharingPorts;
import sparktrain.worker.sharing.WorkerEpoch;

import java.io.IOException;
import java.lang.reflect.Field;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.IntFunction;
import java.util.stream.Collectors;

/**
 * Asynchronous data parallelism with DL4J's SharedTrainingMaster: workers exchange threshold-encoded,
 * quantised updates over Aeron (Strom 2015) instead of averaging dense parameters.
 */
public final class GradientSharing extends SparkStrategy {
    private static final Logger log = LoggerFactory.getLogger(GradientSharing.class);
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
    private List<String> mesh = List.of();
    /**
     * Minibatches to re-estimate batch-norm statistics from after every epoch: DL4J sends them through the
     * threshold encoding with the updates, where they move by one threshold per step at most (BatchNormStats).
     */
    static final int CALIBRATION_BATCHES = 50;
    /** Rounds of drain tasks before an executor that none of them reached is given up on until the next drain. */
    private static final int DRAIN_ATTEMPTS = 3;
    private List<DataSet> calibration;

    GradientSharing(JavaSparkContext sc, Model network, IntFunction<JavaRDD<DataSet>> data, TrainingConfig training,
                           int workers, long seed, int localThreads, String exportDirectory) {
        // local mode: one partition, trained by one task with all the local threads (see tasksAtOnce)
        super(sc, network, sc.isLocal() ? epoch -> data.apply(epoch).coalesce(1) : data,
                sc.isLocal() ? localThreads * workers : localThreads);
        String controller = controllerAddress(sc, training.sharing());
        this.master = master(prepare(training.sharing()), controller, training, tasksAtOnce(sc, workers), seed,
                exportDirectory);
        this.sc = sc;
        this.workers = workers;
        SharingConfig s = training.sharing();
        this.description = "gradient sharing, " + (sc.isLocal() ? "one task at a time in this JVM (local mode)"
                : workers + " workers") + ", batch " + training.batchSize()
                + " per worker, " + s.threshold() + " threshold " + s.initialThreshold()
                + (s.threshold().equals("adaptive") ? " (sparsity " + s.minSparsity() + " to " + s.maxSparsity() + ")" : "")
                + (thresholdSchedule(training) != null ? " scaled with the learning rate" : "")
                + (sc.isLocal() ? "" : ", executor ports " + s.unicastPort() + "-" + s.lastUnicastPort())
                + ", controller " + controller + ":" + s.controllerPort();
    }

    /**
     * The partitions trained per epoch. DL4J's SharedTrainingWrapper (one per JVM) lets the first task of an epoch
     * train, and parks every other task of that JVM until the training thread has consumed its data too. A task
     * that attaches its data after the training thread's last look at the data but before it hands over is never
     * trained and never released: the epoch hangs in {@code BlockingObserver.waitTillDone}. With DL4J's default
     * repartitioner every minibatch was a task of its own, so each epoch had thousands of such hand-offs (seen
     * in a thread dump here: tasks 71, 77 and 81 of one training stage). Tasks that run one after the other in a
     * JVM are safe, each training its own data in turn; so the data keeps its partitions (NoOpRepartitioner), and
     * in local mode, where every task shares the driver's JVM and DL4J trains one model per JVM anyway, it is one
     * partition. On a cluster there is one partition per worker: give executors one task slot each
     * ({@code spark.task.cpus} = {@code spark.executor.cores}).
     */
    static int tasksAtOnce(JavaSparkContext sc, int workers) {
        return sc.isLocal() ? 1 : workers;
    }

    /** Takes DL4J's traps off the user's hands before any Spark job starts. */
    private static SharingConfig prepare(SharingConfig s) {
        String unblock = System.getProperty(AERON_UNBLOCK_PROPERTY);
        if (unblock == null) {
            System.setProperty(AERON_UNBLOCK_PROPERTY, AERON_UNBLOCK_NANOS);
        } else {
            requireAeronTimeouts(unblock, System.getProperty(AERON_LIVENESS_PROPERTY));
        }
        if (!ModelParameterServer.getInstance().isInitialized()) {
            // once started, DL4J's parameter server keeps the controller port for the life of the JVM
            requirePortFree("training.sharing.controller-port", s.controllerPort());
        }
        AeronDirectories.prepare();
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

    static void requirePortFree(String key, int port) {
        try (DatagramSocket socket = new DatagramSocket(null)) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port));
        } catch (IOException e) {
            throw SparktrainException.usage(key + " = " + port + ": the UDP port is in use on this machine ("
                    + e.getMessage() + "); set " + key + " to a free port");
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
                .portSupplier(new SharingPorts(s.controllerPort(), s.unicastPort(), s.unicastPortCount()))
                .controllerAddress(controllerAddress);
        if (!s.networkMask().isBlank()) {
            network.networkMask(s.networkMask());
        }
        VoidConfiguration voidConfiguration = network.build();
        ThresholdAlgorithm threshold = s.threshold().equals("fixed")
                ? new FixedThresholdAlgorithm(s.initialThreshold())
                : new AdaptiveThresholdAlgorithm(s.initialThreshold(), s.minSparsity(), s.maxSparsity(),
                        AdaptiveThresholdAlgorithm.DEFAULT_DECAY_RATE);
        ISchedule schedule = thresholdSchedule(training);
        if (schedule != null) {
            threshold = new LearningRateScaledThreshold(threshold, schedule, training.learningRate());
        }
        SharedTrainingMaster.Builder master = new SharedTrainingMaster.Builder(voidConfiguration, workers,
                new MeteredThreshold(threshold), training.batchSize())
                .batchSizePerWorker(training.batchSize())
                .residualPostProcessor(s.residualClip() > 0
                        ? new ResidualClippingPostProcessor(s.residualClip(), s.residualClipFrequency())
                        : new NoOpResidualPostProcessor())
                .workerPrefetchNumBatches(training.prefetch())
                .rddTrainingApproach(training.rddApproach().equals("export")
                        ? RDDTrainingApproach.Export : RDDTrainingApproach.Direct)
                .storageLevel(StorageLevel.MEMORY_ONLY())
                // DL4J's default repartitioner cuts the data into one minibatch per partition, so one Spark task
                // per minibatch: thousands of task hand-offs per epoch, each a chance for the race in tasksAtOnce
                .repartitioner(new NoOpRepartitioner())
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

    /** The learning-rate schedule the threshold is scaled with, or null when it is not scaled. */
    private static ISchedule thresholdSchedule(TrainingConfig training) {
        return training.sharing().scaleWithLearningRate()
                ? EpochSchedules.of(training) : null;
    }

    /** A few of the first epoch's minibatches, kept on the driver to re-estimate batch-norm statistics from. */
    @Override
    void afterFit(JavaRDD<DataSet> minibatches) {
        if (calibration == null && BatchNormStats.hasBatchNorm(network())) {
            calibration = minibatches.take(CALIBRATION_BATCHES);
        }
    }

    /** Each epoch's partitions tell their executor the epoch (see {@link WorkerEpoch}). */
    @Override
    JavaRDD<DataSet> forEpoch(JavaRDD<DataSet> minibatches, int epoch) {
        return minibatches.mapPartitions(new WorkerEpoch.Marker(epoch - 1), true);
    }

    @Override
    List<TrainingListener> workerListeners() {
        return List.of(new WorkerEpoch());
    }

    /** One master for the whole run: it owns the Aeron mesh the workers joined. */
    @Override
    SharedTrainingMaster masterFor(int epoch) {
        return master;
    }

    @Override
    public void fitEpoch(int epoch) {
        try (LostWorkerWatch watch = LostWorkerWatch.start(sc)) {
            try {
                // what was sent between epochs (heartbeats, mostly) is not the epoch's; drained under the watch, as an
                // executor lost here, before the epoch's training job, ends the run as one lost in it does
                drain();
                super.fitEpoch(epoch);
                AeronPollThreads.endReplaced();
            } catch (Exception e) { // Spark's SparkException is a checked exception that Scala throws anyway
                if (watch.failed()) {
                    throw watch.error(epoch, e);
                }
                throw e;
            }
        }
        lastEpoch = communication(epoch, drain(), lastEpochSparkTraffic());
        reportMesh();
        if (BatchNormStats.hasBatchNorm(network())) {
            int layers = BatchNormStats.recalibrate(network(), calibration);
            log.info("gradient sharing: running statistics of {} batch-norm layers re-estimated from {} minibatches",
                    layers, calibration.size());
        }
    }

    /**
     * Logs the executors in DL4J's mesh with their UDP ports when they change (after the first epoch: when they
     * joined), for the log and run.json.
     */
    private void reportMesh() {
        List<String> now = meshExecutors();
        if (!now.equals(mesh)) {
            mesh = now;
            log.info("gradient sharing: {} executor(s) in the mesh, each at its own UDP port: {} (controller {})",
                    mesh.size(), String.join(", ", mesh), meshRoot());
        }
    }

    /**
     * The executors in the mesh as the driver's parameter server knows them, "IP:PORT" each, sorted: an executor's
     * handshake names its Aeron endpoint ({@code aeron:udp?endpoint=IP:PORT}), and the mesh keys it by that.
     * Empty in local mode, where no executor joins. DL4J keeps the mesh in a protected field of its transport
     * and offers no getter, hence the reflection.
     */
    static List<String> meshExecutors() {
        ModelParameterServer server = ModelParameterServer.getInstance();
        if (!server.isInitialized() || !(server.getTransport() instanceof BaseTransport transport)) {
            return List.of();
        }
        try {
            Field field = BaseTransport.class.getDeclaredField("mesh");
            field.setAccessible(true);
            Atomic<?> atomic = (Atomic<?>) field.get(transport);
            synchronized (atomic) { // as BaseTransport does when it changes the mesh
                MeshOrganizer mesh = (MeshOrganizer) atomic.get();
                return mesh.flatNodes().stream().map(n -> endpoint(n.getId())).sorted().toList();
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            log.warn("gradient sharing: cannot read the executors' ports from DL4J's mesh: {}", e.toString());
            return List.of();
        }
    }

    private static String meshRoot() {
        ModelParameterServer server = ModelParameterServer.getInstance();
        return server.isInitialized() ? endpoint(server.getTransport().id()) : "";
    }

    private static String endpoint(String aeronId) {
        return aeronId.substring(aeronId.indexOf('=') + 1);
    }

    /**
     * Every JVM's counters since the last drain: the driver's, and on a cluster each executor's, read by small tasks,
     * one per slot, until every registered executor has answered.
     */
    private List<DrainSharingCounters.Drained> drain() {
        List<DrainSharingCounters.Drained> drained = new ArrayList<>(List.of(DrainSharingCounters.drain()));
        if (sc.isLocal()) {
            return drained; // the tasks run in the driver's JVM
        }
        Set<String> executors = registeredExecutors();
        Set<String> read = new TreeSet<>();
        for (int attempt = 0; attempt < DRAIN_ATTEMPTS && !read.containsAll(executors); attempt++) {
            List<Integer> slots = new ArrayList<>();
            for (int i = 0; i < Math.max(workers, executors.size()) * 2; i++) {
                slots.add(i);
            }
            for (DrainSharingCounters.Drained d : sc.parallelize(slots, slots.size()).map(new DrainSharingCounters()).collect()) {
                drained.add(d);
                read.add(d.executor());
            }
        }
        if (!read.containsAll(executors)) {
            Set<String> missed = new TreeSet<>(executors);
            missed.removeAll(read);
            log.warn("gradient sharing: the counters of executor(s) {} were not read: the epoch's bytes leave out what"
                    + " they sent", missed);
        }
        return drained;
    }

    /** The executors' block managers, "host:port" each, the driver's left out. */
    private Set<String> registeredExecutors() {
        Set<String> ids = new TreeSet<>(JavaConverters.mapAsJavaMap(sc.sc().getExecutorMemoryStatus()).keySet());
        ids.remove(DrainSharingCounters.jvm());
        return ids;
    }

    /**
     * The epoch's traffic: what every JVM's Aeron media driver sent (the updates to every peer with their framing,
     * the mesh's own messages, retransmits) plus what Spark moved for the epoch's jobs (the parameters broadcast
     * to the executors, the task results). Dense: every worker's every update as 32-bit floats. Logs what DL4J
     * encoded beside them, the range of thresholds it encoded with and the share of elements sent.
     */
    private static Communication communication(int epoch, List<DrainSharingCounters.Drained> drained,
                                               SparkTraffic.Traffic spark) {
        long aeron = 0;
        long encoded = 0;
        long dense = 0;
        long sent = 0;
        double min = Double.NaN;
        double max = Double.NaN;
        for (DrainSharingCounters.Drained d : drained) {
            aeron += d.aeronBytesSent();
            long[] c = d.encoding();
            encoded += c[0];
            dense += c[1];
            sent += c[2];
            double lo = Double.longBitsToDouble(c[3]);
            double hi = Double.longBitsToDouble(c[4]);
            min = Double.isNaN(min) || lo < min ? lo : min;
            max = Double.isNaN(max) || hi > max ? hi : max;
        }
        log.info(String.format(Locale.ROOT, "gradient sharing, epoch %d: Aeron sent %d bytes (%s), Spark moved %d"
                        + " (broadcasts %d, task results %d); DL4J encoded %d bytes of updates (one count per update,"
                        + " before fan-out and framing), %d dense", epoch, aeron, perJvm(drained), spark.total(),
                spark.broadcasts(), spark.results(), encoded, dense));
        if (dense > 0) {
            log.info(String.format(Locale.ROOT, "gradient sharing: threshold %.3g to %.3g, %.3f%% of update elements sent",
                    min, max, 100.0 * sent * 4 / dense));
        }
        return new Communication(aeron + spark.total(), dense);
    }

    private static String perJvm(List<DrainSharingCounters.Drained> drained) {
        Map<String, Long> bytes = new TreeMap<>();
        for (DrainSharingCounters.Drained d : drained) {
            bytes.merge(d.executor(), d.aeronBytesSent(), Long::sum);
        }
        return bytes.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", "));
    }

    /** run.json's "sharing": the controller's endpoint and the executors' in the mesh, once they joined. */
    @Override
    public Map<String, Object> provenance() {
        return mesh.isEmpty() ? Map.of() : Map.of("sharing", Map.of("controller", meshRoot(), "executors", mesh));
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
