package sparktrain.driver.sweep;

import org.apache.hadoop.fs.Path;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.io.HadoopFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * rungs.csv: ASHA's arrivals and promotions in the order they happened ({@code event,trial,epoch,metric}, the
 * metric at the rung for an arrival, in full precision), rewritten atomically after each. {@code --resume}
 * replays it, so the rungs it rebuilds are the ones the earlier run decided on.
 */
final class RungsFile {
    static final String FILE = "rungs.csv";
    private static final String HEADER = "event,trial,epoch,metric";

    private final Path file;

    RungsFile(Path sweepDirectory) {
        this.file = new Path(sweepDirectory, FILE);
    }

    /** The events an earlier run recorded, replayed into {@code asha}; none if there is no file. */
    void replay(Asha asha) {
        if (!HadoopFiles.exists(file.toString())) {
            return;
        }
        List<String> lines = HadoopFiles.readText(file.toString(), "ASHA's rungs").lines().toList();
        if (lines.isEmpty() || !lines.get(0).equals(HEADER)) {
            throw unreadable("the header is not " + HEADER);
        }
        for (int i = 1; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            String[] cells = lines.get(i).split(",", -1);
            try {
                if (cells.length != 4) {
                    throw new IllegalArgumentException(cells.length + " cells, expected 4");
                }
                asha.apply(new Asha.Event(cells[0], cells[1], Integer.parseInt(cells[2]),
                        cells[3].isEmpty() ? Double.NaN : Double.parseDouble(cells[3])));
            } catch (IllegalArgumentException e) {
                throw unreadable("line " + (i + 1) + ": " + lines.get(i) + ": " + e.getMessage());
            }
        }
    }

    void write(List<Asha.Event> events) {
        StringBuilder csv = new StringBuilder(HEADER).append('\n');
        for (Asha.Event e : events) {
            csv.append(e.kind()).append(',').append(e.trial()).append(',').append(e.rung()).append(',')
                    .append(Double.isNaN(e.metric()) ? "" : Double.toString(e.metric())).append('\n');
        }
        try {
            HadoopFiles.writeAtomically(file, csv.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private SparktrainException unreadable(String why) {
        return SparktrainException.usage(file + ": not ASHA's record of the sweep (" + why + "); --resume cannot"
                + " rebuild the rungs without it");
    }
}
