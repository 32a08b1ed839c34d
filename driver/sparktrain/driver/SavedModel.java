package sparktrain.driver;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigUtil;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.DataConfig;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.worker.model.InputShape;
import sparktrain.worker.model.Networks;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.tasks.BesideModel;
import sparktrain.worker.tasks.ClassificationTask;
import sparktrain.worker.tasks.RegressionTask;
import sparktrain.worker.tasks.Task;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A model {@code train} wrote (its run directory or the model.zip in it) with the job that reads new rows for it
 * ({@code predict} and {@code evaluate} with {@code --input}): the job is the one saved beside the model
 * (job.conf) or the one given, its data pointed at the input: a table of the input's format, or an image folder.
 * A model trained on the bundled Fashion-MNIST reads the tables and folders {@code make-data} writes.
 *
 * @param file    the model file
 * @param network the model file's bytes
 * @param restored the network they hold
 * @param classes  a classifier's class names, from labels.json beside the model; null for a regression
 */
public record SavedModel(String file, byte[] network, Model restored, JobConfig job, List<String> classes) {
    public static final List<String> FORMATS = List.of("parquet", "orc", "csv", "json", "images");

    /**
     * @param config    the job file, or null for the job.conf beside the model
     * @param overrides --set lines
     * @param format    the input's format ({@link #FORMATS}), or null for the job's table format
     */
    public static SavedModel read(String model, String config, List<String> overrides, String input, String format) {
        if (format != null && !FORMATS.contains(format)) {
            throw SparktrainException.usage("--format " + format + ": must be one of " + String.join(", ", FORMATS));
        }
        String file = modelFile(model);
        byte[] bytes = bytes(file);
        String jobFile = config != null ? config : new Path(HadoopFiles.path(file).getParent(), RunOutputs.JOB).toString();
        if (config == null && !HadoopFiles.exists(jobFile)) {
            throw SparktrainException.usage("--model " + model + ": no " + RunOutputs.JOB + " beside it: give the job"
                    + " file the model was trained with as CONFIG");
        }
        Config parsed = JobFiles.read(jobFile);
        DataConfig trained = JobFiles.validate(parsed, jobFile, overrides).data();
        if (trained.sequences()) {
            throw SparktrainException.usage("--input: a " + trained.type() + " model reads sequences: for a"
                    + " timeseries-lstm model's forecasts use predict --model FILE CONFIG (without --input)");
        }
        boolean images = "images".equals(format) || (format == null && trained.type().equals("images"));
        List<String> all = new ArrayList<>(overrides);
        all.add("data.type=" + (images ? "images" : "table"));
        all.add("data.path=" + ConfigUtil.quoteString(input));
        all.add("data.validation-path=\"\"");
        all.add("data.test-path=\"\"");
        if (!images) {
            all.add("data.format=" + (format != null ? format : trained.type().equals("table") ? trained.format() : "parquet"));
        }
        if (trained.type().equals("fashion-mnist")) { // make-data's layout
            if (trained.features().isEmpty()) {
                all.add("data.features=[pixels]");
            }
            if (trained.imageHeight() == 0) {
                all.addAll(List.of("data.image.height=28", "data.image.width=28", "data.image.channels=1"));
            }
        }
        JobConfig job = JobFiles.validate(parsed, jobFile, all);
        return new SavedModel(file, bytes, restore(file, bytes), job, classes(job, file));
    }

    /** A run directory's model.zip, or the file given. */
    private static String modelFile(String model) {
        Path path = HadoopFiles.path(model);
        try {
            return HadoopFiles.fileSystem(path).getFileStatus(path).isDirectory()
                    ? new Path(path, RunOutputs.MODEL).toString() : model;
        } catch (FileNotFoundException e) {
            throw SparktrainException.usage("--model " + model + ": not found");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --model " + model + ": " + e.getMessage(), e);
        }
    }

    private static byte[] bytes(String file) {
        Path path = HadoopFiles.path(file);
        try (InputStream in = HadoopFiles.open(path)) {
            return in.readAllBytes();
        } catch (FileNotFoundException e) {
            throw SparktrainException.usage("--model " + file + ": not found (a run directory of train holds model.zip)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read --model " + file + ": " + e.getMessage(), e);
        }
    }

    private static Model restore(String file, byte[] bytes) {
        try {
            return Networks.fromBytes(bytes, false);
        } catch (IOException | RuntimeException e) {
            throw SparktrainException.usage("--model " + file + ": not a DL4J model file (" + e.getMessage() + ")");
        }
    }

    private static List<String> classes(JobConfig job, String file) {
        if (job.data().regression()) {
            return null;
        }
        List<String> classes = BesideModel.classes(file);
        if (classes == null) {
            throw SparktrainException.usage(new Path(HadoopFiles.path(file).getParent(), ClassificationTask.LABELS_FILE)
                    + ": not found: a classifier's predictions are named by the classes train saved beside the model");
        }
        return classes;
    }

    /** The task that scores rows of {@code width} values as the model was trained: shape, classes, normalisation. */
    public Task task(int width) {
        DataConfig d = job.data();
        int outputs = classes == null ? d.label().size() : classes.size();
        InputShape shape = d.imageHeight() > 0 ? new InputShape(d.imageHeight(), d.imageWidth(), d.imageChannels(), outputs)
                : new InputShape(1, width, 1, outputs);
        if (shape.flatSize() != width) {
            throw SparktrainException.badData(d.path() + ": " + width + " values per row, but data.image.* is "
                    + d.imageHeight() + "x" + d.imageWidth() + "x" + d.imageChannels() + " = " + shape.flatSize());
        }
        Task task = classes == null ? new RegressionTask(shape, d.label(), null, null)
                : new ClassificationTask(shape, classes, job.model().loss().equals("mcxent"), d.augmentTestFlip(), 0, null);
        requireInputs(restored, task, file, d.path());
        return BesideModel.normalised(task, file);
    }

    /** The network takes the task's inputs: a feature count that does not match is an error naming both numbers. */
    static void requireInputs(Model network, Task task, String model, String data) {
        long inputs = network instanceof MultiLayerNetwork mln ? mln.layerInputSize(0) : task.shape().flatSize();
        // a convolutional network's first layer takes the image's channels
        if (inputs != task.shape().flatSize() && inputs != task.shape().channels()) {
            throw SparktrainException.usage("model " + model + " takes " + inputs + " inputs but the data at "
                    + data + " has " + task.shape().flatSize() + " values per example");
        }
    }
}
