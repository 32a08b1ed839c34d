package sparktrain.driver.sweep;

import org.apache.hadoop.fs.Path;
import sparktrain.driver.sweep.SweepConfig;
import sparktrain.worker.io.HadoopFiles;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * trials.csv: one row per finished trial (done, failed or stopped), in trial order, rewritten atomically
 * whenever a trial finishes. Rows read back from an earlier run are kept byte for byte.
 */
public final class TrialsTable {
    public static final String FILE = "trials.csv";

    private final Path file;
    private final String header;
    private final Map<String, String> rows = new TreeMap<>();

    public TrialsTable(Path sweepDirectory, List<String> keys) {
        this.file = new Path(sweepDirectory, FILE);
        StringBuilder h = new StringBuilder("trial");
        keys.forEach(k -> h.append(',').append(field(k)));
        this.header = h.append(",status,metric,epochs,seconds,reason").toString();
    }

    /** Loads the rows an earlier run wrote; the ids of the finished trials. */
    public java.util.Set<String> load() {
        try {
            if (!HadoopFiles.exists(file.toString())) {
                return rows.keySet();
            }
            try (BufferedReader in = new BufferedReader(new InputStreamReader(HadoopFiles.open(file), StandardCharsets.UTF_8))) {
                in.readLine();
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (!line.isBlank()) {
                        rows.put(line.substring(0, line.indexOf(',')), line);
                    }
                }
            }
            return rows.keySet();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    public boolean has(String trial) {
        return rows.containsKey(trial);
    }

    public void add(Trial trial, String status, double metric, int epochs, double seconds, String reason) {
        StringBuilder row = new StringBuilder(trial.id());
        trial.values().values().forEach(v -> row.append(',').append(field(SweepConfig.render(v))));
        row.append(',').append(status)
                .append(',').append(Double.isNaN(metric) ? "" : String.format(Locale.ROOT, "%.6f", metric))
                .append(',').append(epochs)
                .append(',').append(String.format(Locale.ROOT, "%.1f", seconds))
                .append(',').append(field(reason == null ? "" : reason));
        rows.put(trial.id(), row.toString());
        write();
    }

    private void write() {
        StringBuilder csv = new StringBuilder(header).append('\n');
        rows.values().forEach(r -> csv.append(r).append('\n'));
        try {
            HadoopFiles.writeAtomically(file, csv.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** RFC 4180 quoting, only where a field needs it. */
    static String field(String value) {
        if (value.contains(",") || value.contains("\"") || value.contains("\n")) {
            return "\"" + value.replace("\"", "\"\"") + "\"";
        }
        return value;
    }
}
