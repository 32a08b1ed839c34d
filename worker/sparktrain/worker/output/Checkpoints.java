package sparktrain.worker.output;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.worker.training.EpochStats;
import sparktrain.worker.training.LoopState;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * {@code checkpoints/epoch-NNNN/} in a run directory: the model with its updater state, the best model when
 * early stopping keeps one, and the loop state. Each is written into a hidden directory that is renamed
 * into place when complete, so a checkpoint directory either is whole or does not exist.
 */
public final class Checkpoints {
    private static final Logger log = LoggerFactory.getLogger(Checkpoints.class);
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    private static final String PREFIX = "epoch-";
    private static final String MODEL = "model.zip";
    private static final String BEST = "best.zip";
    private static final String STATE = "state.json";
    public static final String LAST_GOOD = "last-good.json";

    private final Path dir;
    private final int keep;

    public Checkpoints(Path runDirectory, int keep) {
        this.dir = new Path(runDirectory, "checkpoints");
        this.keep = keep;
    }

    /** What state.json holds: the loop state without the networks. */
    record State(int epochsDone, List<EpochStats> history, double bestMetric, int bestEpoch, boolean hasBest) {
    }

    public record Restored(Model network, LoopState state, Path from) {
    }

    public void save(Model network, LoopState state) {
        FileSystem fs = HadoopFiles.fileSystem(dir);
        Path target = new Path(dir, String.format("%s%04d", PREFIX, state.epochsDone()));
        Path tmp = new Path(dir, ".tmp-" + target.getName() + "-" + UUID.randomUUID());
        try {
            HadoopFiles.mkdirs(tmp);
            writeModel(fs, new Path(tmp, MODEL), network);
            if (state.best() != null) {
                writeModel(fs, new Path(tmp, BEST), state.best());
            }
            State json = new State(state.epochsDone(), state.history(), state.bestMetric(), state.bestEpoch(),
                    state.best() != null);
            try (OutputStream out = fs.create(new Path(tmp, STATE), false)) {
                JSON.writeValue(out, json);
            }
            // a checkpoint of the same epoch (a resumed run redoing it) is moved aside, not deleted, until
            // the new one is in place: a crash in between leaves one of them whole
            Path aside = new Path(dir, ".old-" + target.getName() + "-" + UUID.randomUUID());
            boolean replacing = fs.exists(target);
            if (replacing && !fs.rename(target, aside)) {
                throw new IOException("cannot move " + target + " aside");
            }
            if (!fs.rename(tmp, target)) {
                if (replacing) {
                    fs.rename(aside, target);
                }
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
            if (replacing) {
                deleteQuietly(fs, aside);
            }
        } catch (IOException | FSError e) {
            deleteQuietly(fs, tmp);
            throw HadoopFiles.cannotWrite("checkpoint " + target, e);
        }
        deleteQuietly(fs, new Path(dir, LAST_GOOD));
        prune(fs);
    }

    /**
     * Marks the newest complete checkpoint as the last good one, after the run diverged: writes
     * {@code checkpoints/last-good.json} naming it and why. The next checkpoint saved removes the mark.
     *
     * @return the checkpoint marked, if there is one
     */
    public Optional<Path> markLastGood(String reason) {
        Optional<Path> newest = newest();
        if (newest.isEmpty()) {
            return Optional.empty();
        }
        Path last = newest.get();
        try {
            java.util.Map<String, Object> mark = new java.util.LinkedHashMap<>();
            mark.put("checkpoint", last.getName());
            mark.put("reason", reason);
            mark.put("markedAt", java.time.Instant.now().toString());
            HadoopFiles.writeAtomically(new Path(dir, LAST_GOOD), out -> out.write(JSON.writeValueAsBytes(mark)));
            return Optional.of(last);
        } catch (IOException e) {
            log.warn("cannot mark the last good checkpoint in {}: {}", dir, e.getMessage());
            return Optional.empty();
        }
    }

    /** The newest complete checkpoint's directory, if any, without reading it. */
    public Optional<Path> newest() {
        try {
            List<Path> all = complete(HadoopFiles.fileSystem(dir));
            return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
        } catch (IOException e) {
            log.warn("cannot list the checkpoints in {}: {}", dir, e.getMessage());
            return Optional.empty();
        }
    }

    private static void writeModel(FileSystem fs, Path path, Model network) throws IOException {
        try (OutputStream out = fs.create(path, false)) {
            ModelSerializer.writeModel(network, out, true);
        }
    }

    /** The newest complete checkpoint, if any. */
    public Optional<Restored> latest() {
        FileSystem fs = HadoopFiles.fileSystem(dir);
        try {
            List<Path> newestFirst = new ArrayList<>(complete(fs));
            java.util.Collections.reverse(newestFirst);
            for (Path candidate : newestFirst) {
                try {
                    return Optional.of(restore(fs, candidate));
                } catch (IOException | RuntimeException e) {
                    log.warn("skipping unreadable checkpoint {}: {}", candidate, e.getMessage());
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir + ": " + e.getMessage(), e);
        }
    }

    private Restored restore(FileSystem fs, Path checkpoint) throws IOException {
        State s;
        try (java.io.InputStream in = fs.open(new Path(checkpoint, STATE))) {
            s = JSON.readValue(in, State.class);
        }
        Model network = RunOutputs.readModel(new Path(checkpoint, MODEL).toString(), true);
        Model best = s.hasBest() ? RunOutputs.readModel(new Path(checkpoint, BEST).toString(), true) : null;
        return new Restored(network, new LoopState(s.epochsDone(), s.history(), s.bestMetric(), s.bestEpoch(), best),
                checkpoint);
    }

    /** Complete checkpoint directories, oldest first. */
    private List<Path> complete(FileSystem fs) throws IOException {
        if (!fs.exists(dir)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        for (FileStatus status : fs.listStatus(dir)) {
            String name = status.getPath().getName();
            if (status.isDirectory() && name.startsWith(PREFIX) && fs.exists(new Path(status.getPath(), STATE))) {
                found.add(status.getPath());
            }
        }
        found.sort(Comparator.comparing(Path::getName));
        return found;
    }

    private void prune(FileSystem fs) {
        try {
            List<Path> all = complete(fs);
            for (Path old : all.subList(0, Math.max(0, all.size() - keep))) {
                fs.delete(old, true);
            }
            Arrays.stream(fs.listStatus(dir)).map(FileStatus::getPath)
                    .filter(p -> p.getName().startsWith(".tmp-") || p.getName().startsWith(".old-"))
                    .forEach(p -> deleteQuietly(fs, p));
        } catch (IOException e) {
            log.warn("cannot prune old checkpoints in {}: {}", dir, e.getMessage());
        }
    }

    private static void deleteQuietly(FileSystem fs, Path p) {
        try {
            fs.delete(p, true);
        } catch (IOException ignored) {
            // best effort: a leftover temporary directory is never read
        }
    }

    /** The divergence error, with the last good checkpoint marked and named, and how to resume from it. */
    public SparktrainException lastGoodError(SparktrainException diverged, String runDirectory) {
        String more = markLastGood(diverged.problems().get(0))
                .map(p -> "; the last good checkpoint is " + p + " (named in checkpoints/" + LAST_GOOD
                        + "): continue from it with train --resume " + runDirectory + " --set training.learning-rate=LOWER")
                .orElse("; no checkpoint was written before it");
        return new SparktrainException(diverged.exitCode(), diverged.problems().get(0) + more, diverged);
    }

    /** A stopped run's error, with the checkpoint it can continue from. */
    public SparktrainException resumableError(SparktrainException stopped, String runDirectory) {
        return new SparktrainException(stopped.exitCode(), stopped.problems().get(0) + "; " + resumeHint(runDirectory),
                stopped);
    }

    /** "the last checkpoint is DIR/checkpoints/epoch-0002: continue from it with train --resume DIR", or that there is none. */
    public String resumeHint(String runDirectory) {
        return newest().map(p -> "the last checkpoint is " + p + ": continue from it with train --resume " + runDirectory)
                .orElse("no checkpoint was written before it");
    }

    public static SparktrainException nothingToResume(String runDirectory) {
        return SparktrainException.usage("--resume " + runDirectory + ": no complete checkpoint in "
                + runDirectory + "/checkpoints (training.checkpoint.every must be > 0)");
    }
}
