package sparktrain.worker.doctor;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.resource.ResourceInformation;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.factory.Nd4j;
import sparktrain.worker.JavaOpens;
import sparktrain.worker.OneDnn;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.worker.sharing.AeronDirectories;
import sparktrain.worker.sharing.SharingPorts;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Executor function for {@code sparktrain doctor}: looks at the JVM it runs in (Java flags, ND4J's
 * backend, JavaCPP's off-heap limits, free space, the gradient-sharing port, the data path, the GPUs
 * Spark assigned) and reports it. The driver runs it itself too ({@link #probe}), for its own JVM.
 */
public final class DoctorProbe implements FlatMapFunction<Iterator<Integer>, ProbeReport> {

    /**
     * What to look at besides the JVM itself.
     *
     * @param dataPath data.path, or "" when the job generates its data
     * @param dataFiles files that must exist under dataPath (empty: any readable file or directory)
     * @param ports gradient sharing's ports: on the driver the controller port must be free, an executor reserves its
     *              own (and then trains on it); null = not sharing
     * @param replyAddress where to send one UDP datagram naming this executor (the driver listens), null = not
     * @param replyPort the driver's listening port
     * @param networkMask training.sharing.network-mask, "" = not checked
     */
    public record Request(String dataPath, List<String> dataFiles, SharingPorts ports, String replyAddress, int replyPort,
                          String networkMask) implements Serializable {
        public Request {
            dataFiles = List.copyOf(dataFiles);
        }
    }

    private final Request request;

    public DoctorProbe(Request request) {
        this.request = request;
    }

    @Override
    public Iterator<ProbeReport> call(Iterator<Integer> ignored) {
        return List.of(probe(request)).iterator();
    }

    /** Probes this JVM. */
    public static ProbeReport probe(Request request) {
        Map<String, String> problems = new LinkedHashMap<>();
        SparkEnv env = SparkEnv.get();
        String executorId = env == null ? "driver" : env.executorId();
        String host = env != null ? env.blockManager().blockManagerId().host() : host();

        List<String> closed = new ArrayList<>();
        Module unnamed = DoctorProbe.class.getClassLoader().getUnnamedModule();
        for (String pkg : JavaOpens.PACKAGES) {
            if (!Object.class.getModule().isOpen(pkg, unnamed)) {
                closed.add(pkg);
            }
        }

        String backend = null;
        String blas = null;
        try {
            backend = Nd4j.getBackend().getClass().getSimpleName();
            Object vendor = Nd4j.getExecutioner().getEnvironmentInformation().get("blas.vendor");
            blas = (vendor == null ? "unknown" : vendor.toString())
                    + (OneDnn.inUse() ? ", layers through oneDNN" : ", layers without oneDNN (3-4x slower convolutions)");
        } catch (Throwable e) {
            problems.put("backend", oneLine(e));
        }

        long maxBytes = -1;
        long maxPhysical = -1;
        try {
            maxBytes = Pointer.maxBytes();
            maxPhysical = Pointer.maxPhysicalBytes();
        } catch (Throwable e) {
            problems.put("javacpp", oneLine(e));
        }

        String aeronDir = AeronDirectories.parent().getPath();
        long aeronFree = -1;
        long aeronOrphaned = 0;
        try {
            aeronFree = Files.getFileStore(java.nio.file.Path.of(aeronDir)).getUsableSpace();
            aeronOrphaned = AeronDirectories.orphanedBytes();
        } catch (IOException | RuntimeException e) {
            problems.put("space " + aeronDir, oneLine(e));
        }

        Map<String, Long> free = new LinkedHashMap<>();
        List<String> dirs = new ArrayList<>();
        dirs.add(System.getProperty("java.io.tmpdir"));
        if (env != null) {
            SparkConf conf = env.conf();
            String local = System.getenv("SPARK_LOCAL_DIRS") != null ? System.getenv("SPARK_LOCAL_DIRS")
                    : conf.get("spark.local.dir", "");
            for (String d : local.split(",")) {
                if (!d.isBlank() && !dirs.contains(d.trim())) {
                    dirs.add(d.trim());
                }
            }
        }
        for (String d : dirs) {
            try {
                java.nio.file.Path p = java.nio.file.Path.of(d);
                if (Files.isDirectory(p)) {
                    free.put(d, Files.getFileStore(p).getUsableSpace());
                }
            } catch (IOException | RuntimeException e) {
                problems.put("space " + d, oneLine(e));
            }
        }

        SharingPorts.Check port = null;
        if (request.ports() != null) {
            port = request.ports().check();
            if (port.problem() != null) {
                problems.put("port", port.problem());
            }
        }
        if (!request.networkMask().isBlank() && !inMask(request.networkMask())) {
            problems.put("mask", "no network interface of " + host + " is in " + request.networkMask());
        }
        if (request.replyAddress() != null) {
            String message = executorId + "@" + host + "#" + pid();
            byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
            try (DatagramSocket socket = new DatagramSocket()) {
                // UDP may drop one; the driver counts each sender once
                for (int i = 0; i < 3; i++) {
                    socket.send(new DatagramPacket(bytes, bytes.length,
                            InetAddress.getByName(request.replyAddress()), request.replyPort()));
                }
            } catch (IOException e) {
                problems.put("reach", oneLine(e));
            }
        }

        if (!request.dataPath().isBlank()) {
            String problem = dataProblem(request.dataPath(), request.dataFiles());
            if (problem != null) {
                problems.put("data", problem);
            }
        }

        String serializer = "";
        String registrators = "";
        if (env != null) {
            serializer = env.conf().get("spark.serializer", "org.apache.spark.serializer.JavaSerializer");
            registrators = env.conf().get("spark.kryo.registrator", "");
            for (String r : registrators.split(",")) {
                if (!r.isBlank()) {
                    try {
                        Class.forName(r.trim(), false, Thread.currentThread().getContextClassLoader());
                    } catch (Throwable e) {
                        problems.put("registrator", r.trim() + ": class not found on this executor (" + oneLine(e) + ")");
                    }
                }
            }
        }

        List<String> gpus = new ArrayList<>();
        TaskContext task = TaskContext.get();
        if (task != null) {
            scala.Option<ResourceInformation> gpu = task.resources().get("gpu");
            if (gpu.isDefined()) {
                Collections.addAll(gpus, gpu.get().addresses());
            }
        }

        return new ProbeReport(executorId, host, pid(), System.getProperty("java.version"), closed, backend, blas,
                Runtime.getRuntime().maxMemory(), maxBytes, maxPhysical, free, aeronDir, aeronFree, aeronOrphaned,
                port == null ? 0 : port.port(),
                port == null ? List.of() : port.skipped(), serializer, registrators, gpus,
                problems);
    }

    /**
     * Null when {@code path} can be read: a file whose first byte reads, or a directory that lists and
     * holds {@code files} (each plain or .gz); else what is wrong.
     */
    public static String dataProblem(String path, List<String> files) {
        try {
            Path p = HadoopFiles.path(path);
            FileSystem fs = HadoopFiles.fileSystem(p);
            if (!fs.exists(p)) {
                return "does not exist";
            }
            FileStatus status = fs.getFileStatus(p);
            if (status.isFile()) {
                try (InputStream in = fs.open(p)) {
                    in.read();
                }
                return null;
            }
            List<String> names = new ArrayList<>();
            for (FileStatus f : fs.listStatus(p)) {
                names.add(f.getPath().getName());
            }
            List<String> missing = new ArrayList<>();
            for (String f : files) {
                String name = names.contains(f) ? f : names.contains(f + ".gz") ? f + ".gz" : null;
                if (name == null) {
                    missing.add(f);
                } else {
                    try (InputStream in = fs.open(new Path(p, name))) {
                        in.read();
                    }
                }
            }
            if (!missing.isEmpty()) {
                return "a directory without " + String.join(", ", missing) + " (plain or .gz)";
            }
            if (files.isEmpty() && names.isEmpty()) {
                return "an empty directory";
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "cannot read: " + oneLine(e);
        }
    }

    private static boolean inMask(String mask) {
        try {
            String[] parts = mask.split("/");
            byte[] net = InetAddress.getByName(parts[0]).getAddress();
            int bits = Integer.parseInt(parts[1]);
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InterfaceAddress a : nic.getInterfaceAddresses()) {
                    byte[] addr = a.getAddress().getAddress();
                    if (addr.length == net.length && samePrefix(addr, net, bits)) {
                        return true;
                    }
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    static boolean samePrefix(byte[] a, byte[] b, int bits) {
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >> (i % 8);
            if ((a[i / 8] & mask) != (b[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static String host() {
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long pid() {
        return ProcessHandle.current().pid();
    }

    static String oneLine(Throwable e) {
        String m = e.getMessage() == null ? "" : ": " + e.getMessage().lines().findFirst().orElse("");
        return e.getClass().getSimpleName() + m;
    }
}
