package sparktrain.testing;

import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;

/**
 * A SparkListener for tests that throws an OutOfMemoryError ("Java heap space") on Spark's listener thread when
 * the first job whose description contains the system property {@code sparktrain.test.oom} starts (e.g.
 * "sparktrain: epoch 2"). Registered with {@code -Dspark.extraListeners=} this class; prints
 * "OutOfMemoryListener: throwing at MILLIS" first.
 */
public final class OutOfMemoryListener extends SparkListener {
    public static final String PROPERTY = "sparktrain.test.oom";
    private boolean thrown;

    @Override
    public void onJobStart(SparkListenerJobStart start) {
        String match = System.getProperty(PROPERTY);
        String description = start.properties() == null ? null : start.properties().getProperty("spark.job.description");
        if (thrown || match == null || description == null || !description.contains(match)) {
            return;
        }
        thrown = true;
        System.err.println("OutOfMemoryListener: throwing at " + System.currentTimeMillis());
        throw new OutOfMemoryError("Java heap space");
    }
}
