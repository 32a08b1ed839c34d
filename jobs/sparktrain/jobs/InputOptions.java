package sparktrain.jobs;

import picocli.CommandLine.Option;
import sparktrain.driver.SavedModel;

/** {@code --model}, {@code --input} and {@code --format} of predict and evaluate, and the saved model they name. */
final class InputOptions {
    @Option(names = "--model", required = true, paramLabel = "DIR_OR_ZIP",
            description = "A model.zip written by train; with --input also its run directory (labels.json,"
                    + " preprocessing.json and, without CONFIG, job.conf are read beside it).")
    String model;

    @Option(names = "--input", paramLabel = "URI",
            description = "The rows to score (predict) or to measure on, every one of them (evaluate): a table (a file"
                    + " or directory) or a folder of images (for evaluate one directory per class), any Hadoop URI.")
    String input;

    @Option(names = "--format", paramLabel = "FORMAT",
            description = "The input's format: parquet, orc, csv, json or images (default: the job's data.format).")
    String format;

    /** The model with its job's data pointed at --input. */
    SavedModel read(JobOptions job) {
        return SavedModel.read(model, job.config, job.overrides, input, format);
    }
}
