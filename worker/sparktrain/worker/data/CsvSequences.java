package sparktrain.worker.data;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.datavec.api.records.reader.impl.csv.CSVSequenceRecordReader;
import org.datavec.api.writable.Writable;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.io.HadoopFiles;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Numeric sequences from CSV through DataVec's CSVSequenceRecordReader: every line is a time step, every
 * column a value, no header. Layout {@code files}: every file of a directory is one sequence, all of the
 * same length. Layout {@code series}: one file holds one long series, cut into consecutive windows.
 * Every cell must be a finite number and every row as long as the first; errors name the file and line.
 */
public final class CsvSequences {
    private CsvSequences() {
    }

    /** Sequences as [sequence][step][column], and the files read. */
    public record Read(List<double[][]> sequences, List<FashionMnist.DataFile> files) {
    }

    /** @param windowLength steps per window for the series layout */
    public static Read read(String location, String layout, int windowLength) {
        Path root = HadoopFiles.path(location);
        List<FashionMnist.DataFile> files = new ArrayList<>();
        if (layout.equals("series")) {
            double[][] series = readFile(root, files);
            if (series.length < windowLength) {
                throw SparktrainException.badData(root + ": " + series.length + " rows, shorter than one window of "
                        + windowLength + " (data.sequence-length + 1)");
            }
            List<double[][]> windows = new ArrayList<>();
            // consecutive windows share one row: the last target of one is the first input of the next
            for (int start = 0; start + windowLength <= series.length; start += windowLength - 1) {
                windows.add(Arrays.copyOfRange(series, start, start + windowLength));
            }
            return new Read(windows, files);
        }
        List<Path> paths = listFiles(root, location);
        List<double[][]> sequences = new ArrayList<>();
        for (Path p : paths) {
            double[][] sequence = readFile(p, files);
            if (!sequences.isEmpty() && sequence.length != sequences.get(0).length) {
                throw SparktrainException.badData(p + ": " + sequence.length + " rows, but " + paths.get(0)
                        + " has " + sequences.get(0).length + ": every sequence file must have the same number of rows");
            }
            if (!sequences.isEmpty() && sequence[0].length != sequences.get(0)[0].length) {
                throw SparktrainException.badData(p + ": " + sequence[0].length + " columns, but " + paths.get(0)
                        + " has " + sequences.get(0)[0].length);
            }
            sequences.add(sequence);
        }
        if (sequences.get(0).length < 2) {
            throw SparktrainException.badData(paths.get(0) + ": a sequence needs at least 2 rows (inputs and the next step)");
        }
        return new Read(sequences, files);
    }

    private static List<Path> listFiles(Path root, String location) {
        try {
            List<Path> paths = Arrays.stream(HadoopFiles.list(root)).filter(FileStatus::isFile).map(FileStatus::getPath)
                    .filter(p -> !p.getName().startsWith(".")).sorted(Comparator.comparing(Path::getName)).toList();
            if (paths.isEmpty()) {
                throw SparktrainException.badData(location + ": no CSV files (data.csv-layout = files reads one sequence per file)");
            }
            return paths;
        } catch (FileNotFoundException e) {
            throw SparktrainException.badData(location + ": not found (data.path)");
        } catch (IOException e) {
            throw SparktrainException.badData(location + ": cannot list: " + e.getMessage());
        }
    }

    /** One file as [row][column]. */
    static double[][] readFile(Path file, List<FashionMnist.DataFile> files) {
        byte[] bytes;
        try (InputStream in = HadoopFiles.fileSystem(file).open(file)) {
            bytes = in.readAllBytes();
        } catch (FileNotFoundException e) {
            throw SparktrainException.badData(file + ": not found (data.path)");
        } catch (IOException e) {
            throw SparktrainException.badData(file + ": cannot read: " + e.getMessage());
        }
        files.add(new FashionMnist.DataFile(file.toString(), bytes.length, TextCorpus.sha256(bytes)));
        List<List<Writable>> rows;
        try {
            rows = new CSVSequenceRecordReader().sequenceRecord(file.toUri(),
                    new DataInputStream(new ByteArrayInputStream(bytes)));
        } catch (IOException e) {
            throw SparktrainException.badData(file + ": cannot parse: " + e.getMessage());
        }
        if (rows.isEmpty()) {
            throw SparktrainException.badData(file + ": empty file: expected rows of numbers");
        }
        int columns = rows.get(0).size();
        double[][] values = new double[rows.size()][columns];
        for (int r = 0; r < rows.size(); r++) {
            List<Writable> row = rows.get(r);
            int line = r + 1;
            if (row.size() < columns) {
                // DataVec drops an empty last cell ("0.5,"): report it as the missing value it is
                int empty = emptyCell(bytes, r, columns);
                if (empty > 0) {
                    throw SparktrainException.badData(file + ": line " + line + ", column " + empty + ": missing value");
                }
            }
            if (row.size() != columns) {
                throw SparktrainException.badData(file + ": line " + line + ": ragged row: " + row.size()
                        + " values, expected " + columns + " (as on line 1)");
            }
            for (int c = 0; c < columns; c++) {
                values[r][c] = number(file, line, c + 1, row.get(c).toString());
            }
        }
        return values;
    }

    /** The 1-based column of the first empty cell when line {@code row} splits into {@code columns} cells, else 0. */
    private static int emptyCell(byte[] bytes, int row, int columns) {
        String[] lines = new String(bytes, java.nio.charset.StandardCharsets.UTF_8).split("\r?\n", -1);
        if (row >= lines.length) {
            return 0;
        }
        String[] cells = lines[row].split(",", -1);
        if (cells.length != columns) {
            return 0;
        }
        for (int c = 0; c < cells.length; c++) {
            if (cells[c].isBlank()) {
                return c + 1;
            }
        }
        return 0;
    }

    private static double number(Path file, int line, int column, String cell) {
        String text = cell.trim();
        String where = file + ": line " + line + ", column " + column + ": ";
        if (text.isEmpty()) {
            throw SparktrainException.badData(where + "missing value");
        }
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw SparktrainException.badData(where + "not a number: \"" + text + "\"");
        }
        if (!Double.isFinite(value)) {
            throw SparktrainException.badData(where + text + " is not a finite number");
        }
        return value;
    }
}
