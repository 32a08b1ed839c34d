package sparktrain.worker.sharing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Picks a UDP port that no other JVM of this host holds: the first port of a range whose byte in a lock file no
 * process has locked and that nothing has bound. The lock is kept for the life of the JVM and the operating system
 * drops it when the process ends, kill -9 included. A bind test alone is not enough: two executors that start their
 * first task at once would both find the first port free, and Aeron binds it only seconds later.
 */
public final class PortReservation {
    /**
     * One lock file for the user's JVMs on this host. Not under java.io.tmpdir: YARN gives every container its own,
     * and then two containers of one host would not see each other's locks.
     */
    public static final Path LOCK_FILE = Path.of("/tmp", "sparktrain-sharing-ports-" + System.getProperty("user.name") + ".lock");
    /** Listed in full up to this many ports; the rest are counted. */
    private static final int LISTED = 6;
    /** Never closed: on Linux closing any channel of a file drops every lock this JVM holds on it. */
    private static final Map<Path, FileChannel> CHANNELS = new HashMap<>();
    private static final List<FileLock> HELD = new ArrayList<>();

    private PortReservation() {
    }

    /**
     * @param port the port this JVM holds from now on
     * @param skipped the ports before it that were not free, each with the reason
     */
    public record Reserved(int port, List<String> skipped) {
        public Reserved {
            skipped = List.copyOf(skipped);
        }
    }

    /**
     * The first port of {@code first .. first + count - 1} (but {@code exclude}) that no JVM on this host holds and
     * nothing has bound; held until this JVM ends.
     *
     * @throws IllegalStateException naming every port of the range and why it was not free
     */
    public static synchronized Reserved reserve(Path lockFile, int first, int count, int exclude) {
        FileChannel channel = channel(lockFile);
        List<String> skipped = new ArrayList<>();
        for (int port = first; port < first + count; port++) {
            if (port == exclude) {
                continue;
            }
            FileLock lock;
            try {
                lock = channel.tryLock(port, 1, false);
            } catch (OverlappingFileLockException e) {
                lock = null; // this JVM holds it already
            } catch (IOException e) {
                throw new IllegalStateException("cannot lock " + lockFile + " to reserve a UDP port: " + e.getMessage(), e);
            }
            if (lock == null) {
                skipped.add(port + " held by another JVM on this host");
                continue;
            }
            String busy = bindProblem(port);
            if (busy != null) {
                release(lock);
                skipped.add(port + " in use (" + busy + ")");
                continue;
            }
            HELD.add(lock);
            return new Reserved(port, skipped);
        }
        throw new IllegalStateException("no free UDP port in " + first + "-" + (first + count - 1) + " on this host: "
                + list(skipped));
    }

    /** Null when {@code port} can be bound on every interface, else why not. */
    public static String bindProblem(int port) {
        try (DatagramSocket socket = new DatagramSocket(null)) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), port));
            return null;
        } catch (IOException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
    }

    /** The first few entries, then how many more. */
    public static String list(List<String> ports) {
        if (ports.size() <= LISTED) {
            return String.join(", ", ports);
        }
        return String.join(", ", ports.subList(0, LISTED)) + " and " + (ports.size() - LISTED) + " more";
    }

    private static FileChannel channel(Path lockFile) {
        return CHANNELS.computeIfAbsent(lockFile.toAbsolutePath(), f -> {
            try {
                return FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            } catch (IOException e) {
                throw new IllegalStateException("cannot open " + f + " to reserve a UDP port: " + e.getMessage(), e);
            }
        });
    }

    private static void release(FileLock lock) {
        try {
            lock.release();
        } catch (IOException e) {
            // the port stays locked for this JVM's life: another JVM skips it, which costs nothing but one port
        }
    }
}
