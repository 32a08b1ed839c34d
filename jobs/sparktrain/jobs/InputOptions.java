package sparktrain.jobs;

import picocli.CommandLine.Option;
import sparktrain.driver.SavedModel;

import java.util.ListResourceBundle;

/**
 * {@code --model}, {@code --input} and {@code --format} of predict and evaluate, and the saved model they name. Each
 * command words their help for itself: it declares {@link #HELP} as its resource bundle.
 */
final class InputOptions {
    static final String HELP = "sparktrain.jobs.InputOptions$Help";

    @Option(names = "--model", required = true, paramLabel = "DIR_OR_ZIP")
    String model;

    @Option(names = "--input", paramLabel = "URI")
    String input;

    @Option(names = "--format", paramLabel = "FORMAT")
    String format;

    /** The model with its job's data pointed at --input. */
    SavedModel read(JobOptions job) {
        return SavedModel.read(model, job.config, job.overrides, input, format);
    }

    /** The options' descriptions, by picocli's keys: the command's qualified name, then the option's. */
    public static final class Help extends ListResourceBundle {
        @Override
        protected Object[][] getContents() {
            return new Object[][] {
                    {"sparktrain.predict.model", "A run directory of train, or its model.zip (labels.json,"
                            + " preprocessing.json and, without CONFIG, job.conf are read beside it)."},
                    {"sparktrain.predict.input", "The rows to score: a table (a file or directory) or a folder of"
                            + " images, any Hadoop URI."},
                    {"sparktrain.predict.format", "The input's format: parquet, orc, csv, json or images (default: the"
                            + " job's data.format)."},
                    {"sparktrain.evaluate.model", "A model.zip written by train; with --input also its run directory"
                            + " (labels.json, preprocessing.json and, without CONFIG, job.conf are read beside it)."},
                    {"sparktrain.evaluate.input", "Labelled rows to measure on, every one of them: a table or a folder"
                            + " of images in one directory per class, any Hadoop URI."},
                    {"sparktrain.evaluate.format", "With --input: parquet, orc, csv, json or images (default: the"
                            + " job's data.format)."},
            };
        }
    }
}
