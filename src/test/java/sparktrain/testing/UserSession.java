package sparktrain.testing;

import org.apache.spark.sql.SparkSession;

/** A local[2] session built as a Spark application builds its own (the Spark ML tests train on the caller's session). */
public final class UserSession {
    private UserSession() {
    }

    public static SparkSession start(String appName) {
        return SparkSession.builder().master("local[2]").appName(appName)
                .config("spark.ui.enabled", "false").config("spark.driver.host", "127.0.0.1").getOrCreate();
    }
}
