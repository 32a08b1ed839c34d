package sparktrain.driver.bench;

import sparktrain.worker.SparktrainException;
import sparktrain.worker.training.EpochStats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The epochs of a training that scripts/bench ran into {@code RUN/} (its log beside it, {@code RUN.log}). */
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
}
