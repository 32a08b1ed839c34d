package sparktrain.worker.output;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.worker.training.EpochStats;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * A run's output directory: run.json, history.csv, metrics.json and model.zip, each written atomically.
 * A run only ever writes into a directory that is new or empty, so no earlier run is overwritten.
 */
public final class RunOutputs {
    public static final String MODEL = "model.zip";
    public static final String METRICS = "metrics.json";
    public static final String HISTORY = "history.csv";
    public static final String RUN = "run.json";
    public static final String JOB = "job.conf";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path dir;
    private final String location;

    private RunOutputs(Path dir, String location) {
        this.dir = dir;
        this.location = location;
    }

    public static String defaultDirectory(String jobName) {
        return "runs/" + jobName + "-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
    }

    /** Fails, changing nothing, when {@code location} already holds files. */
    public static void requireFresh(String location) {
        Path dir = HadoopFiles.path(location);
        FileSystem fs = HadoopFiles.fileSystem(dir);
        try {
            if (!fs.exists(dir)) {
                return;
            }
            FileStatus status = fs.getFileStatus(dir);
            if (!status.isDirectory()) {
                throw SparktrainException.usage("output " + location + " is a file, not a directory: choose another --output");
            }
            if (fs.listStatus(dir).length > 0) {
                throw SparktrainException.usage("output directory " + location
                        + " already holds files: choose another --output (nothing was changed)");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check output directory " + location + ": " + e.getMessage(), e);
        }
    }

    public static RunOutputs create(String location) {
        requireFresh(location);
        Path dir = HadoopFiles.path(location);
        try {
            FileSystem fs = HadoopFiles.fileSystem(dir);
            HadoopFiles.mkdirs(dir);
            return new RunOutputs(fs.makeQualified(dir), location);
        } catch (IOException | FSError e) {
            throw HadoopFiles.cannotWrite("output directory " + location, e);
        }
    }

    /**
     * An existing directory that {@code train} or {@code sweep} wrote, to resume: it must hold {@code file}
     * (job.conf for a run, sweep.conf for a sweep).
     */
    public static RunOutputs openToResume(String location, String file, String command) {
        RunOutputs outputs = open(location);
        if (!HadoopFiles.exists(outputs.file(file).toString())) {
            throw SparktrainException.usage("--resume " + location + ": no " + file + " in it: not a directory "
                    + command + " wrote");
        }
        return outputs;
    }

    /** An existing run directory, to resume into. */
    public static RunOutputs open(String location) {
        Path dir = HadoopFiles.path(location);
        FileSystem fs = HadoopFiles.fileSystem(dir);
        try {
            if (!fs.getFileStatus(dir).isDirectory()) {
                throw SparktrainException.usage("--resume " + location + ": not a run directory");
            }
            return new RunOutputs(fs.makeQualified(dir), location);
        } catch (java.io.FileNotFoundException e) {
            throw SparktrainException.usage("--resume " + location + ": not found");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open run directory " + location + ": " + e.getMessage(), e);
        }
    }

    public void writeText(String name, String text) {
        write(name, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    public Path directory() {
        return dir;
    }

    /** The directory as the user named it, for messages (e.g. what to pass to {@code train --resume}). */
    public String location() {
        return location;
    }

    public Path file(String name) {
        return new Path(dir, name);
    }

    /** {@code value} as indented JSON text. */
    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void writeJson(String name, Object value) {
        write(name, out -> JSON.writeValue(new NonClosing(out), value));
    }

    public void writeHistory(List<EpochStats> history, String metric) {
        StringBuilder csv = new StringBuilder(EpochStats.csvHeader(metric)).append('\n');
        history.forEach(s -> csv.append(s.csvRow()).append('\n'));
        write(HISTORY, out -> out.write(csv.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    public void writeModel(Model network) {
        write(MODEL, out -> ModelSerializer.writeModel(network, new NonClosing(out), true));
    }

    private void write(String name, HadoopFiles.Writer writer) {
        try {
            HadoopFiles.writeAtomically(file(name), writer);
        } catch (IOException e) {
            throw HadoopFiles.cannotWrite(file(name), e);
        }
    }

    /** ModelSerializer and Jackson close the stream they are given; the atomic writer must close it itself. */
    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(java.io.OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** Loads a model written by ModelSerializer; DL4J's format is JSON configuration plus raw arrays. */
    public static Model readModel(String modelLocation) {
        return readModel(modelLocation, false);
    }

    /** @param withUpdater also restore the updater state, to continue training */
    public static Model readModel(String modelLocation, boolean withUpdater) {
        Path path = HadoopFiles.path(modelLocation);
        try {
            byte[] bytes;
            try (InputStream in = HadoopFiles.fileSystem(path).open(path)) {
                bytes = in.readAllBytes();
            }
            return sparktrain.worker.model.Networks.fromBytes(bytes, withUpdater);
        } catch (FileNotFoundException e) {
            throw SparktrainException.usage("--model " + modelLocation + ": not found");
        } catch (IOException | RuntimeException e) {
            throw SparktrainException.usage("--model " + modelLocation + ": not a DL4J model file (" + e.getMessage() + ")");
        }
    }

    /** A trial's history.csv, as its run directory holds it. */
    public static List<EpochStats> readHistory(Path historyCsv) throws IOException {
        List<EpochStats> history = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(HadoopFiles.open(historyCsv), StandardCharsets.UTF_8))) {
            in.readLine();
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                if (!line.isBlank()) {
                    history.add(EpochStats.fromCsvRow(line));
                }
            }
        }
        return history;
    }
}
