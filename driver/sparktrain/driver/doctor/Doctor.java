package sparktrain.driver.doctor;

import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.driver.training.TrainingSession;
import sparktrain.worker.ExitCode;
import sparktrain.worker.JavaOpens;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.SharingConfig;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.worker.model.NetworkFactory;
import sparktrain.driver.SparkContexts;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.data.FashionMnist;
import sparktrain.worker.doctor.DoctorProbe;
import sparktrain.worker.doctor.ProbeReport;
import sparktrain.worker.sharing.AeronDirectories;
import sparktrain.worker.sharing.PortReservation;
import sparktrain.worker.sharing.SharingPorts;

import java.io.File;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * {@code sparktrain doctor}: checks, before any training, what DL4J-on-Spark jobs otherwise find out
 * minutes into a run. First the driver (its Java flags, ND4J, the Spark settings, the data and output
 * paths, GPU discovery), then, with a SparkContext, every executor through {@link DoctorProbe}.
 */
public final class Doctor {
    private static final Logger log = LoggerFactory.getLogger(Doctor.class);
    static final long MIB = 1L << 20;
    /** Executor JVMs start slowly on a busy machine (ND4J's natives, the application jar): a minute is not enough. */
    static final int REGISTRATION_SECONDS = 180;
    /**
     * ND4J's working memory beyond the network's own arrays (workspaces, minibatch activations). Measured:
     * an MLP of 51k parameters, batch 32, trains with maxbytes 16m but stalls (JavaCPP collecting garbage
     * before every allocation) with 4m or 1m.
     */
    static final long WORKING_BYTES = 8 * MIB;
    static final long TEMP_ERROR = 100 * MIB;
    static final long TEMP_WARNING = 1024 * MIB;
    /** The executors hold the training set twice: its rows (serialized) and the epoch's minibatches DL4J caches. */
    static final int EXECUTOR_COPIES = 2;
    /** The heap Spark keeps for itself before spark.memory.fraction applies (its RESERVED_SYSTEM_MEMORY_BYTES). */
    static final long SPARK_RESERVED_BYTES = 300 * MIB;
    private static final String OPENS_FIX_DRIVER = "start the driver JVM with the --add-opens flags of " + JavaOpens.FILE
            + " (scripts/sparktrain and scripts/submit do; with spark-submit: spark.driver.extraJavaOptions)";
    private static final String OPENS_FIX_EXECUTOR = "add the --add-opens flags of " + JavaOpens.FILE + " to"
            + " spark.executor.extraJavaOptions (scripts/submit does)";

    private Doctor() {
    }

    /** The whole check, as the doctor command runs it: the driver, then (when it is sound) every executor. */
    public static Report run(JobConfig job, String masterOverride, String output) {
        return run(job, masterOverride, output, 0);
    }

    /**
     * @param executors executors to wait for before probing; 0 = spark.executor.instances, else until
     *                  none has joined for 5 s
     */
    public static Report run(JobConfig job, String masterOverride, String output, int executors) {
        SparkConf conf = SparkContexts.conf(job, masterOverride);
        List<Finding> findings = new ArrayList<>(driver(job, conf, output));
        if (findings.stream().anyMatch(f -> f.status() == Finding.Status.ERROR)) {
            findings.add(Finding.warning("executors", "not probed", "the driver's errors come first",
                    "fix the errors above and run doctor again"));
            return new Report(findings);
        }
        if (local(conf)) {
            findings.add(Finding.ok("executors", "local mode", "tasks run in the driver's JVM, checked above"));
            return new Report(findings);
        }
        try (JavaSparkContext sc = SparkContexts.start(job, masterOverride)) {
            findings.addAll(executors(job, sc, true, executors));
        }
        return new Report(findings).mergeExecutors();
    }

    /** For {@code train}: the driver's checks but the data's; errors throw (exit 2), warnings are logged. */
    public static void preflight(JobConfig job, String masterOverride, String output) {
        long start = System.nanoTime();
        // a missing or unreadable data set is the readers' to report, with exit 3 and the file and record
        enforce(new Report(driver(job, SparkContexts.conf(job, masterOverride), output).stream()
                .filter(f -> !f.check().equals("data path")).toList()));
        log.info("doctor: driver checks passed in {} ms (the data path is left to the readers)",
                (System.nanoTime() - start) / 1_000_000);
    }

    /** For {@code train}: a light probe of the executors already registered; errors throw, warnings are logged. */
    public static void probe(JobConfig job, JavaSparkContext sc) {
        if (sc.isLocal()) {
            return; // the executors are the driver's JVM, already checked
        }
        long start = System.nanoTime();
        enforce(new Report(executors(job, sc, false, 0)).mergeExecutors());
        log.info("doctor: executor checks passed in {} ms", (System.nanoTime() - start) / 1_000_000);
    }

    private static void enforce(Report report) {
        report.with(Finding.Status.WARNING).forEach(f -> log.warn("doctor: {}", f.line()));
        List<Finding> errors = report.with(Finding.Status.ERROR);
        if (!errors.isEmpty()) {
            List<String> lines = new ArrayList<>();
            errors.forEach(f -> lines.add("doctor: " + f.line()));
            lines.add("doctor: the job would fail; run 'sparktrain doctor' for the full table, or train with --skip-doctor");
            throw new SparktrainException(ExitCode.USAGE, lines);
        }
    }

    // ---- the driver ------------------------------------------------------------------------------------

    static List<Finding> driver(JobConfig job, SparkConf conf, String output) {
        boolean local = local(conf);
        boolean sharing = TrainingSession.Mode.of(job.training()) == TrainingSession.Mode.SHARING;
        List<Finding> out = new ArrayList<>();
        ProbeReport me = DoctorProbe.probe(new DoctorProbe.Request(dataPath(job), dataFiles(job),
                sharing ? ports(job.training().sharing()) : null, null, 0,
                sharing ? job.training().sharing().networkMask() : ""));
        String where = local ? "driver (and local executors)" : "driver";
        out.add(flags(where, me, OPENS_FIX_DRIVER));
        out.add(backend(where, me));
        out.add(local ? offHeap(where, me, need(job), null, conf)
                : Finding.ok("driver", "off-heap limit", "maxbytes " + mib(me.maxBytes()) + ", maxphysicalbytes "
                + mib(me.maxPhysicalBytes()) + " (the driver only averages; the executors train)"));
        out.add(kryo(conf));
        out.addAll(space(where, me, sharing));
        if (sharing) {
            out.addAll(sharingOnDriver(job.training().sharing(), me, conf));
        }
        out.add(data(job, "driver", me));
        out.add(local ? dataSize(where, DataSize.of(job), me.heapMax(), 1, conf, DRIVER_MEMORY_FIX)
                : Finding.ok("driver", "data size", "the executors read and hold the data (checked on each)"));
        out.add(output(output != null ? output : !job.outputDir().isBlank() ? job.outputDir()
                : RunOutputs.defaultDirectory(job.name())));
        out.add(gpuDiscovery(conf, local));
        return out;
    }

    static boolean local(SparkConf conf) {
        return SparkContexts.localMode(conf.get("spark.master"));
    }

    static Finding flags(String where, ProbeReport r, String fix) {
        if (r.closedPackages().isEmpty()) {
            return Finding.ok(where, "java flags", "Java " + r.javaVersion() + ", all " + JavaOpens.PACKAGES.size()
                    + " --add-opens in effect");
        }
        return Finding.error(where, "java flags", "Java " + r.javaVersion() + " without --add-opens=java.base/PKG=ALL-UNNAMED"
                + " for " + String.join(", ", r.closedPackages()) + " (" + r.closedPackages().size() + " of "
                + JavaOpens.PACKAGES.size() + "; Spark and ND4J fail with InaccessibleObjectException)", fix);
    }

    static Finding backend(String where, ProbeReport r) {
        if (r.backend() == null) {
            return Finding.error(where, "ND4J backend", "does not load: " + r.problems().get("backend"),
                    "put nd4j-native with its linux-x86_64 classifier on the class path (target/sparktrain-app.jar has it)");
        }
        return Finding.ok(where, "ND4J backend", r.backend() + ", BLAS " + r.blas());
    }

    /** Bytes the network's arrays take off-heap while training: parameters, gradients, updater state, a copy. */
    static long need(JobConfig job) {
        long params;
        try {
            if (!job.data().type().equals("fashion-mnist")) {
                return WORKING_BYTES; // the input size is known only after reading the data
            }
            Model network = NetworkFactory.build(job.model(), job.training(), job.seed(), FashionMnist.SHAPE);
            params = network.numParams();
        } catch (RuntimeException | LinkageError e) {
            return WORKING_BYTES;
        }
        int states = switch (job.training().updater()) {
            case "adam" -> 2;
            case "sgd" -> 0;
            default -> 1;
        };
        return WORKING_BYTES + 4L * params * (3 + states);
    }

    /**
     * JavaCPP refuses allocations beyond maxbytes (ND4J then fails with OutOfMemoryError); a cluster
     * manager kills an executor whose process outgrows spark.executor.memory + memoryOverhead.
     *
     * @param master null for local mode
     */
    static Finding offHeap(String where, ProbeReport r, long need, String master, SparkConf conf) {
        String limits = "maxbytes " + mib(r.maxBytes()) + ", maxphysicalbytes " + mib(r.maxPhysicalBytes());
        String options = master == null ? "the driver's java options (SPARKTRAIN_JAVA_OPTS)" : "spark.executor.extraJavaOptions";
        if (r.maxBytes() < 0) {
            return Finding.error(where, "off-heap limit", "JavaCPP did not load: " + r.problems().get("javacpp"),
                    "put JavaCPP (org.bytedeco:javacpp) on the class path");
        }
        if (r.maxBytes() > 0 && r.maxBytes() < need) {
            return Finding.error(where, "off-heap limit", limits + ": below the " + mib(need)
                    + " the network needs off-heap (parameters, gradients, updater state, working memory)",
                    "raise -Dorg.bytedeco.javacpp.maxbytes in " + options + " to at least " + mib(2 * need)
                            + " (or remove it: the default is the heap size)");
        }
        if (r.maxPhysicalBytes() > 0 && r.maxPhysicalBytes() < r.heapMax() + need) {
            return Finding.error(where, "off-heap limit", limits + ": maxphysicalbytes is below heap " + mib(r.heapMax())
                    + " + the " + mib(need) + " the network needs off-heap",
                    "raise -Dorg.bytedeco.javacpp.maxphysicalbytes in " + options + " to at least "
                            + mib(r.heapMax() + 2 * need));
        }
        if (master == null) {
            return Finding.ok(where, "off-heap limit", limits + ", heap " + mib(r.heapMax()) + "; the network needs about "
                    + mib(need));
        }
        long memory = conf.getSizeAsMb("spark.executor.memory", "1g") * MIB;
        long overhead = conf.contains("spark.executor.memoryOverhead")
                ? conf.getSizeAsMb("spark.executor.memoryOverhead", "384m") * MIB
                : Math.max(384 * MIB, (long) (memory * conf.getDouble("spark.executor.memoryOverheadFactor", 0.1)));
        long container = memory + overhead;
        long physical = r.maxPhysicalBytes() > 0 ? r.maxPhysicalBytes() : r.heapMax() + r.maxBytes();
        String sizes = limits + ", heap " + mib(r.heapMax()) + "; spark.executor.memory " + mib(memory)
                + " + memoryOverhead " + mib(overhead) + " = " + mib(container);
        boolean enforced = master.startsWith("yarn") || master.startsWith("k8s");
        if (enforced && physical > container) {
            return Finding.error(where, "off-heap limit", sizes + ": JavaCPP lets the executor grow to " + mib(physical)
                    + " and " + (master.startsWith("yarn") ? "YARN" : "Kubernetes") + " kills it above " + mib(container),
                    "set spark.executor.memoryOverhead to at least " + mib(physical - memory)
                            + " (or lower -Dorg.bytedeco.javacpp.maxbytes/maxphysicalbytes in spark.executor.extraJavaOptions)");
        }
        return Finding.ok(where, "off-heap limit", sizes + (enforced ? "" : " (not enforced by " + managerName(master) + ")")
                + "; the network needs about " + mib(need));
    }

    private static String managerName(String master) {
        return master.startsWith("spark://") ? "standalone" : master.startsWith("local-cluster") ? "local-cluster" : master;
    }

    static Finding kryo(SparkConf conf) {
        String serializer = conf.get("spark.serializer", "org.apache.spark.serializer.JavaSerializer");
        if (!serializer.equals(SparkContexts.KRYO)) {
            return Finding.ok("spark", "serializer", serializer.substring(serializer.lastIndexOf('.') + 1)
                    + " (spark.kryo = false)");
        }
        String registrators = conf.get("spark.kryo.registrator", "");
        if (!List.of(registrators.split(",")).contains(SparkContexts.ND4J_REGISTRATOR)) {
            return Finding.error("spark", "serializer", "Kryo without ND4J's registrator (spark.kryo.registrator = \""
                    + registrators + "\"): INDArrays would be corrupted", "set spark.kryo = true in the job file"
                    + " (it adds " + SparkContexts.ND4J_REGISTRATOR + ") or add it to spark.kryo.registrator");
        }
        return Finding.ok("spark", "serializer", "Kryo with " + registrators);
    }

    static List<Finding> space(String where, ProbeReport r, boolean sharing) {
        List<Finding> out = new ArrayList<>();
        if (r.aeronFreeBytes() >= 0) {
            out.add(sharedMemory(where, r, sharing));
        }
        for (Map.Entry<String, Long> e : r.freeBytes().entrySet()) {
            long free = e.getValue();
            String detail = mib(free) + " free in " + e.getKey();
            if (free < TEMP_ERROR) {
                out.add(Finding.error(where, "temp space", detail + ": Spark spills and DL4J exports there",
                        "point spark.local.dir (and -Djava.io.tmpdir) at a disk with space"));
            } else if (free < TEMP_WARNING) {
                out.add(Finding.warning(where, "temp space", detail + ": below " + mib(TEMP_WARNING),
                        "point spark.local.dir (and -Djava.io.tmpdir) at a disk with space"));
            } else {
                out.add(Finding.ok(where, "temp space", detail));
            }
        }
        return out;
    }

    /**
     * Room for gradient sharing's Aeron logs where this JVM keeps them, counting ended JVMs' Aeron directories as
     * free: sharing removes them before it checks ({@link AeronDirectories#prepare}).
     */
    static Finding sharedMemory(String where, ProbeReport r, boolean sharing) {
        String detail = mib(r.aeronFreeBytes()) + " free in " + r.aeronDir();
        if (!sharing) {
            return Finding.ok(where, "shared memory", detail + " (used by gradient sharing's Aeron only)");
        }
        long free = r.aeronFreeBytes() + r.aeronOrphanedBytes();
        if (r.aeronOrphanedBytes() > 0) {
            detail = mib(free) + " free in " + r.aeronDir() + " once sharing removes " + mib(r.aeronOrphanedBytes())
                    + " of ended JVMs' Aeron directories (" + mib(r.aeronFreeBytes()) + " now)";
        }
        if (free < AeronDirectories.bytesNeeded()) {
            return Finding.error(where, "shared memory", detail + ": Aeron's log buffers need at least "
                    + mib(AeronDirectories.bytesNeeded()) + " per JVM",
                    "enlarge /dev/shm (docker run --shm-size=1g; mount -o remount,size=1g /dev/shm)");
        }
        if (free < 2 * AeronDirectories.bytesNeeded()) {
            return Finding.warning(where, "shared memory", detail + ": tight for Aeron with several workers",
                    "enlarge /dev/shm to 1 GiB (docker run --shm-size=1g)");
        }
        return Finding.ok(where, "shared memory", detail + " for Aeron");
    }

    static List<Finding> sharingOnDriver(SharingConfig s, ProbeReport me, SparkConf conf) {
        List<Finding> out = new ArrayList<>();
        out.add(controllerPort(s.controllerPort(), me));
        String controller = s.controllerAddress().isBlank() ? conf.get("spark.driver.host", "") : s.controllerAddress();
        String key = s.controllerAddress().isBlank() ? "spark.driver.host" : "training.sharing.controller-address";
        if (controller.isBlank()) {
            try {
                controller = InetAddress.getLocalHost().getHostAddress();
                key = "the local host name";
            } catch (IOException e) {
                controller = "";
            }
        }
        try {
            InetAddress address = InetAddress.getByName(controller);
            if (!address.isAnyLocalAddress() && NetworkInterface.getByInetAddress(address) == null) {
                out.add(Finding.error("driver", "controller address", controller + " (" + key
                                + ") is not an address of this machine: the executors would send their updates elsewhere",
                        "set training.sharing.controller-address to an IP of the driver the executors reach"));
            } else {
                out.add(Finding.ok("driver", "controller address", controller + " (" + key + ")"));
            }
        } catch (IOException e) {
            out.add(Finding.error("driver", "controller address", controller + " (" + key + ") does not resolve: "
                    + e.getMessage(), "set training.sharing.controller-address to the driver's IP"));
        }
        if (me.problems().containsKey("mask")) {
            out.add(Finding.error("driver", "network mask", me.problems().get("mask"),
                    "set training.sharing.network-mask to the subnet of the driver's and executors' interface, or \"\""));
        }
        return out;
    }

    static SharingPorts ports(SharingConfig s) {
        return new SharingPorts(s.controllerPort(), s.unicastPort(), s.unicastPortCount());
    }

    /** The driver binds the controller port. */
    static Finding controllerPort(int port, ProbeReport r) {
        if (r.problems().containsKey("port")) {
            return Finding.error("driver", "sharing port", r.problems().get("port"),
                    "set training.sharing.controller-port to a free port");
        }
        return Finding.ok("driver", "sharing port", "UDP " + port + " free (training.sharing.controller-port)");
    }

    /**
     * Each executor binds a port of its own, the first of unicast-port .. + unicast-port-count - 1 that no other JVM
     * of its host holds and nothing has bound; the probe reserved it, so a training in these executors binds it.
     * Two executors of one host with the same port did not see each other's lock file.
     */
    static Finding executorPort(String where, SharingConfig s, ProbeReport r, Map<String, List<String>> byHostPort) {
        String range = s.unicastPort() + "-" + s.lastUnicastPort();
        if (r.problems().containsKey("port")) {
            return Finding.error(where, "sharing port", r.problems().get("port"), "raise training.sharing.unicast-port-count"
                    + " (executors of one host take one port each) or free ports of " + range);
        }
        List<String> same = byHostPort.get(r.host() + ":" + r.sharingPort());
        if (same.size() > 1) {
            return Finding.error(where, "sharing port", "executors " + String.join(" and ", same) + " on host " + r.host()
                            + " both took UDP " + r.sharingPort() + ": they do not share the lock file "
                            + PortReservation.LOCK_FILE,
                    "give the executors of one host the same /tmp, or run one executor per host");
        }
        return Finding.ok(where, "sharing port", "UDP " + r.sharingPort() + " free, reserved for this executor (of "
                + range + ")" + (r.portsSkipped().isEmpty() ? "" : "; skipped " + PortReservation.list(r.portsSkipped())));
    }

    static String dataPath(JobConfig job) {
        return job.data().type().equals("sine") ? "" : job.data().path();
    }

    static List<String> dataFiles(JobConfig job) {
        return job.data().type().equals("fashion-mnist")
                ? List.of("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")
                : List.of();
    }

    static Finding data(JobConfig job, String where, ProbeReport r) {
        if (dataPath(job).isEmpty()) {
            return Finding.ok(where, "data path", "none: data.type = sine generates its data");
        }
        String problem = r.problems().get("data");
        if (problem != null) {
            return Finding.error(where, "data path", "data.path = " + job.data().path() + ": " + problem,
                    "set data.path to " + (where.equals("driver") ? "" : "a path every executor can read: ")
                            + (job.data().type().equals("fashion-mnist")
                            ? "the directory holding the four Fashion-MNIST IDX files" : "the data"));
        }
        return Finding.ok(where, "data path", job.data().path() + " readable");
    }

    static final String DRIVER_MEMORY_FIX = "raise SPARKTRAIN_DRIVER_MEMORY (scripts/sparktrain) or spark.driver.memory"
            + " (spark-submit), or lower data.train-limit";

    /**
     * Whether the Spark memory of an executor (spark.memory.fraction of its heap less 300 MiB; in local mode the
     * driver's) holds its share of the training set, {@link #EXECUTOR_COPIES} times: the rows, kept serialized, and
     * the epoch's minibatches, which DL4J's training master caches as they are. What does not fit spills to disk
     * or is computed again every round: slow, or out of memory. Four copies of Fashion-MNIST (654 MiB as floats)
     * ran out of a 2 GiB local heap when the driver still shipped the data.
     */
    static Finding dataSize(String where, DataSize.Estimate size, long heap, int executors, SparkConf conf, String fix) {
        if (size == null) {
            return Finding.ok(where, "data size", "not estimated for this data type");
        }
        long share = size.bytes() / Math.max(1, executors);
        long memory = (long) ((heap - SPARK_RESERVED_BYTES) * conf.getDouble("spark.memory.fraction", 0.6));
        String detail = "the training set is about " + mib(size.bytes()) + " as float minibatches (" + size.examples()
                + (executors > 1 ? "), " + mib(share) + " per executor of " + executors : ")") + ", held about "
                + EXECUTOR_COPIES + " times (its rows and the epoch's minibatches): about " + mib(EXECUTOR_COPIES * share)
                + " of Spark's " + mib(memory) + " (spark.memory.fraction of a " + mib(heap) + " heap less 300 MiB)";
        if (EXECUTOR_COPIES * share > memory) {
            return Finding.warning(where, "data size", detail + ": it spills to disk and is computed again every"
                    + " round (slow), or runs out of memory", fix);
        }
        return Finding.ok(where, "data size", detail);
    }

    static Finding output(String location) {
        String problem = outputProblem(location);
        if (problem != null) {
            return Finding.error("driver", "output path", location + ": " + problem,
                    "give --output (or output.dir) a directory the driver can create and write");
        }
        return Finding.ok("driver", "output path", location + " writable");
    }

    /** Null when a file can be created in {@code location}, or in its nearest existing ancestor if it is new. */
    static String outputProblem(String location) {
        Path existing = null;
        try {
            Path dir = HadoopFiles.path(location);
            FileSystem fs = HadoopFiles.fileSystem(dir);
            if (!dir.isAbsolute()) {
                dir = fs.makeQualified(dir);
            }
            existing = dir;
            while (!fs.exists(existing)) {
                existing = existing.getParent();
                if (existing == null) {
                    return "no part of the path exists";
                }
            }
            if (!fs.getFileStatus(existing).isDirectory()) {
                return existing + " is a file, not a directory";
            }
            Path probe = new Path(existing, ".sparktrain-doctor-" + UUID.randomUUID());
            try {
                HadoopFiles.writeAtomically(probe, "doctor");
            } finally {
                fs.delete(probe, false);
            }
            return null;
        } catch (IOException | RuntimeException e) {
            return "cannot write " + (existing == null ? "there" : "in " + existing) + ": " + HadoopFiles.reason(e);
        }
    }

    /** Spark runs the discovery script on every executor; one that finds no GPU leaves executors hanging. */
    static Finding gpuDiscovery(SparkConf conf, boolean local) {
        String amount = conf.get("spark.executor.resource.gpu.amount", "");
        if (amount.isBlank()) {
            return Finding.ok("driver", "GPU discovery", "not configured (spark.executor.resource.gpu.amount unset): CPU");
        }
        String script = conf.get("spark.executor.resource.gpu.discoveryScript", "");
        String fix = "point spark.executor.resource.gpu.discoveryScript at scripts/gpu-discovery.sh on every node"
                + " with an NVIDIA driver, or unset spark.executor.resource.gpu.amount";
        if (script.isBlank()) {
            return Finding.error("driver", "GPU discovery", "spark.executor.resource.gpu.amount = " + amount
                    + " but no spark.executor.resource.gpu.discoveryScript", fix);
        }
        if (!new File(script).canExecute()) {
            return Finding.error("driver", "GPU discovery", script + ": " + (new File(script).exists()
                    ? "not executable" : "not found") + " on the driver (it must exist on every node)", fix);
        }
        try {
            Process p = new ProcessBuilder(script).redirectErrorStream(true).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return Finding.error("driver", "GPU discovery", script + " did not finish in 30 s", fix);
            }
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            String firstLine = text.lines().findFirst().orElse("");
            if (p.exitValue() != 0) {
                return Finding.error("driver", "GPU discovery", script + " exited " + p.exitValue() + ": " + firstLine, fix);
            }
            Matcher m = Pattern.compile("\"addresses\"\\s*:\\s*\\[([^]]*)]").matcher(text);
            int found = !m.find() || m.group(1).isBlank() ? 0 : m.group(1).split(",").length;
            double wanted = Double.parseDouble(amount);
            if (found < wanted) {
                return Finding.error("driver", "GPU discovery", script + " found " + found + " GPU(s) on the driver's"
                        + " node; each executor asks for " + amount + ": " + firstLine, fix);
            }
            return Finding.ok("driver", "GPU discovery", script + " found " + found + " GPU(s)"
                    + (local ? " (local mode does not schedule executor GPUs)" : ""));
        } catch (IOException | InterruptedException | NumberFormatException e) {
            return Finding.error("driver", "GPU discovery", script + ": " + e.getMessage(), fix);
        }
    }

    // ---- the executors ---------------------------------------------------------------------------------

    /**
     * Runs {@link DoctorProbe} once in every executor JVM: enough one-element partitions that every
     * executor gets some, deduplicated by executor id.
     *
     * @param full wait for the executors to register (the doctor command); false probes those already there
     */
    static List<Finding> executors(JobConfig job, JavaSparkContext sc, boolean full, int expected) {
        List<Finding> out = new ArrayList<>();
        if (sc.isLocal()) {
            out.add(Finding.ok("executors", "local mode", "tasks run in the driver's JVM, checked above"));
            return out;
        }
        int registered = full ? SparkContexts.awaitExecutors(sc, expected, REGISTRATION_SECONDS)
                : SparkContexts.executorIds(sc).size();
        if (full && registered == 0) {
            out.add(Finding.error("executors", "registration", "no executor registered with " + sc.master() + " in "
                            + REGISTRATION_SECONDS + " s",
                    "give the cluster free cores and memory for spark.executor.memory = "
                            + sc.getConf().get("spark.executor.memory", "1g") + " (or lower it)"));
            return out;
        }
        boolean sharing = TrainingSession.Mode.of(job.training()) == TrainingSession.Mode.SHARING;
        SharingConfig s = job.training().sharing();
        long need = need(job);
        Map<String, ProbeReport> byExecutor = new LinkedHashMap<>();
        List<String> known = SparkContexts.executorIds(sc);
        Set<String> heard = Collections.synchronizedSet(new HashSet<>());
        try (Listener listener = sharing ? new Listener(controller(s, sc), heard) : null) {
            DoctorProbe.Request request = new DoctorProbe.Request(dataPath(job), dataFiles(job),
                    sharing ? ports(s) : null, listener == null ? null : listener.address,
                    listener == null ? 0 : listener.port, sharing ? s.networkMask() : "");
            int partitions = Math.max(2, Math.max(registered, sc.defaultParallelism()) * (full ? 4 : 2));
            List<Integer> slots = new ArrayList<>();
            for (int i = 0; i < partitions; i++) {
                slots.add(i);
            }
            sc.setJobDescription("sparktrain: doctor");
            try {
                for (ProbeReport r : sc.parallelize(slots, partitions).mapPartitions(new DoctorProbe(request)).collect()) {
                    byExecutor.putIfAbsent(r.executorId(), r);
                }
            } finally {
                sc.setJobDescription(null);
            }
            if (listener != null) {
                listener.awaitQuiet();
            }
        } catch (IOException e) {
            out.add(Finding.error("driver", "controller address", "cannot listen on " + controller(s, sc) + ": "
                    + e.getMessage(), "set training.sharing.controller-address to an IP of the driver"));
        }
        out.addAll(unprobed(known, byExecutor.keySet()));
        Map<String, List<String>> byHostPort = new LinkedHashMap<>();
        byExecutor.values().forEach(r -> byHostPort.computeIfAbsent(r.host() + ":" + r.sharingPort(), k -> new ArrayList<>())
                .add(r.executorId()));
        DataSize.Estimate size = DataSize.of(job);
        for (ProbeReport r : byExecutor.values()) {
            String where = "executor " + r.executorId() + " (" + r.host() + ")";
            out.add(flags(where, r, OPENS_FIX_EXECUTOR));
            out.add(backend(where, r));
            out.add(offHeap(where, r, need, sc.master(), sc.getConf()));
            out.add(executorKryo(where, r));
            out.addAll(space(where, r, sharing));
            if (sharing) {
                out.add(executorPort(where, s, r, byHostPort));
                String id = r.executorId() + "@" + r.host() + "#" + r.pid();
                if (heard.contains(id)) {
                    out.add(Finding.ok(where, "reach driver", "UDP to the controller arrived"));
                } else {
                    out.add(Finding.error(where, "reach driver", "UDP from this executor to the controller did not arrive"
                                    + (r.problems().containsKey("reach") ? " (" + r.problems().get("reach") + ")" : ""),
                            "set training.sharing.controller-address to a driver IP the executors reach (and open UDP "
                                    + s.controllerPort() + " on the driver in the firewall)"));
                }
                if (r.problems().containsKey("mask")) {
                    out.add(Finding.error(where, "network mask", r.problems().get("mask"),
                            "set training.sharing.network-mask to the executors' subnet, or \"\""));
                }
            }
            out.add(data(job, where, r));
            out.add(dataSize(where, size, r.heapMax(), byExecutor.size(), sc.getConf(),
                    "raise spark.executor.memory, or lower data.train-limit"));
            out.add(executorGpu(where, r, sc.getConf()));
        }
        return out;
    }

    /** An error row for each executor registered with the SparkContext that sent no probe report: it went unchecked. */
    static List<Finding> unprobed(List<String> registered, Set<String> probed) {
        return registered.stream().filter(id -> !probed.contains(id))
                .map(id -> Finding.error("executor " + id, "probe", "registered with the driver but ran none of the"
                                + " doctor's probe tasks, so it was not checked",
                        "see the executor's log (the Spark UI's Executors tab) and run doctor again"))
                .toList();
    }

    static Finding executorKryo(String where, ProbeReport r) {
        if (r.problems().containsKey("registrator")) {
            return Finding.error(where, "serializer", r.problems().get("registrator"),
                    "ship ND4J with the application (target/sparktrain-app.jar) or drop spark.kryo.registrator");
        }
        return Finding.ok(where, "serializer", r.serializer().substring(r.serializer().lastIndexOf('.') + 1)
                + (r.registrators().isBlank() ? "" : " with " + r.registrators() + " (loads)"));
    }

    static Finding executorGpu(String where, ProbeReport r, SparkConf conf) {
        String amount = conf.get("spark.task.resource.gpu.amount", "");
        if (amount.isBlank()) {
            return Finding.ok(where, "GPU", "none asked for");
        }
        if (r.gpus().isEmpty()) {
            return Finding.error(where, "GPU", "spark.task.resource.gpu.amount = " + amount + " but the task got no GPU",
                    "set spark.executor.resource.gpu.amount and spark.worker.resource.gpu.* (standalone) so executors get GPUs");
        }
        return Finding.ok(where, "GPU", "task got GPU " + String.join(",", r.gpus()));
    }

    static String controller(SharingConfig s, JavaSparkContext sc) {
        return s.controllerAddress().isBlank() ? sc.getConf().get("spark.driver.host", "127.0.0.1") : s.controllerAddress();
    }

    /** A UDP socket on the controller address (another port than Aeron's) that records which executors reached it. */
    private static final class Listener implements AutoCloseable {
        final String address;
        final int port;
        private final DatagramSocket socket;
        private final Thread thread;
        private volatile long last = System.nanoTime();

        Listener(String address, Set<String> heard) throws IOException {
            this.socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(address), 0));
            this.address = InetAddress.getByName(address).getHostAddress();
            this.port = socket.getLocalPort();
            socket.setSoTimeout(200);
            this.thread = new Thread(() -> {
                byte[] buffer = new byte[512];
                while (!socket.isClosed()) {
                    DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                    try {
                        socket.receive(packet);
                        heard.add(new String(packet.getData(), 0, packet.getLength(), StandardCharsets.UTF_8));
                        last = System.nanoTime();
                    } catch (SocketTimeoutException e) {
                        // poll until closed
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "doctor-udp");
            thread.setDaemon(true);
            thread.start();
        }

        /** Datagrams may trail the job's end by a little. */
        void awaitQuiet() {
            try {
                Thread.sleep(300);
                while (System.nanoTime() - last < TimeUnit.MILLISECONDS.toNanos(300)) {
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        @Override
        public void close() {
            socket.close();
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static String mib(long bytes) {
        if (bytes <= 0) {
            return bytes == 0 ? "none" : "unknown";
        }
        if (bytes >= 10L * 1024 * MIB) {
            return String.format(Locale.ROOT, "%.1f GiB", bytes / (1024.0 * MIB));
        }
        return (bytes + MIB / 2) / MIB + " MiB";
    }
}
