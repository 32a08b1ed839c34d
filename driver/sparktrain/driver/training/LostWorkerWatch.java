package sparktrain.driver.training;

import org.apache.spark.TaskFailedReason;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;

import java.util.Locale;

/**
 * Stops a gradient-sharing epoch at its first failed task. Spark reruns the task on a new executor, but DL4J's
 * rerun joins the Aeron mesh, receives the parameters and then waits forever (seen here after an executor was
 * kill -9'd in epoch 2: the job sat in epoch 2 until it was killed), so waiting for Spark's retry hangs the run.
 */
final class LostWorkerWatch extends SparkListener implements AutoCloseable {
    private final JavaSparkContext sc;
    private volatile String failure;

    private LostWorkerWatch(JavaSparkContext sc) {
        this.sc = sc;
    }

    static LostWorkerWatch start(JavaSparkContext sc) {
        LostWorkerWatch watch = new LostWorkerWatch(sc);
        sc.sc().addSparkListener(watch);
        return watch;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
        if (failure == null && end.reason() instanceof TaskFailedReason reason) {
            failure = "task " + end.taskInfo().index() + " on executor " + end.taskInfo().executorId() + ": "
                    + reason.toErrorString().lines().findFirst().orElse("").trim();
            sc.cancelAllJobs();
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
    }
}
