package sparktrain.testing;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.storage.RDDInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * A SparkListener for tests that records the RDDs of every stage the contexts run, as "name (call site)"; an
 * unnamed RDD's name is its class, e.g. ParallelCollectionRDD for {@code sc.parallelize}. Registered with the
 * system property {@code spark.extraListeners} (read by the next context's SparkConf).
 */
public final class StageRdds extends SparkListener {
    private static final List<String> seen = new ArrayList<>();

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted submitted) {
        synchronized (seen) {
            scala.collection.Iterator<RDDInfo> rdds = submitted.stageInfo().rddInfos().iterator();
            while (rdds.hasNext()) {
                RDDInfo rdd = rdds.next();
                seen.add(rdd.name() + " (" + rdd.callSite() + ")");
            }
        }
    }

    /** Clears what was recorded. */
    public static void clear() {
        synchronized (seen) {
            seen.clear();
        }
    }

    /** The recorded RDDs whose name contains {@code name}. */
    public static List<String> named(String name) {
        synchronized (seen) {
            return seen.stream().filter(rdd -> rdd.contains(name)).toList();
        }
    }

    /** How many RDDs were recorded. */
    public static int count() {
        synchronized (seen) {
            return seen.size();
        }
    }
}
