package sparktrain.worker.doctor;

import sparktrain.worker.doctor.DoctorProbe;
import sparktrain.worker.doctor.ProbeReport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import sparktrain.testing.Serialization;
import sparktrain.worker.sharing.SharingPorts;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The executor function of the doctor, outside Spark: it must survive Java serialization and report facts. */
class DoctorProbeTest {
    @TempDir
    Path tmp;

    @Test
    void probesThisJvmAfterARoundTripAndItsReportRoundTripsToo() throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Files.writeString(data.resolve("a.txt.gz"), "x");
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
             DatagramSocket driver = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
            driver.setSoTimeout(5000);
            DoctorProbe probe = Serialization.roundTrip(new DoctorProbe(new DoctorProbe.Request(data.toString(), List.of("a.txt"),
                    new SharingPorts(taken.getLocalPort(), 40123, 100), "127.0.0.1", driver.getLocalPort(), "127.0.0.0/8")));
            List<ProbeReport> reports = List.of(probe.call(List.of(1).iterator()).next());
            ProbeReport r = Serialization.roundTrip(reports.get(0));
            assertEquals("driver", r.executorId()); // no SparkEnv here
            assertEquals(List.of(), r.closedPackages(), "surefire starts this JVM with the flags");
            assertEquals("CpuBackend", r.backend());
            assertTrue(r.maxBytes() > 0 && r.heapMax() > 0, r.toString());
            assertEquals(0, r.sharingPort(), r.toString()); // the driver checks the controller port, which is taken
            assertTrue(r.problems().get("port").startsWith("UDP " + taken.getLocalPort() + " is in use (BindException"),
                    r.problems().toString());
            assertNull(r.problems().get("data"), r.problems().toString());
            assertFalse(r.problems().containsKey("mask"), r.problems().toString());
            DatagramPacket packet = new DatagramPacket(new byte[512], 512);
            driver.receive(packet);
            assertEquals("driver@" + r.host() + "#" + r.pid(),
                    new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void namesWhatTheDataPathLacks() throws IOException {
        assertEquals("does not exist", DoctorProbe.dataProblem(tmp.resolve("none").toString(), List.of()));
        assertEquals("an empty directory", DoctorProbe.dataProblem(tmp.toString(), List.of()));
        assertEquals("a directory without b (plain or .gz)", DoctorProbe.dataProblem(
                Files.createDirectories(tmp.resolve("d")).toString(), List.of("b")));
    }

    @Test
    void networkMasks() {
        byte[] a = {10, 1, 2, 3};
        assertTrue(DoctorProbe.samePrefix(a, new byte[] {10, 1, 0, 0}, 16));
        assertFalse(DoctorProbe.samePrefix(a, new byte[] {10, 2, 0, 0}, 16));
    }
}
