package sparktrain.driver.bench;

import sparktrain.worker.OneDnn;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.io.HadoopFiles;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * BENCHMARKS.md as scripts/bench rewrites it: each part owns the text between its markers
 * ({@code <!-- bench:ID -->} and {@code <!-- /bench:ID -->}); a run replaces only the parts it measured and
 * the machine block, so text outside the markers (earlier measurements, notes) stays as it is.
 */
public final class BenchmarksFile {
    /** The order of the blocks in the file; a block not there yet goes after the ones before it. */
    public static final List<String> ORDER = List.of("machine", "headline", "overhead", "mllib", "communication", "scaling", "sweeps",
            "frequency", "scale", "inference");

    private BenchmarksFile() {
    }

    static String begin(String id) {
        return "<!-- bench:" + id + " -->";
    }

    static String end(String id) {
        return "<!-- /bench:" + id + " -->";
    }

    /** {@code document} with block {@code id}'s content set to {@code body}; the block is added if missing. */
    public static String replace(String document, String id, String body) {
        if (!ORDER.contains(id)) {
            throw new IllegalArgumentException("unknown benchmark block " + id + ": one of " + ORDER);
        }
        String block = begin(id) + "\n" + body.strip() + "\n" + end(id);
        int from = document.indexOf(begin(id));
        if (from >= 0) {
            int to = document.indexOf(end(id), from);
            if (to < 0) {
                throw SparktrainException.badData("BENCHMARKS.md: " + begin(id) + " has no " + end(id)
                        + " after it; add the end marker or delete the block");
            }
            return document.substring(0, from) + block + document.substring(to + end(id).length());
        }
        // after the nearest block before it in ORDER, else before the nearest one after it, else at the end
        int index = ORDER.indexOf(id);
        for (int i = index - 1; i >= 0; i--) {
            int at = document.indexOf(end(ORDER.get(i)));
            if (at >= 0) {
                int cut = at + end(ORDER.get(i)).length();
                return document.substring(0, cut) + "\n\n" + block + document.substring(cut);
            }
        }
        for (int i = index + 1; i < ORDER.size(); i++) {
            int at = document.indexOf(begin(ORDER.get(i)));
            if (at >= 0) {
                return document.substring(0, at) + block + "\n\n" + document.substring(at);
            }
        }
        String head = document.isEmpty() ? "# Benchmarks\n" : document;
        return head.stripTrailing() + "\n\n" + block + "\n";
    }

    /** Block {@code id}'s content in the file at {@code file}: "" when the file or the block is not there. */
    public static String block(Path file, String id) {
        try {
            String document = Files.exists(file) ? Files.readString(file) : "";
            int from = document.indexOf(begin(id));
            int to = from < 0 ? -1 : document.indexOf(end(id), from);
            return to < 0 ? "" : document.substring(from + begin(id).length(), to);
        } catch (IOException e) {
            throw SparktrainException.usage(file + ": cannot read (" + e.getMessage() + ")");
        }
    }

    /** The machine block: where and when the last run was, and how to repeat it. */
    public static String machineBlock(Machine m, String command) {
        return "Last run: " + m.date() + ", commit `" + m.shortCommit() + "` (" + m.tree() + " tree), `" + command + "`.\n\n"
                + "Machine: " + m.describe() + "; " + m.versions() + "; `nd4j-native` (OpenBLAS"
                + (OneDnn.inUse() ? ", DL4J layers through oneDNN" : "") + "), no GPU.";
    }

    /** The line every part's block starts with. */
    public static String provenance(Machine m, String command, String sizes) {
        return "Measured " + m.date() + " at commit `" + m.shortCommit() + "` (" + m.tree() + " tree) on " + m.cores()
                + " cores with " + m.versions() + "; command `" + command + "`; sizes: " + sizes + ".";
    }

    /** Rewrites block {@code id} (and the machine block) of the file at {@code file}, atomically. */
    public static void update(Path file, String id, String body, Machine machine, String command) {
        try {
            String document = Files.exists(file) ? Files.readString(file) : "";
            String next = replace(document, "machine", machineBlock(machine, command));
            next = replace(next, id, body);
            HadoopFiles.writeAtomically(HadoopFiles.path(file.toAbsolutePath().toString()), next);
        } catch (IOException e) {
            throw SparktrainException.usage(file + ": cannot rewrite (" + e.getMessage() + "); check the path and permissions");
        }
    }
}
