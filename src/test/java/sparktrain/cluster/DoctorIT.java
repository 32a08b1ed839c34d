package sparktrain.cluster;

import org.junit.jupiter.api.Test;
import sparktrain.testing.TestData;

import java.io.IOException;
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
 * (each its own JVM). Own ports and state dir; run it under {@code flock /tmp/sparktrain-ports.lock}.
 */
class DoctorIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path STATE = ROOT.resolve("target/it-doctor-cluster");
    private static final Path LOGS = ROOT.resolve("target/it-logs");
    private static final int MASTER_PORT = 7277;
    private static final int MASTER_UI_PORT = 8280;

    @Test
    void theDefaultJobOnTheStandaloneClusterIsAllOk() throws Exception {
        TestData.fashionMnist();
        if (!Files.isRegularFile(ROOT.resolve("target/sparktrain-app.jar"))) {
            fail("target/sparktrain-app.jar is missing: run 'mvn verify' (package builds it before the integration tests)");
        }
        Files.createDirectories(LOGS);
        String out;
        try {
            script("doctor-cluster-start", 0, "scripts/cluster", "start", "--workers", "2",
                    "--port", String.valueOf(MASTER_PORT), "--webui-port", String.valueOf(MASTER_UI_PORT));
            out = script("doctor-submit", 0, "scripts/submit", "doctor", ROOT.resolve("conf/lenet-fashion-mnist.conf").toString(),
                    "--output", ROOT.resolve("target/it-doctor-run").toString(),
                    "--executors", "2", "--master", "spark://127.0.0.1:" + MASTER_PORT);
        } finally {
            script("doctor-cluster-stop", 0, "scripts/cluster", "stop");
        }
        List<String> table = out.lines().filter(l -> l.matches("(ok|warning|error|STATUS) .*")).toList();
        System.out.println(String.join("\n", table));
        assertTrue(out.contains("\nall ok"), "expected all ok:\n" + out);
        assertTrue(table.stream().anyMatch(l -> l.matches("ok\\s+2 executors\\s+off-heap limit\\s+.*")), out);
        assertTrue(table.stream().anyMatch(l -> l.matches("ok\\s+2 executors\\s+java flags\\s+.*")), out);
        assertTrue(table.stream().noneMatch(l -> l.startsWith("error") || l.startsWith("warning")), out);
        assertEquals(List.of(), leftBehind(), "processes left behind");
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
