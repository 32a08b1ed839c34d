package sparktrain.driver.training;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerBlockUpdated;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import org.apache.spark.storage.BlockUpdatedInfo;
import org.apache.spark.storage.BroadcastBlockId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes Spark moves for one epoch's training jobs, measured from Spark's own events, not computed from the
 * network's size:
 * <ul>
 * <li>results: every task's serialized result as it reaches the driver ({@code TaskMetrics.resultSize}; for
 * averaging, each worker's parameters and updater state);</li>
 * <li>broadcasts: what executors fetched of the broadcasts DL4J created while the meter was open (for averaging,
 * the parameters and updater state before every round);</li>
 * <li>shuffle: what the stages of a tree aggregation read from a shuffle (with 6 workers or more DL4J's
 * {@code treeAggregate}, depth 2, sums partial results in an extra shuffle; with fewer every task's result goes to
 * the driver). Shuffles of the training data itself (a repartition the epoch's first job computes) are not
 * averaging and not counted.</li>
 * </ul>
 * How a broadcast counts: TorrentBroadcast cuts the serialized, compressed value into pieces that the driver stores.
 * Each executor whose tasks read the value fetches every piece once (from the driver or, torrent-style, from an
 * executor that already has it) and stores it, telling the block manager master, which posts a BlockUpdated event;
 * all the tasks of that executor then share its copy. So with n executors a broadcast of b bytes counts n x b, one
 * b per executor that fetched it. In local mode the one executor is the driver itself, which reads the value
 * without fetching it: there the pieces the driver stored count once (serialized, though nothing leaves the JVM).
 * Spark's own per-stage task binaries (each a broadcast of the closure, a few kilobytes) are not counted.
 */
final class SparkTraffic extends SparkListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SparkTraffic.class);
    /** Spark's local property behind addJobTag. */
    private static final String JOB_TAGS_PROPERTY = "spark.job.tags";
    private static final long DRAIN_MILLIS = 60_000;

    private final Recording sc;
    private final String tag;
    private final boolean local;
    private final Set<Integer> stages = ConcurrentHashMap.newKeySet();
    private final Set<Integer> aggregations = ConcurrentHashMap.newKeySet();
    private final Set<Long> broadcasts = ConcurrentHashMap.newKeySet();
    /** Broadcast id to the bytes of its pieces: stored by the driver, and fetched by executors. */
    private final Map<Long, AtomicLong> stored = new ConcurrentHashMap<>();
    private final Map<Long, AtomicLong> fetched = new ConcurrentHashMap<>();
    /** Each piece counts once per block manager, however often its storage changes (memory to disk). */
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final AtomicLong results = new AtomicLong();
    private final AtomicLong shuffle = new AtomicLong();

    /** What one epoch moved, in bytes. */
    record Traffic(long results, long broadcasts, long shuffle) {
        static final Traffic NONE = new Traffic(0, 0, 0);

        long total() {
            return results + broadcasts + shuffle;
        }
    }

    SparkTraffic(Recording sc, String tag, boolean local) {
        this.sc = sc;
        this.tag = tag;
        this.local = local;
    }

    /** Starts measuring the jobs the calling thread submits, and the broadcasts DL4J makes through {@code sc}. */
    static SparkTraffic start(Recording sc) {
        SparkTraffic meter = new SparkTraffic(sc, "sparktrain-traffic-" + UUID.randomUUID(), sc.isLocal());
        sc.sc().addSparkListener(meter);
        sc.addJobTag(meter.tag);
        sc.meter = meter;
        return meter;
    }

    @Override
    public void onJobStart(SparkListenerJobStart start) {
        String tags = start.properties() == null ? null : start.properties().getProperty(JOB_TAGS_PROPERTY);
        if (tags != null && Arrays.asList(tags.split(",")).contains(tag)) {
            for (StageInfo stage : JavaConverters.seqAsJavaList(start.stageInfos())) {
                stages.add(stage.stageId());
                // Spark names a stage after the action's call site: "treeAggregate at ParameterAveragingTrainingMaster.java:..."
                if (stage.name().startsWith("treeAggregate at ")) {
                    aggregations.add(stage.stageId());
                }
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        TaskMetrics metrics = end.taskMetrics();
        if (metrics != null && stages.contains(end.stageId())) {
            results.addAndGet(metrics.resultSize());
        }
        if (metrics != null && aggregations.contains(end.stageId())) {
            shuffle.addAndGet(metrics.shuffleReadMetrics().totalBytesRead());
        }
    }

    @Override
    public void onBlockUpdated(SparkListenerBlockUpdated updated) {
        BlockUpdatedInfo info = updated.blockUpdatedInfo();
        if (!(info.blockId() instanceof BroadcastBlockId piece) || !piece.field().startsWith("piece")
                || !info.storageLevel().isValid()
                || !seen.add(info.blockManagerId().executorId() + "/" + piece.name())) {
            return;
        }
        // the ids DL4J's broadcasts get are known only once sc.broadcast returns, after their pieces were stored
        (info.blockManagerId().isDriver() ? stored : fetched)
                .computeIfAbsent(piece.broadcastId(), id -> new AtomicLong())
                .addAndGet(info.memSize() + info.diskSize());
    }

    /** What the jobs and broadcasts so far moved, once Spark's listener bus has delivered their events. */
    Traffic measured() {
        try {
            sc.sc().listenerBus().waitUntilEmpty(DRAIN_MILLIS);
        } catch (TimeoutException e) {
            log.warn("Spark's listener bus did not drain in {} s: the epoch's measured bytes may be short", DRAIN_MILLIS / 1000);
        }
        return new Traffic(results.get(), broadcastBytes(), shuffle.get());
    }

    long broadcastBytes() {
        Map<Long, AtomicLong> moved = local ? stored : fetched;
        return broadcasts.stream().mapToLong(id -> moved.getOrDefault(id, new AtomicLong()).get()).sum();
    }

    void broadcastMade(long id) {
        broadcasts.add(id);
    }

    @Override
    public void close() {
        sc.meter = null;
        sc.removeJobTag(tag);
        sc.sc().removeSparkListener(this);
    }

    /** The SparkContext handed to DL4J: it tells the open meter the id of every broadcast DL4J creates. */
    static final class Recording extends JavaSparkContext {
        private volatile SparkTraffic meter;

        Recording(JavaSparkContext sc) {
            super(sc.sc());
        }

        @Override
        public <T> Broadcast<T> broadcast(T value) {
            Broadcast<T> made = super.broadcast(value);
            SparkTraffic open = meter;
            if (open != null) {
                open.broadcastMade(made.id());
            }
            return made;
        }
    }
}
