package sparktrain.driver.bench;

import sparktrain.driver.Versions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Where and when a benchmark ran: what BENCHMARKS.md records beside every number.
 *
 * @param versions {@link Versions#line()}: Spark, DL4J, ND4J and Java of the run
 * @param tree "clean", "dirty" (tracked files differ from the commit) or "unknown"
 */
public record Machine(int cores, long memoryBytes, String cpuModel, String java, String date, String commit,
                      String versions, String tree) {

    /**
     * This machine now: cores, /proc/meminfo's MemTotal, /proc/cpuinfo's model name, the versions on the class
     * path, the launcher's git commit and whether its tree was dirty.
     */
    public static Machine detect() {
        String dirty = System.getProperty("sparktrain.git.dirty", "");
        return new Machine(Runtime.getRuntime().availableProcessors(), memTotal(readLines("/proc/meminfo")),
                cpuModel(readLines("/proc/cpuinfo")), System.getProperty("java.vendor", "") + " "
                + System.getProperty("java.version", "?"),
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
                System.getProperty("sparktrain.git.commit", "unknown"), Versions.line(),
                dirty.equals("true") ? "dirty" : dirty.equals("false") ? "clean" : "unknown");
    }

    /** One line, e.g. "2 cores (AMD EPYC 7B13), 23.5 GiB, OpenJDK 17.0.15". */
    public String describe() {
        return String.format(Locale.ROOT, "%d cores (%s), %.1f GiB, Java %s", cores, cpuModel,
                memoryBytes / (double) (1L << 30), java.trim());
    }

    public String shortCommit() {
        return commit.length() > 10 ? commit.substring(0, 10) : commit;
    }

    static long memTotal(List<String> meminfo) {
        for (String line : meminfo) {
            if (line.startsWith("MemTotal:")) {
                String[] f = line.substring("MemTotal:".length()).trim().split("\\s+");
                return Long.parseLong(f[0]) * 1024;
            }
        }
        return Runtime.getRuntime().maxMemory();
    }

    static String cpuModel(List<String> cpuinfo) {
        for (String line : cpuinfo) {
            if (line.startsWith("model name")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        return System.getProperty("os.arch", "unknown CPU");
    }

    private static List<String> readLines(String file) {
        try {
            return Files.readAllLines(Path.of(file));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
