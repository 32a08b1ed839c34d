package sparktrain.driver.doctor;

import org.junit.jupiter.api.Test;
import sparktrain.worker.doctor.ProbeReport;
import sparktrain.worker.sharing.AeronDirectories;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The doctor's shared-memory row: judged where the probed JVM keeps Aeron's logs, ended JVMs' directories counted. */
class SharedMemoryTest {
    private static final long MIB = 1 << 20;

    private static ProbeReport report(String aeronDir, long free, long orphaned) {
        return new ProbeReport("1", "host", 1, "17", List.of(), "cpu", "openblas", 0, 0, 0, Map.of("/tmp", 10_000 * MIB),
                aeronDir, free, orphaned, 0, List.of(), "kryo", "", List.of(), Map.of());
    }

    @Test
    void endedJvmsDirectoriesCountAsFreeUnderSharingOnly() {
        long needed = AeronDirectories.bytesNeeded();
        Finding tight = Doctor.sharedMemory("executor 1", report("/dev/shm", needed - MIB, 0), true);
        assertEquals(Finding.Status.ERROR, tight.status());
        assertEquals("191 MiB free in /dev/shm: Aeron's log buffers need at least 192 MiB per JVM", tight.detail());

        Finding reclaimed = Doctor.sharedMemory("executor 1", report("/dev/shm", needed - MIB, 300 * MIB), true);
        assertEquals(Finding.Status.OK, reclaimed.status(), reclaimed.detail());
        assertEquals("491 MiB free in /dev/shm once sharing removes 300 MiB of ended JVMs' Aeron directories (191 MiB"
                + " now) for Aeron", reclaimed.detail());

        Finding averaging = Doctor.sharedMemory("executor 1", report("/dev/shm", needed - MIB, 300 * MIB), false);
        assertEquals(Finding.Status.OK, averaging.status());
        assertEquals("191 MiB free in /dev/shm (used by gradient sharing's Aeron only)", averaging.detail());
    }

    @Test
    void theRowNamesTheProbedJvmsDirectoryAndTheTempRowStays() {
        List<Finding> rows = Doctor.space("executor 1", report("/tmp", 400 * MIB, 0), true);
        assertEquals(List.of("shared memory", "temp space"), rows.stream().map(Finding::check).toList());
        assertEquals("400 MiB free in /tmp for Aeron", rows.get(0).detail());
        assertEquals(Finding.Status.OK, rows.get(0).status());
        assertEquals(List.of("temp space"), Doctor.space("executor 1", report("/dev/shm", -1, 0), true).stream()
                .map(Finding::check).toList(), "not measured: no shared-memory row (the problem is reported)");
    }
}
