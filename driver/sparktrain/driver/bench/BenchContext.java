package sparktrain.driver.bench;

import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What every benchmark part needs: the job files (conf/), whether this is a quick run at small sizes,
 * where the figures go, the machine and the command that ran.
 *
 * @param quick small sizes to prove the parts work; the blocks say so, and their numbers are not comparable
 */
public record BenchContext(Path confDir, boolean quick, Path figuresDir, Machine machine, String command) {
    public static final String MASTER = "local[2]";
    /**
     * Gradient sharing's UDP port for this JVM's runs (local mode binds only the controller's): a free one picked
     * at start instead of the job files' fixed 49876, so a benchmark never collides with a test or a training on
     * the same machine (each embedded Aeron driver has a directory of its own). Never one of the executors' ports
     * (40123-40222), where a controller port may not lie.
     */
    static final int SHARING_PORT = freeUdpPort();

    /** A job file from conf/ with Spark's web UI off and the given overrides. */
    public JobConfig job(String file, String... overrides) {
        List<String> sets = new ArrayList<>(List.of("spark.conf.\"spark.ui.enabled\"=false",
                "training.sharing.controller-port=" + SHARING_PORT));
        sets.addAll(List.of(overrides));
        return JobFiles.load(confDir.resolve(file).toString(), sets);
    }

    /** A free UDP port outside the executors' range, for a controller of its own. */
    static int freeUdpPort() {
        try (java.net.DatagramSocket socket = new java.net.DatagramSocket(0)) {
            int port = socket.getLocalPort();
            return port >= 40123 && port <= 40222 ? freeUdpPort() : port;
        } catch (java.io.IOException e) {
            throw new IllegalStateException("no free UDP port for gradient sharing: " + e.getMessage(), e);
        }
    }

    /** The size for a full run or for a quick one. */
    public int size(int full, int small) {
        return quick ? small : full;
    }

    /** The first lines of every block: when, where, what ran, at which sizes. */
    public String header(String title, String sizes) {
        return "## " + title + (quick ? " (quick run at small sizes: not the final numbers)" : "") + "\n\n"
                + BenchmarksFile.provenance(machine, command, sizes) + "\n";
    }
}
