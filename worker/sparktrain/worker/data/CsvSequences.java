package sparktrain.worker.data;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.input.PortableDataStream;
import org.datavec.api.records.reader.impl.csv.CSVSequenceRecordReader;
import org.datavec.api.writable.Writable;
import scala.Tuple2;
import sparktrain.worker.SparktrainException;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Numeric sequences from CSV through DataVec's CSVSequenceRecordReader: every line is a time step, every
 * column a value, no header. Layout {@code files}: every file of a directory is one sequence, all of the
 * same length. Layout {@code series}: one file holds one long series, cut into consecutive windows.
 * Every cell must be a finite number and every row as long as the first; errors name the file and line.
 */
public final class CsvSequences {
    private CsvSequences() {
    }

    /** One file as parsed on an executor: where it was, its size and checksum, and its values [row][column]. */
    public record Parsed(DataFile file, double[][] values) implements Serializable {
        public int rows() {
            return values.length;
        }

        public int columns() {
            return values[0].length;
        }
    }

    /** On an executor: a CSV file read whole and parsed. */
    public record Parse() implements Function<Tuple2<String, PortableDataStream>, Parsed> {
        @Override
        public Parsed call(Tuple2<String, PortableDataStream> file) {
            Path path = new Path(file._1());
            byte[] bytes = file._2().toArray();
            return new Parsed(new DataFile(path.toString(), bytes.length, TextCorpus.sha256(bytes)), parse(path, bytes));
        }
    }

    /** A parsed file without its values: its shape, for the driver to check, and what was read. */
    public record Shape() implements Function<Parsed, Parsed> {
        @Override
        public Parsed call(Parsed parsed) {
            return new Parsed(parsed.file(), new double[parsed.rows()][parsed.columns()]);
        }
    }

    /** A sequence file (layout {@code files}) as a row: its steps one after the other; the id is the file's index. */
    public record SequenceRow(Map<String, Integer> index) implements Function<Parsed, Row> {
        @Override
        public Row call(Parsed parsed) {
            return new Row(index.get(parsed.file().path()), flatten(parsed.values(), 0, parsed.rows()), null);
        }
    }

    /**
     * Layout {@code series}: one long series cut into consecutive windows of {@code length} steps, consecutive
     * windows sharing one row (the last target of one is the first input of the next); the id is the window's index.
     */
    public record Windows(int length) implements FlatMapFunction<Parsed, Row> {
        @Override
        public Iterator<Row> call(Parsed parsed) {
            double[][] series = parsed.values();
            if (series.length < length) {
                throw SparktrainException.badData(parsed.file().path() + ": " + series.length + " rows, shorter than one"
                        + " window of " + length + " (data.sequence-length + 1)");
            }
            List<Row> windows = new ArrayList<>();
            for (int start = 0, i = 0; start + length <= series.length; start += length - 1, i++) {
                windows.add(new Row(i, flatten(series, start, start + length), null));
            }
            return windows.iterator();
        }
    }

    private static float[] flatten(double[][] values, int from, int to) {
        int columns = values[0].length;
        float[] x = new float[(to - from) * columns];
        for (int t = from; t < to; t++) {
            for (int c = 0; c < columns; c++) {
                x[(t - from) * columns + c] = (float) values[t][c];
            }
        }
        return x;
    }

    /**
     * Layout {@code files}: every file the same shape, with at least 2 rows; the problem names the first file
     * that differs from the first one.
     */
    public static void requireSameShape(List<Parsed> files) {
        Parsed first = files.get(0);
        for (Parsed p : files) {
            if (p.rows() != first.rows()) {
                throw SparktrainException.badData(p.file().path() + ": " + p.rows() + " rows, but " + first.file().path()
                        + " has " + first.rows() + ": every sequence file must have the same number of rows");
            }
            if (p.columns() != first.columns()) {
                throw SparktrainException.badData(p.file().path() + ": " + p.columns() + " columns, but "
                        + first.file().path() + " has " + first.columns());
            }
        }
        if (first.rows() < 2) {
            throw SparktrainException.badData(first.file().path()
                    + ": a sequence needs at least 2 rows (inputs and the next step)");
        }
    }

    /** One file's bytes as [row][column]: every cell a finite number, every row as long as the first. */
    public static double[][] parse(Path file, byte[] bytes) {
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
