package sparktrain.cluster;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import sparktrain.testing.TestData;
import sparktrain.testing.UdpPorts;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code sparktrain doctor} submitted with scripts/submit to a two-worker scripts/cluster: the default
 * LeNet job and the project's spark-defaults.conf must come out all ok, on the driver and on both executors
 * (each its own JVM), with parameter averaging and with gradient sharing. Own ports and state dir; run it under
 * {@code flock /tmp/sparktrain-ports.lock}.
 */
class DoctorIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path STATE = ROOT.resolve("target/it-doctor-cluster");
    private static final Path LOGS = ROOT.resolve("target/it-logs");
    private static final int MASTER_PORT = 7277;
    private static final int MASTER_UI_PORT = 8280;

    @BeforeAll
    static void startCluster() throws Exception {
        TestData.fashionMnist();
        if (!Files.isRegularFile(ROOT.resolve("target/sparktrain-app.jar"))) {
            fail("target/sparktrain-app.jar is missing: run 'mvn verify' (package builds it before the integration tests)");
        }
        Files.createDirectories(LOGS);
        script("doctor-cluster-start", 0, "scripts/cluster", "start", "--workers", "2",
                "--port", String.valueOf(MASTER_PORT), "--webui-port", String.valueOf(MASTER_UI_PORT));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        script("doctor-cluster-stop", 0, "scripts/cluster", "stop");
        assertEquals(List.of(), leftBehind(), "processes left behind");
    }

    @Test
    void theDefaultJobOnTheStandaloneClusterIsAllOk() throws Exception {
        String out = doctor("doctor-submit", 0);
        List<String> table = table(out);
        assertTrue(out.contains("\nall ok"), "expected all ok:\n" + out);
        assertTrue(table.stream().anyMatch(l -> l.matches("ok\\s+2 executors\\s+off-heap limit\\s+.*")), out);
        assertTrue(table.stream().anyMatch(l -> l.matches("ok\\s+2 executors\\s+java flags\\s+.*")), out);
        assertTrue(table.stream().noneMatch(l -> l.startsWith("error") || l.startsWith("warning")), out);
    }

    /**
     * Gradient sharing with the cluster's two executor JVMs on this one host: each reserves a UDP port of its own
     * and reaches the controller. Then, with the first of only two ports taken by this test, the executor that
     * comes second finds none, and the doctor fails naming both ports.
     */
    @Test
    void gradientSharingWithTwoExecutorsOnOneHostIsOkUntilAPortIsTaken() throws Exception {
        int first = UdpPorts.freeRange(2);
        String[] sharing = {"--set", "training.mode=sharing", "--set", "training.sharing.unicast-port=" + first,
                "--set", "training.sharing.unicast-port-count=2"};
        String out = doctor("doctor-submit-sharing", 0, sharing);
        List<String> ports = table(out).stream().filter(l -> l.matches("ok\\s+executor \\d+ \\(127\\.0\\.0\\.1\\)\\s+sharing port\\s+.*"))
                .map(l -> l.replaceAll(".*sharing port\\s+(UDP \\d+) free.*", "$1")).sorted().toList();
        assertEquals(List.of("UDP " + first, "UDP " + (first + 1)), ports, out);
        assertTrue(table(out).stream().anyMatch(l -> l.matches("ok\\s+2 executors\\s+reach driver\\s+.*")), out);
        assertTrue(out.contains("\nall ok"), "expected all ok:\n" + out);

        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), first))) {
            String busy = doctor("doctor-submit-sharing-busy", 2, sharing);
            String error = table(busy).stream().filter(l -> l.matches("error\\s+executor \\d+ \\(127\\.0\\.0\\.1\\)\\s+sharing port\\s+.*"))
                    .findFirst().orElseThrow(() -> new AssertionError("no executor's sharing port error in:\n" + busy));
            assertTrue(error.contains("no free UDP port in " + first + "-" + (first + 1) + " on this host: " + first
                    + " in use (BindException") && error.contains((first + 1) + " held by another JVM on this host"), error);
        }
    }

    private static String doctor(String name, int expected, String... sets) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("scripts/submit", "doctor",
                ROOT.resolve("conf/lenet-fashion-mnist.conf").toString(), "--output", ROOT.resolve("target/it-doctor-run").toString(),
                "--executors", "2", "--master", "spark://127.0.0.1:" + MASTER_PORT));
        command.addAll(List.of(sets));
        String out = script(name, expected, command.toArray(String[]::new));
        System.out.println(String.join("\n", table(out)));
        return out;
    }

    private static List<String> table(String out) {
        return out.lines().filter(l -> l.matches("(ok|warning|error|STATUS) .*")).toList();
    }

    private static List<String> leftBehind() {
        List<String> found = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            String cwd;
            try {
                cwd = Files.readSymbolicLink(Path.of("/proc", String.valueOf(p.pid()), "cwd")).toString();
            } catch (IOException | UnsupportedOperationException e) {
                cwd = "";
            }
            if (cwd.startsWith(STATE.toString())) {
                found.add(p.pid() + " " + p.info().commandLine().orElse(""));
            }
        });
        return found;
    }

    private static String script(String name, int expected, String... command) throws IOException, InterruptedException {
        Path log = LOGS.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().put("SPARKTRAIN_CLUSTER_DIR", STATE.toString());
        Process p = pb.start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            fail(String.join(" ", command) + " did not finish in 5 minutes; see " + log);
        }
        String output = Files.readString(log);
        if (p.exitValue() != expected) {
            fail(String.join(" ", command) + " exited with " + p.exitValue() + " (" + log + "):\n" + output);
        }
        return output;
    }
}
