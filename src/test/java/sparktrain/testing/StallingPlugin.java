package sparktrain.testing;

import org.apache.spark.TaskContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * A Spark plugin for tests that makes tasks hang: every task whose job description or sweep trial contains the
 * system property {@code sparktrain.test.stall} (e.g. "sparktrain: epoch 2", or "t002") blocks as it starts,
 * reading nothing, until it is interrupted (Spark's task kill). Started with {@code -Dspark.plugins=} this class
 * in the driver JVM, so in local mode; it prints "StallingPlugin: blocking ... at MILLIS" when it blocks.
 */
public final class StallingPlugin implements SparkPlugin {
    public static final String PROPERTY = "sparktrain.test.stall";

    @Override
    public DriverPlugin driverPlugin() {
        return null;
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new ExecutorPlugin() {
            @Override
            public void onTaskStart() {
                String match = System.getProperty(PROPERTY);
                TaskContext task = TaskContext.get();
                if (match == null || task == null) {
                    return;
                }
                String job = task.getLocalProperty("spark.job.description") + " " + task.getLocalProperty("sparktrain.trial");
                if (!job.contains(match)) {
                    return;
                }
                System.err.println("StallingPlugin: blocking task " + task.partitionId() + " of stage " + task.stageId()
                        + " (" + job + ") at " + System.currentTimeMillis());
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }
}
