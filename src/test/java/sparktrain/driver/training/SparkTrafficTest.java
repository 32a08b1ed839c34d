package sparktrain.driver.training;

import org.apache.spark.scheduler.SparkListenerBlockUpdated;
import org.apache.spark.storage.BlockManagerId;
import org.apache.spark.storage.BlockUpdatedInfo;
import org.apache.spark.storage.BroadcastBlockId;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.Test;
import scala.Option;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How broadcast pieces count, from the block events Spark posts (a cluster's executors fetch; local mode does not). */
class SparkTrafficTest {
    private static final long DL4J = 5;
    private static final long OTHER = 6;

    private static SparkListenerBlockUpdated block(String executor, long broadcast, String field, StorageLevel level,
                                                   long memory, long disk) {
        return new SparkListenerBlockUpdated(new BlockUpdatedInfo(BlockManagerId.apply(executor, "host-" + executor,
                7000, Option.empty()), new BroadcastBlockId(broadcast, field), level, memory, disk));
    }

    private static void feed(SparkTraffic meter) {
        StorageLevel ser = StorageLevel.MEMORY_AND_DISK_SER();
        // the driver stores the pieces before sc.broadcast returns the id
        meter.onBlockUpdated(block("driver", DL4J, "piece0", ser, 100, 0));
        meter.onBlockUpdated(block("driver", DL4J, "piece1", ser, 50, 0));
        meter.onBlockUpdated(block("driver", DL4J, "", StorageLevel.MEMORY_AND_DISK(), 4000, 0)); // the whole value
        meter.broadcastMade(DL4J);
        for (String executor : new String[]{"1", "2"}) {
            meter.onBlockUpdated(block(executor, DL4J, "piece0", ser, 100, 0));
            meter.onBlockUpdated(block(executor, DL4J, "piece1", ser, 50, 0));
        }
        meter.onBlockUpdated(block("2", DL4J, "piece0", ser, 0, 100)); // moved to disk: fetched once all the same
        meter.onBlockUpdated(block("1", DL4J, "piece1", StorageLevel.NONE(), 0, 0)); // removed
        meter.onBlockUpdated(block("1", OTHER, "piece0", ser, 1000, 0)); // not DL4J's: a task binary
        meter.onBlockUpdated(block("driver", OTHER, "piece0", ser, 1000, 0));
    }

    @Test
    void onAClusterEachExecutorThatFetchedABroadcastCountsItOnce() {
        SparkTraffic meter = new SparkTraffic(null, "t", false);
        feed(meter);
        assertEquals(2 * 150, meter.broadcastBytes());
    }

    @Test
    void inLocalModeTheDriversPiecesCountOnce() {
        SparkTraffic meter = new SparkTraffic(null, "t", true);
        feed(meter);
        assertEquals(150, meter.broadcastBytes());
    }
}
