package sparktrain.worker.sharing;

import io.aeron.CncFileDescriptor;
import io.aeron.CommonContext;
import io.aeron.driver.Configuration;
import io.aeron.logbuffer.LogBufferDescriptor;
import org.agrona.IoUtil;
import org.agrona.SemanticVersion;
import org.agrona.SystemUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The directories of gradient sharing's Aeron media drivers. DL4J's transport launches an embedded media driver in
 * every JVM of the mesh, each in a directory of its own ({@code /dev/shm/aeron-USER-UUID} on Linux) holding its log
 * buffers, and never closes it. Those directories outlived every run, and a killed JVM's too: here 209 of them
 * filled /dev/shm, Aeron then refused new logs ("insufficient usable storage") and the mesh hung instead of training.
 * So, before DL4J's transport starts, each JVM of the mesh removes the directories of media drivers whose process is
 * gone, checks that a new one has room, and deletes its own when it exits.
 */
public final class AeronDirectories {
    /** DL4J's term length when {@code aeron.term.buffer.length} is not set (AeronUdpTransport sets 2^25). */
    static final int DL4J_TERM_BYTES = 1 << 25;
    /** A media driver whose heartbeat (about once a second) is older than this is taken for dead: DL4J's client timeout. */
    static final long DRIVER_TIMEOUT_MS = 30_000;
    /** How long a directory without a cnc.dat is left alone: its media driver may be starting. */
    static final long UNREADABLE_GRACE_MS = TimeUnit.HOURS.toMillis(1);
    private static final Logger log = LoggerFactory.getLogger(AeronDirectories.class);
    private static boolean prepared;

    private AeronDirectories() {
    }

    /** The term length the media driver will use: aeron.term.buffer.length, else DL4J's. */
    static long termBytes() {
        return SystemUtil.getSizeAsInt(Configuration.TERM_BUFFER_LENGTH_PROP_NAME, DL4J_TERM_BYTES);
    }

    /** One Aeron log (a publication's or an image's): three terms and its metadata, all of which Aeron wants free. */
    public static long logBytes() {
        return 3 * termBytes() + LogBufferDescriptor.LOG_META_DATA_LENGTH;
    }

    /**
     * What a JVM of the mesh needs free before it starts: its publication and the image of what it receives, each a
     * whole log (Aeron refuses a log unless its full length is free, and writes it in full unless
     * aeron.term.buffer.sparse.file is set, which DL4J does not).
     */
    public static long bytesNeeded() {
        return 2 * logBytes();
    }

    /** Where media drivers make their directories: /dev/shm on Linux, else the temp dir. */
    public static File parent() {
        return new File(CommonContext.AERON_DIR_PROP_DEFAULT).getParentFile();
    }

    /** The name of this user's media driver directories up to the driver's UUID: aeron-USER-. */
    private static String prefix() {
        return new File(CommonContext.AERON_DIR_PROP_DEFAULT).getName() + "-";
    }

    /**
     * The bytes held under {@link #parent()} by media drivers whose process is gone: what {@link #prepare()} frees
     * before it checks the space (the files' lengths: Aeron writes its logs in full, see {@link #bytesNeeded()}).
     */
    public static long orphanedBytes() {
        return orphanedBytes(parent(), prefix(), DRIVER_TIMEOUT_MS);
    }

    static long orphanedBytes(File parent, String prefix, long driverTimeoutMs) {
        long bytes = 0;
        for (File dir : orphans(parent, prefix, driverTimeoutMs)) {
            try (Stream<Path> files = Files.walk(dir.toPath())) {
                bytes += files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
            } catch (IOException | UncheckedIOException e) { // removed at this moment
                log.debug("gradient sharing: could not measure {} ({})", dir, e.toString());
            }
        }
        return bytes;
    }

    /**
     * Once per JVM, before DL4J's transport launches its media driver: removes the directories of this user's media
     * drivers whose process is gone, requires {@link #bytesNeeded()} free, and has this JVM's directories deleted
     * when its media driver closes or the JVM exits.
     *
     * @throws SparktrainException (exit 1) naming the directory when it has too little space left
     */
    public static synchronized void prepare() {
        if (prepared) {
            return;
        }
        File parent = parent();
        String prefix = prefix();
        List<File> removed = removeOrphans(parent, prefix, DRIVER_TIMEOUT_MS);
        if (!removed.isEmpty()) {
            log.info("gradient sharing: removed {} Aeron director{} of ended JVMs from {}", removed.size(),
                    removed.size() == 1 ? "y" : "ies", parent);
        }
        requireSpace(parent, parent.getUsableSpace(), bytesNeeded());
        System.setProperty(Configuration.DIR_DELETE_ON_SHUTDOWN_PROP_NAME, "true");
        Runtime.getRuntime().addShutdownHook(new Thread(() -> own(parent, prefix).forEach(d -> IoUtil.delete(d, true)),
                "sparktrain-aeron-directories"));
        prepared = true;
    }

    static void requireSpace(File parent, long free, long needed) {
        if (free < needed) {
            throw new SparktrainException(ExitCode.FAILURE, List.of(parent + ": " + mib(free) + " free, gradient"
                    + " sharing's Aeron needs " + mib(needed) + " in each JVM of the mesh (two logs of three "
                    + mib(termBytes())
                    + " terms); free it or enlarge it (docker run --shm-size=1g; mount -o remount,size=1g /dev/shm)"));
        }
    }

    /** Deletes the directories of {@link #orphans}; returns those it removed. */
    static List<File> removeOrphans(File parent, String prefix, long driverTimeoutMs) {
        List<File> removed = new ArrayList<>();
        for (File dir : orphans(parent, prefix, driverTimeoutMs)) {
            try {
                IoUtil.delete(dir, true);
                if (!dir.exists()) {
                    removed.add(dir);
                }
            } catch (RuntimeException e) { // another JVM deleting it at this moment
                log.debug("gradient sharing: left {} ({})", dir, e.toString());
            }
        }
        return removed;
    }

    /**
     * The directories under {@code parent} named {@code prefix...} whose media driver is gone: its process is not
     * running here and its heartbeat is older than {@code driverTimeoutMs}. Both, since a /dev/shm shared with
     * another pid namespace (a container with the host's IPC) holds live drivers whose pids are unknown here.
     */
    static List<File> orphans(File parent, String prefix, long driverTimeoutMs) {
        List<File> orphans = new ArrayList<>();
        for (File dir : directories(parent, prefix)) {
            try {
                if (orphan(dir, driverTimeoutMs)) {
                    orphans.add(dir);
                }
            } catch (RuntimeException e) { // another JVM deleting it at this moment
                log.debug("gradient sharing: left {} ({})", dir, e.toString());
            }
        }
        return orphans;
    }

    private static boolean orphan(File dir, long driverTimeoutMs) {
        if (!new File(dir, CncFileDescriptor.CNC_FILE).exists()) {
            return System.currentTimeMillis() - dir.lastModified() > UNREADABLE_GRACE_MS;
        }
        long pid = ownerPid(dir);
        return pid > 0 && ProcessHandle.of(pid).isEmpty() && !CommonContext.isDriverActive(dir, driverTimeoutMs, s -> { });
    }

    /**
     * This JVM's directories: those whose cnc.dat it has mapped (its media drivers', /proc/self/maps), not those
     * merely holding its pid, which a JVM of another pid namespace may have; by pid where there is no /proc.
     */
    static List<File> own(File parent, String prefix) {
        Path maps = Path.of("/proc/self/maps");
        Set<File> mapped = new HashSet<>();
        if (Files.isReadable(maps)) {
            try (Stream<String> lines = Files.lines(maps)) {
                lines.filter(l -> l.endsWith("/" + CncFileDescriptor.CNC_FILE))
                        .forEach(l -> mapped.add(new File(l.substring(l.indexOf('/'))).getParentFile()));
            } catch (IOException | UncheckedIOException e) {
                return List.of();
            }
        }
        long pid = ProcessHandle.current().pid();
        return directories(parent, prefix).stream()
                .filter(d -> Files.isReadable(maps) ? mapped.contains(d) : ownerPid(d) == pid)
                .toList();
    }

    /**
     * The process id its media driver wrote into the directory's cnc.dat; -1 when there is none, it is not ready
     * (version 0 until the driver signals it) or of another Aeron major version (whose layout may differ).
     */
    static long ownerPid(File dir) {
        File cnc = new File(dir, CncFileDescriptor.CNC_FILE);
        ByteBuffer bytes = ByteBuffer.allocate(CncFileDescriptor.META_DATA_LENGTH);
        try (FileChannel channel = FileChannel.open(cnc.toPath(), StandardOpenOption.READ)) {
            while (bytes.hasRemaining() && channel.read(bytes) >= 0) {
                // read the whole metadata block
            }
        } catch (IOException e) {
            return -1;
        }
        if (bytes.hasRemaining()) {
            return -1;
        }
        UnsafeBuffer metadata = new UnsafeBuffer(bytes.array());
        int version = metadata.getInt(CncFileDescriptor.cncVersionOffset(0));
        if (version == 0 || SemanticVersion.major(version) != SemanticVersion.major(CncFileDescriptor.CNC_VERSION)) {
            return -1;
        }
        return CncFileDescriptor.pid(metadata);
    }

    private static List<File> directories(File parent, String prefix) {
        File[] dirs = parent.listFiles(f -> f.isDirectory() && f.getName().startsWith(prefix));
        return dirs == null ? List.of() : List.of(dirs);
    }

    private static String mib(long bytes) {
        return String.format(Locale.ROOT, "%d MiB", bytes >> 20);
    }
}
