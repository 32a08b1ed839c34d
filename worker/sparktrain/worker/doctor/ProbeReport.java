package sparktrain.worker.doctor;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * What {@link DoctorProbe} found in one JVM (an executor, or the driver). Plain facts; the driver
 * judges them against the job (sparktrain.driver.doctor.Doctor). A field that could not be measured
 * holds its error in {@code problems} under the same name.
 *
 * @param executorId Spark's executor id ("driver" in local mode)
 * @param closedPackages the java.base packages of {@link sparktrain.worker.JavaOpens#PACKAGES} that are not open to unnamed modules
 * @param backend ND4J's backend class, or null when ND4J did not load (see problems "backend")
 * @param maxBytes JavaCPP's off-heap limit (org.bytedeco.javacpp.maxbytes), 0 = none
 * @param maxPhysicalBytes JavaCPP's limit of the whole process (org.bytedeco.javacpp.maxphysicalbytes), 0 = none
 * @param freeBytes usable bytes per temp directory (absent when the directory is missing)
 * @param aeronDir where gradient sharing's Aeron keeps its logs in this JVM: /dev/shm on Linux, else the temp dir
 * @param aeronFreeBytes usable bytes there, -1 when not measured (see problems "space" + aeronDir)
 * @param aeronOrphanedBytes bytes there held by ended JVMs' Aeron directories, which sharing removes before it starts
 * @param sharingPort the UDP port gradient sharing binds in this JVM (the driver: the controller port, if free; an
 *                    executor: the one it reserved), 0 when not checked or none (see problems "port")
 * @param portsSkipped the executor ports passed over before it, each with the reason
 * @param serializer spark.serializer as the executor sees it
 * @param gpus the GPU addresses Spark gave the probe's task (empty when none)
 * @param problems what failed, by the name of the check: "backend", "data", "port", "registrator", "reach", "mask"
 */
public record ProbeReport(
        String executorId,
        String host,
        long pid,
        String javaVersion,
        List<String> closedPackages,
        String backend,
        String blas,
        long heapMax,
        long maxBytes,
        long maxPhysicalBytes,
        Map<String, Long> freeBytes,
        String aeronDir,
        long aeronFreeBytes,
        long aeronOrphanedBytes,
        int sharingPort,
        List<String> portsSkipped,
        String serializer,
        String registrators,
        List<String> gpus,
        Map<String, String> problems) implements Serializable {
}
