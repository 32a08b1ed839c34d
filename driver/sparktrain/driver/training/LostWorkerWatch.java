package sparktrain.driver.training;

import org.apache.spark.TaskFailedReason;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;
import scala.collection.JavaConverters;
import sparktrain.driver.stall.StallWatchdog;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;

import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stops a gradient-sharing epoch at its first failed task. Spark reruns the task on a new executor, but DL4J's
 * rerun joins the Aeron mesh, receives the parameters and then waits forever (seen here after an executor was
 * kill -9'd in epoch 2: the job sat in epoch 2 until it was killed), so waiting for Spark's retry hangs the run.
 * It watches and cancels only the job group of the thread that starts it (one is set when it has none): other
 * work on the same SparkContext, such as another trial of a sweep, goes on.
 */
final class LostWorkerWatch extends SparkListener implements AutoCloseable {
    private final JavaSparkContext sc;
    private final String group;
    private final boolean ownGroup;
    private final Set<Integer> stages = ConcurrentHashMap.newKeySet();
    private volatile String failure;

    private LostWorkerWatch(JavaSparkContext sc, String group, boolean ownGroup) {
        this.sc = sc;
        this.group = group;
        this.ownGroup = ownGroup;
    }

    static LostWorkerWatch start(JavaSparkContext sc) {
        String group = sc.getLocalProperty(StallWatchdog.JOB_GROUP_PROPERTY);
        boolean own = group == null;
        if (own) {
            group = "sparktrain-sharing-" + UUID.randomUUID();
            sc.setJobGroup(group, "sparktrain gradient sharing", true);
        }
        LostWorkerWatch watch = new LostWorkerWatch(sc, group, own);
        sc.sc().addSparkListener(watch);
        return watch;
    }

    @Override
    public void onJobStart(SparkListenerJobStart start) {
        if (start.properties() != null && group.equals(start.properties().getProperty(StallWatchdog.JOB_GROUP_PROPERTY))) {
            for (StageInfo stage : JavaConverters.seqAsJavaList(start.stageInfos())) {
                stages.add(stage.stageId());
            }
        }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (failure == null && stages.contains(end.stageId()) && end.reason() instanceof TaskFailedReason reason) {
            failure = "task " + end.taskInfo().index() + " on executor " + end.taskInfo().executorId() + ": "
                    + reason.toErrorString().lines().findFirst().orElse("").trim();
            sc.cancelJobGroup(group);
        }
    }

    boolean failed() {
        return failure != null;
    }

    SparktrainException error(int epoch, Exception cause) {
        return new SparktrainException(ExitCode.WORKER_LOST, String.format(Locale.ROOT,
                "epoch %d: a worker failed during gradient sharing (%s); DL4J's gradient sharing cannot rerun a"
                        + " worker's task mid-epoch (the rerun waits forever), so training stopped", epoch, failure), cause);
    }

    @Override
    public void close() {
        sc.sc().removeSparkListener(this);
        if (ownGroup) {
            sc.clearJobGroup();
        }
    }
}
