package sparktrain.driver.doctor;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.testing.Processes;
import sparktrain.testing.JobFile;
import sparktrain.testing.UdpPorts;
import sparktrain.worker.JavaOpens;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Broken JVMs can only be made in JVMs of their own: {@code sparktrain doctor} in a child JVM started
 * without the --add-opens flags, with a too-small JavaCPP off-heap limit, and on a {@code local-cluster}
 * master (a Spark Master and two Workers in the child, each executor a JVM of its own) whose executors
 * get the too-small limit (4 MiB: training the job's kind of MLP then stalls, with 16 MiB it trains).
 */
class DoctorProcessTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();

    @TempDir
    Path tmp;

    record Run(int code, String out) {
    }

    private Path jobFile() throws IOException {
        return JobFile.write(tmp.resolve("job.conf"), "name = doctor-process-test", JobFile.fashionMnist(),
                "model { type = mlp, hidden-layers = [32] }");
    }

    /** The CLI in a child JVM: {@code opens} false leaves out every --add-opens flag. */
    private Run doctor(boolean opens, List<String> jvmOptions, Map<String, String> env, String... args)
            throws IOException, InterruptedException {
        List<String> jvm = new ArrayList<>(List.of("-Xmx1g"));
        if (opens) {
            jvm.addAll(JavaOpens.OPTIONS);
        }
        jvm.addAll(jvmOptions);
        List<String> command = new ArrayList<>(List.of("doctor", jobFile().toString()));
        command.addAll(List.of(args));
        Path log = tmp.resolve("doctor.log");
        Process p = Processes.start(log, jvm, env, command.toArray(String[]::new));
        if (!p.waitFor(8, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            fail("doctor did not finish in 8 minutes:\n" + Files.readString(log));
        }
        return new Run(p.exitValue(), Files.readString(log));
    }

    private static String row(Run run, String where, String check) {
        return run.out().lines().filter(l -> l.matches("\\S+\\s+" + java.util.regex.Pattern.quote(where) + "\\s{2,}"
                        + java.util.regex.Pattern.quote(check) + "\\s{2,}.*"))
                .findFirst().orElseThrow(() -> new AssertionError("no '" + where + " / " + check + "' row in:\n" + run.out()));
    }

    @Test
    void aDriverWithoutTheAddOpensFlagsIsAnError() throws Exception {
        Run run = doctor(false, List.of(), Map.of());
        assertEquals(2, run.code(), run.out());
        String row = row(run, "driver (and local executors)", "java flags");
        assertTrue(row.startsWith("error") && row.contains("without --add-opens=java.base/PKG=ALL-UNNAMED for java.lang,")
                && row.contains("(13 of 13;") && row.contains(JavaOpens.FILE), row);
    }

    @Test
    void aTooSmallOffHeapLimitInLocalModeIsAnError() throws Exception {
        Run run = doctor(true, List.of("-Dorg.bytedeco.javacpp.maxbytes=4m"), Map.of());
        assertEquals(2, run.code(), run.out());
        String row = row(run, "driver (and local executors)", "off-heap limit");
        assertTrue(row.startsWith("error") && row.contains("maxbytes 4 MiB") && row.contains("the network needs off-heap")
                && row.contains("raise -Dorg.bytedeco.javacpp.maxbytes in the driver's java options"), row);
    }

    /** Executors of their own: Spark's local-cluster master, which launches them from SPARK_HOME's jars. */
    @Test
    void aTooSmallOffHeapLimitOnLocalClusterExecutorsIsAnError() throws Exception {
        Path sparkHome = sparkHome();
        String classPath = System.getProperty("java.class.path");
        // a class path may not come from a job file (it makes Spark load code): a system property, as spark-submit sets it
        Run run = doctor(true, List.of("-Dspark.executor.extraClassPath=" + classPath),
                Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.12"),
                "--master", "local-cluster[2,1,1024]",
                "--set", "spark.conf.\"spark.executor.extraJavaOptions\"=\"-Dorg.bytedeco.javacpp.maxbytes=4m\"");
        assertEquals(2, run.code(), run.out());
        String row = row(run, "2 executors", "off-heap limit");
        assertTrue(row.startsWith("error") && row.contains("maxbytes 4 MiB")
                && row.contains("raise -Dorg.bytedeco.javacpp.maxbytes in spark.executor.extraJavaOptions"), row);
        // the rest of the executors' rows are sound: the probe ran in both executor JVMs
        assertTrue(row(run, "2 executors", "java flags").startsWith("ok"), run.out());
        assertTrue(row(run, "2 executors", "ND4J backend").startsWith("ok"), run.out());
        assertTrue(row(run, "2 executors", "data path").startsWith("ok"), run.out());
        assertTrue(row(run, "driver", "off-heap limit").startsWith("ok"), run.out());
    }

    /**
     * Gradient sharing with two executor JVMs on one host: each reserves a UDP port of its own and reaches the
     * controller. With the first port taken by another program and only two ports to choose from, the executor
     * that comes second finds none, and its row names both ports.
     */
    @Test
    void twoExecutorsOfOneHostTakeAPortEachAndATakenPortIsNamed() throws Exception {
        Path sparkHome = sparkHome();
        int first = UdpPorts.freeRange(3);
        List<String> sharing = List.of("--master", "local-cluster[2,1,1024]", "--set", "training.mode=sharing",
                "--set", "training.sharing.controller-port=" + (first + 2), "--set", "training.sharing.unicast-port=" + first,
                "--set", "training.sharing.unicast-port-count=2");
        Map<String, String> env = Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.12");
        List<String> jvm = List.of("-Dspark.executor.extraClassPath=" + System.getProperty("java.class.path"));

        Run sound = doctor(true, jvm, env, sharing.toArray(String[]::new));
        assertEquals(0, sound.code(), sound.out());
        List<String> ports = sound.out().lines().filter(l -> l.matches("ok\\s+executor \\d+ \\(127\\.0\\.0\\.1\\)\\s+sharing port\\s+.*"))
                .toList();
        assertEquals(List.of("UDP " + first + " free", "UDP " + (first + 1) + " free"), ports.stream()
                .map(l -> l.replaceAll(".*sharing port\\s+(UDP \\d+ free).*", "$1")).sorted().toList(), sound.out());
        assertTrue(row(sound, "2 executors", "reach driver").startsWith("ok"), sound.out());

        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), first))) {
            Run busy = doctor(true, jvm, env, sharing.toArray(String[]::new));
            assertEquals(2, busy.code(), busy.out());
            String error = busy.out().lines().filter(l -> l.matches("error\\s+executor \\d+ \\(127\\.0\\.0\\.1\\)\\s+sharing port\\s+.*"))
                    .findFirst().orElseThrow(() -> new AssertionError("no executor's sharing port error in:\n" + busy.out()));
            assertTrue(error.contains("no free UDP port in " + first + "-" + (first + 1) + " on this host: " + first
                    + " in use (BindException") && error.contains((first + 1) + " held by another JVM on this host")
                    && error.contains("raise training.sharing.unicast-port-count"), error);
            assertTrue(busy.out().lines().anyMatch(l -> l.matches("ok\\s+executor \\d+ \\(127\\.0\\.0\\.1\\)\\s+sharing port\\s+UDP "
                    + (first + 1) + " free, reserved for this executor \\(of " + first + "-" + (first + 1) + "\\); skipped "
                    + first + " in use .*")), busy.out());
        }
    }


    /** target/spark-home as scripts/cluster lays it out (Spark's jars from ~/.m2). */
    private static Path sparkHome() throws IOException, InterruptedException {
        Path home = ROOT.resolve("target/spark-home");
        if (!Files.isRegularFile(home.resolve("RELEASE"))) {
            Process p = new ProcessBuilder("bash", "-c", "ROOT=\"$PWD\"; source scripts/lib/spark-home.sh && ensure_spark_home")
                    .directory(ROOT.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0 || !Files.isRegularFile(home.resolve("RELEASE"))) {
                fail("cannot lay out " + home + " for local-cluster (needs Maven and ~/.m2 with Spark):\n" + out);
            }
        }
        return home;
    }
}
