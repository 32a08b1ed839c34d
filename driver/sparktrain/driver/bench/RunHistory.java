package sparktrain.driver.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.training.EpochStats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The epochs of a training that scripts/bench ran into {@code RUN/} (its log beside it, {@code RUN.log}), and what
 * its run.json recorded.
 */
final class RunHistory {
    private RunHistory() {
    }

    /**
     * {@code run}'s history.csv, one row per epoch; a usage error naming the file and the log when it is missing or
     * holds no epoch.
     */
    static List<EpochStats> read(String part, Path run) throws IOException {
        Path history = run.resolve("history.csv");
        if (!Files.isRegularFile(history)) {
            throw SparktrainException.usage("bench " + part + ": " + history + ": missing; did that training fail? See "
                    + run + ".log");
        }
        List<EpochStats> epochs = Files.readAllLines(history).stream().skip(1).filter(l -> !l.isBlank())
                .map(EpochStats::fromCsvRow).toList();
        if (epochs.isEmpty()) {
            throw SparktrainException.usage("bench " + part + ": " + history + ": no epoch; did that training fail? See "
                    + run + ".log");
        }
        return epochs;
    }

    /** The workers {@code run} trained with, as its run.json records them; a usage error naming the file otherwise. */
    static int workers(String part, Path run) throws IOException {
        Path json = run.resolve(RunOutputs.RUN);
        if (!Files.isRegularFile(json)) {
            throw SparktrainException.usage("bench " + part + ": " + json + ": missing; did that training fail? See "
                    + run + ".log");
        }
        JsonNode workers = JsonMapper.builder().build().readTree(json.toFile()).path("workers");
        if (!workers.isIntegralNumber() || !workers.canConvertToInt() || workers.intValue() < 1) {
            throw SparktrainException.usage("bench " + part + ": " + json + ": workers = "
                    + (workers.isMissingNode() ? "missing" : workers) + ": must be a whole number >= 1");
        }
        return workers.intValue();
    }
}
