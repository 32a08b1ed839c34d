package sparktrain.worker.sharing;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.testing.UdpPorts;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Executors of one host never take the same gradient-sharing port, nor a port in use, nor the controller's. */
class SharingPortsTest {
    private static final int EXECUTORS = 4;

    @TempDir
    Path tmp;

    /**
     * Four executor JVMs on this host ask their port suppliers at the same moment (each waits for "go" after its JVM
     * started), with the first port of the range taken by another program and the controller port inside it: each
     * gets a port of its own, the same at every call, and the lock file is the real one executors use.
     */
    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES)
    void executorJvmsOfOneHostNeverTakeTheSamePort() throws Exception {
        int first = UdpPorts.freeRange(EXECUTORS + 3);
        int controller = first + 2;
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), first))) {
            List<Process> executors = new ArrayList<>();
            try {
                for (int i = 0; i < EXECUTORS; i++) {
                    executors.add(new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                            "-Dlog4j2.configurationFile=" + Path.of("conf/log4j2.properties").toAbsolutePath(),
                            "-cp", System.getProperty("java.class.path"), Executor.class.getName(),
                            String.valueOf(controller), String.valueOf(first), String.valueOf(EXECUTORS + 3))
                            .redirectError(tmp.resolve("executor-" + i + ".log").toFile()).start());
                }
                List<BufferedReader> outputs = new ArrayList<>();
                for (Process p : executors) {
                    BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
                    assertEquals("ready", out.readLine(), "executor JVM did not start; see " + tmp);
                    outputs.add(out);
                }
                for (Process p : executors) {
                    OutputStream in = p.getOutputStream();
                    in.write("go\n".getBytes(StandardCharsets.UTF_8));
                    in.flush();
                }
                Set<Integer> ports = new HashSet<>();
                for (int i = 0; i < EXECUTORS; i++) {
                    String line = outputs.get(i).readLine();
                    if (line == null) {
                        fail("executor " + i + " ended without a port:\n" + Files.readString(tmp.resolve("executor-" + i + ".log")));
                    }
                    String[] calls = line.split(" ");
                    assertEquals(calls[0], calls[1], "an executor's port changed between two calls");
                    int port = Integer.parseInt(calls[0]);
                    assertTrue(port > first && port < first + EXECUTORS + 3 && port != controller,
                            port + ": outside " + (first + 1) + "-" + (first + EXECUTORS + 2) + " or the controller's");
                    assertTrue(ports.add(port), "two executors took UDP " + port + ": " + ports);
                }
            } finally {
                for (Process p : executors) {
                    p.getOutputStream().close(); // the executor ends, its lock goes with it
                    if (!p.waitFor(30, TimeUnit.SECONDS)) {
                        p.destroyForcibly();
                    }
                }
            }
        }
    }

    @Test
    void aPortHeldByThisJvmOrBoundIsSkippedWithItsReason() throws Exception {
        Path lock = tmp.resolve("ports.lock");
        int first = UdpPorts.freeRange(6);
        try (DatagramSocket bound = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), first + 1))) {
            PortReservation.Reserved a = PortReservation.reserve(lock, first, 4, 0);
            PortReservation.Reserved b = PortReservation.reserve(lock, first, 4, 0);
            assertEquals(first, a.port());
            assertEquals(first + 2, b.port());
            assertEquals(List.of(first + " held by another JVM on this host"), b.skipped().subList(0, 1));
            assertTrue(b.skipped().get(1).startsWith((first + 1) + " in use (BindException"), b.skipped().toString());
            IllegalStateException none = assertThrows(IllegalStateException.class,
                    () -> PortReservation.reserve(lock, first, 3, 0));
            assertTrue(none.getMessage().startsWith("no free UDP port in " + first + "-" + (first + 2) + " on this host: "
                    + first + " held by another JVM on this host, " + (first + 1) + " in use (BindException"), none.getMessage());
            assertEquals(first + 4, PortReservation.reserve(lock, first + 3, 2, first + 3).port(), "the controller port is never taken");
        }
    }


    /** One executor JVM: says ready, waits for go, asks its port supplier twice, holds the port until stdin closes. */
    public static final class Executor {
        public static void main(String[] args) throws IOException {
            SharingPorts ports = new SharingPorts(Integer.parseInt(args[0]), Integer.parseInt(args[1]), Integer.parseInt(args[2]));
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            System.out.println("ready");
            System.out.flush();
            if (!"go".equals(in.readLine())) {
                System.exit(2);
            }
            System.out.println(ports.executorPort() + " " + ports.executorPort());
            System.out.flush();
            while (in.readLine() != null) {
                // hold the port until the test closes stdin
            }
        }
    }
}
