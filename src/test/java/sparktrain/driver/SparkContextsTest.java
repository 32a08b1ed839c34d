package sparktrain.driver;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import sparktrain.worker.OneDnn;
import sparktrain.worker.config.JobFiles;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparkContextsTest {
    @Test
    void executorsGetTheOneDnnHelpersUnlessTheJobSaysOtherwise() {
        SparkConf plain = SparkContexts.conf(JobFiles.parse("", "test",
                List.of("spark.conf.\"spark.executor.extraJavaOptions\"=\"-Dx=1\"")), null);
        assertEquals("-Dx=1 " + OneDnn.JAVA_OPTION, plain.get("spark.executor.extraJavaOptions"));

        String off = "-D" + OneDnn.HELPERS_DISABLE + "=true";
        SparkConf optedOut = SparkContexts.conf(JobFiles.parse("", "test",
                List.of("spark.conf.\"spark.executor.extraJavaOptions\"=\"" + off + "\"")), null);
        assertEquals(off, optedOut.get("spark.executor.extraJavaOptions"));
        assertTrue(OneDnn.JAVA_OPTION.endsWith("=false"));
    }
}
