package sparktrain.testing;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One local[2] SparkContext per test class, UI off, stopped after the class. */
public abstract class SparkTestBase {
    protected static JavaSparkContext sc;

    @BeforeAll
    static void startSpark() {
        SparkConf conf = new SparkConf()
                .setMaster("local[2]")
                .setAppName("sparktrain-test")
                .set("spark.ui.enabled", "false")
                .set("spark.driver.host", "127.0.0.1");
        sc = new JavaSparkContext(conf);
        sc.setLogLevel("WARN");
    }

    @AfterAll
    static void stopSpark() {
        if (sc != null) {
            sc.stop();
            sc = null;
        }
    }
}
