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

    /** Each option, alone in each key that takes Java options: exit 2 naming the key and the option. */
    @Test
    void javaOptionsOutsideTheAllowlistAreRefusedNamingTheKeyAndTheOption() {
        List<String> options = List.of(
                "-XX:VMOptionsFile=/tmp/opts",                 // reads more options (-javaagent...) from a file
                "-XX:Flags=/tmp/.hotspotrc",                    // the same
                "@/tmp/argfile",                                // the java launcher's argument file
                "-javaagent:/tmp/evil.jar",
                "-agentlib:jdwp=transport=dt_socket",
                "-agentpath:/tmp/libevil.so",
                "-XX:OnOutOfMemoryError=/tmp/evil.sh",
                "-XX:OnError=/tmp/evil.sh",
                "-Xbootclasspath/a:/tmp/evil.jar",
                "-XX:+UnlockDiagnosticVMOptions",
                "-XX:+HeapDumpOnOutOfMemoryError",
                "-Xlog:gc:file=/tmp/overwritten",               // GC logging, but into a file
                "--add-opens=java.management/sun.management=ALL-UNNAMED",
                "--patch-module=java.base=/tmp/evil",
                "-cp",
                "-Djava.library.path=/tmp",
                "-Djava.class.path=/tmp/evil.jar",
                "-Djava.system.class.loader=org.example.Loader",
                "-Djava.util.logging.config.class=x",
                "-Djava.util.logging.config.file=/tmp/logging.properties",
                "-Dlog4j2.configurationFile=/tmp/log4j2.xml",
                "-Djava.security.properties=/tmp/providers",
                "-Djava.rmi.server.codebase=http://example.org/",
                "-Dorg.bytedeco.javacpp.cachedir=/tmp/natives",
                "-Dorg.bytedeco.javacpp.pathsFirst=true",
                "-Djna.boot.library.path=/tmp",
                "-Duser.home=/tmp/home",
                "-Djava.io.tmpdir=/tmp/natives",
                "-Dsome.factory=org.example.EvilFactory",       // a class name as the value
                "-Dsome.plugin=/tmp/evil.jar",                  // a jar as the value
                "-Dsome.native=/opt/lib/libevil.so.1",          // a native library as the value
                "-Dspark.plugins=x",                            // a Spark setting past spark.conf's checks
                "-Dx=1 -javaagent:/tmp/evil.jar");              // after an allowed one
        for (String key : List.of("spark.executor.extraJavaOptions", "spark.driver.extraJavaOptions",
                "spark.executor.defaultJavaOptions", "spark.yarn.am.extraJavaOptions")) {
            for (String option : options) {
                SparktrainException e = refused("\"" + key + "\" = \"" + option + "\"");
                String named = option.startsWith("-Dx=1 ") ? option.substring("-Dx=1 ".length()) : option;
                assertEquals(1, e.problems().size(), e.problems().toString());
                String problem = e.problems().get(0);
                assertTrue(problem.contains("spark.conf.\"" + key + "\" = ") && problem.contains("may not hold " + named
                        + " in a job file") && problem.contains("spark-submit --conf"), problem);
            }
        }
    }

    @Test
    void javaOptionsAreSplitAsSparkSplitsThem() {
        // quotes group and are removed when Spark starts the JVM: the option inside them is what is checked
        String problem = refused("\"spark.executor.extraJavaOptions\" = \"-Dok=1 '-javaagent:/tmp/evil.jar'\"")
                .problems().get(0);
        assertTrue(problem.contains("may not hold -javaagent:/tmp/evil.jar in a job file"), problem);
        problem = refused("\"spark.executor.extraJavaOptions\" = \"-Dx=1 \\\"-XX:Flags=/tmp/f\\\"\"").problems().get(0);
        assertTrue(problem.contains("may not hold -XX:Flags=/tmp/f in a job file"), problem);
    }

    @Test
    void javaOptionsInTheAllowlistPass() {
        String allowed = "-Xmx4g -Xms1g -Xss4m -Xmn512m -XX:MaxDirectMemorySize=8g -XX:+UseG1GC -XX:-UseAdaptiveSizePolicy"
                + " -XX:MaxGCPauseMillis=200 -XX:ParallelGCThreads=2 -XX:ShenandoahGCHeuristics=adaptive -verbose:gc"
                + " -Xlog:gc*:stdout:uptime,level -Dorg.bytedeco.javacpp.maxbytes=8g -Dorg.bytedeco.javacpp.maxphysicalbytes=10g"
                + " -Daeron.publication.unblock.timeout=60000000000 -Dorg.eclipse.deeplearning4j.helpers.disable=false"
                + " -Djava.net.preferIPv4Stack=true -Dflag '-Dquoted=a b' -Dexecutor={{EXECUTOR_ID}}";
        for (String key : List.of("spark.executor.extraJavaOptions", "spark.driver.extraJavaOptions")) {
            JobConfig job = JobFiles.parse("spark.conf { \"" + key + "\" = \"" + allowed + "\" }", "job.conf", List.of());
            assertEquals(allowed, job.spark().conf().get(key));
        }
    }

    @Test
    void theProjectsOwnJobFilesPass() throws java.io.IOException {
        try (var files = java.nio.file.Files.list(java.nio.file.Path.of("conf"))) {
            List<java.nio.file.Path> jobs = files.filter(f -> f.toString().endsWith(".conf"))
                    .filter(f -> !f.getFileName().toString().startsWith("sweep-")
                            && !f.getFileName().toString().startsWith("spark-defaults")).sorted().toList();
            assertTrue(jobs.size() >= 6, jobs.toString());
            for (java.nio.file.Path job : jobs) {
                JobFiles.load(job.toAbsolutePath().toString(), List.of());
            }
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
