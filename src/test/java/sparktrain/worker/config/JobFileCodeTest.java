package sparktrain.worker.config;

import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;

import org.junit.jupiter.api.Test;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A job file may tune Spark but never make it load or run code (README "Security"). */
class JobFileCodeTest {
    private static SparktrainException refused(String sparkConf) {
        SparktrainException e = assertThrows(SparktrainException.class,
                () -> JobFiles.parse("spark.conf { " + sparkConf + " }", "job.conf", List.of()), sparkConf);
        assertEquals(ExitCode.USAGE, e.exitCode());
        return e;
    }

    @Test
    void settingsThatLoadCodeAreRefusedNamingTheKey() {
        for (String conf : List.of(
                "\"spark.plugins\" = \"org.example.Evil\"",
                "\"spark.jars\" = \"http://example.org/evil.jar\"",
                "\"spark.jars.packages\" = \"org.example:evil:1.0\"",
                "\"spark.extraListeners\" = \"org.example.Listener\"",
                "\"spark.executor.extraClassPath\" = \"/tmp/evil\"",
                "\"spark.driver.extraLibraryPath\" = \"/tmp/evil\"",
                "\"spark.executorEnv.LD_PRELOAD\" = \"/tmp/evil.so\"",
                "\"spark.executorEnv.JAVA_TOOL_OPTIONS\" = \"-javaagent:/tmp/a.jar\"",
                "\"spark.executor.extraJavaOptions\" = \"-Dx=1 -javaagent:/tmp/evil.jar\"",
                "\"spark.executor.defaultJavaOptions\" = \"-XX:OnOutOfMemoryError=/tmp/evil.sh\"",
                "\"spark.driver.extraJavaOptions\" = \"-Djava.library.path=/tmp\"",
                "\"spark.serializer\" = \"org.example.EvilSerializer\"",
                "\"spark.hadoop.fs.evil.impl\" = \"org.example.EvilFileSystem\"",
                "\"spark.worker.resource.gpu.discoveryScript\" = \"/tmp/evil.sh\"")) {
            SparktrainException e = refused(conf);
            String key = conf.substring(1, conf.indexOf('"', 1));
            assertTrue(e.problems().stream().anyMatch(p -> p.contains("spark.conf.\"" + key + "\" = ")
                    && p.contains("spark-submit --conf")), e.problems().toString());
        }
    }

    @Test
    void tuningIsAllowed() {
        JobConfig job = JobFiles.parse("""
                spark.conf {
                  "spark.executor.memory" = 4g
                  "spark.executor.extraJavaOptions" = "-Dorg.bytedeco.javacpp.maxbytes=8g -Daeron.publication.unblock.timeout=60000000000"
                  "spark.executorEnv.OMP_NUM_THREADS" = 2
                  "spark.io.compression.codec" = lz4
                  "spark.hadoop.fs.defaultFS" = "hdfs://127.0.0.1:8020"
                  "spark.task.maxFailures" = 1
                }
                """, "job.conf", List.of());
        assertEquals("4g", job.spark().conf().get("spark.executor.memory"));
        assertEquals(6, job.spark().conf().size());
    }
}
