package sparktrain.driver;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import sparktrain.jobs.Main;
import sparktrain.worker.OneDnn;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SparkContextsTest {
    @Test
    void localTasksShareTheCoresOutAndGiveThemBackAfterwards() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertEquals(cores, SparkContexts.threadShare(1));
        assertEquals(Math.max(1, cores / 3), SparkContexts.threadShare(3));
        assertEquals(1, SparkContexts.threadShare(cores + 1), "at least one thread each");
        assertEquals(1, SparkContexts.withThreads(1, () -> Nd4j.factory().blas().getMaxThreads()));
        assertEquals(cores, Nd4j.factory().blas().getMaxThreads(), "all the cores again");
        assertThrows(IllegalStateException.class, () -> SparkContexts.withThreads(1, () -> {
            throw new IllegalStateException("failed");
        }));
        assertEquals(cores, Nd4j.factory().blas().getMaxThreads(), "all the cores again after a failure");
    }

    @Test
    void theCleanerDoesNotWaitForAHangingExecutorUnlessTheJobSaysSo() {
        assertEquals("false", SparkContexts.conf(JobFiles.parse("", "test", List.of()), null)
                .get(SparkContexts.CLEANER_BLOCKING));
        assertEquals("true", SparkContexts.conf(JobFiles.parse("", "test",
                List.of("spark.conf.\"" + SparkContexts.CLEANER_BLOCKING + "\"=true")), null).get(SparkContexts.CLEANER_BLOCKING));
    }

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

    @Test
    void aJobFilesJavaOptionsComeAfterSparkSubmitsInsteadOfReplacingThem() {
        String key = "spark.executor.extraJavaOptions";
        System.setProperty(key, "--add-opens=java.management/sun.management=ALL-UNNAMED -Dsubmit=1"); // as spark-submit sets it
        try {
            SparkConf conf = SparkContexts.conf(JobFiles.parse("", "test",
                    List.of("spark.conf.\"" + key + "\"=\"-Xss4m -Dsubmit=2\"", "spark.conf.\"spark.executor.memory\"=3g")), null);
            assertEquals("--add-opens=java.management/sun.management=ALL-UNNAMED -Dsubmit=1 -Xss4m -Dsubmit=2 " + OneDnn.JAVA_OPTION,
                    conf.get(key));
            assertEquals("3g", conf.get("spark.executor.memory"));
        } finally {
            System.clearProperty(key);
        }
    }

    @Test
    void kryoGetsOurRegistratorRightAfterNd4jsInTheOrderGivenAndRoomForABigModel() {
        String key = "spark.kryo.registrator";
        System.setProperty(key, "org.nd4j.kryo.Nd4jRegistrator, my.Registrator"); // as spark-submit --conf sets it
        try {
            SparkConf conf = SparkContexts.conf(JobFiles.parse("spark.kryo = true", "test", List.of()), null);
            assertEquals("org.apache.spark.serializer.KryoSerializer", conf.get("spark.serializer"));
            // the user's order kept: theirs after ND4J's may still override it and ours
            assertEquals("org.nd4j.kryo.Nd4jRegistrator,sparktrain.worker.io.KryoClasses,my.Registrator", conf.get(key));
            assertEquals("2047m", conf.get("spark.kryoserializer.buffer.max"));
        } finally {
            System.clearProperty(key);
        }
        SparkConf capped = SparkContexts.conf(JobFiles.parse("spark.kryo = true\nspark.conf {"
                + " \"spark.kryoserializer.buffer.max\" = 128m }", "test", List.of()), null);
        assertEquals("128m", capped.get("spark.kryoserializer.buffer.max"));
        assertEquals("org.nd4j.kryo.Nd4jRegistrator,sparktrain.worker.io.KryoClasses", capped.get(key));
        assertFalse(SparkContexts.conf(JobFiles.parse("", "test", List.of()), null).contains(key));
    }

    @Test
    void sparkSubmitsMasterAndNameStayUnlessItGaveNoName() {
        JobConfig job = JobFiles.parse("name = j", "test", List.of("spark.master = \"local[1]\""));
        assertEquals("sparktrain j", SparkContexts.conf(job, null).get("spark.app.name"));
        assertEquals("local[1]", SparkContexts.conf(job, null).get("spark.master"));
        JobConfig naming = JobFiles.parse("name = j", "test", List.of("spark.conf.\"spark.master\" = \"local[3]\"",
                "spark.conf.\"spark.app.name\" = mine"));
        assertEquals("mine", SparkContexts.conf(naming, null).get("spark.app.name"));
        assertEquals("local[3]", SparkContexts.conf(naming, null).get("spark.master"));

        // as spark-submit sets them: its --master and --name win over the job file's
        System.setProperty("spark.master", "spark://127.0.0.1:7077");
        System.setProperty("spark.app.name", "nightly");
        try {
            for (JobConfig j : List.of(job, naming)) {
                SparkConf conf = SparkContexts.conf(j, null);
                assertEquals("spark://127.0.0.1:7077", conf.get("spark.master"));
                assertEquals("nightly", conf.get("spark.app.name"));
            }
            assertEquals("local[2]", SparkContexts.conf(job, "local[2]").get("spark.master")); // sparktrain's own --master
            // without --name spark-submit names the application after its main class: the job's name is better
            System.setProperty("spark.app.name", Main.class.getName());
            assertEquals("sparktrain j", SparkContexts.conf(job, null).get("spark.app.name"));
            assertEquals("mine", SparkContexts.conf(naming, null).get("spark.app.name"));
        } finally {
            System.clearProperty("spark.master");
            System.clearProperty("spark.app.name");
        }
    }
}
