package sparktrain.driver.data;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.data.Row;
import sparktrain.worker.data.TableColumns;
import sparktrain.worker.data.DataFile;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Reads a job's data with the executors: the reader of its data.type. */
public final class Inputs {
    private Inputs() {
    }

    public static Data read(JobConfig job, JavaSparkContext sc) {
        return switch (job.data().type()) {
            case "fashion-mnist" -> IdxInput.read(job, sc);
            case "table" -> TableInput.read(job, sc);
            case "images" -> ImageFolderInput.read(job, sc);
            case "text" -> SequenceInputs.text(job, sc);
            case "sine" -> SequenceInputs.sine(job, sc);
            case "csv-sequences" -> SequenceInputs.csv(job, sc);
            default -> throw new IllegalArgumentException("data.type " + job.data().type() + ": no reader yet");
        };
    }

    /**
     * Every row of data.path to score, nothing split off: a table (data.type = table) as its source reads it, or
     * the images under a folder (data.type = images) as (path, label, pixels) rows, label being the image's class
     * directory or null.
     */
    public static Dataset<org.apache.spark.sql.Row> toScore(JobConfig job, SparkSession spark) {
        return switch (job.data().type()) {
            case "table" -> TableInput.table(job, spark);
            case "images" -> ImageFolderInput.toScore(job, spark);
            default -> throw SparktrainException.usage("data.type " + job.data().type()
                    + ": predict and evaluate --input read a table or an image folder (--format)");
        };
    }

    /** Every labelled row of data.path, nothing split off, each label an index of {@code classes} (a model's). */
    public static JavaRDD<Row> everyRow(JobConfig job, JavaSparkContext sc, List<String> classes) {
        return switch (job.data().type()) {
            case "table" -> TableInput.everyRow(job, SparkSession.builder().sparkContext(sc.sc()).getOrCreate(), classes);
            case "images" -> ImageFolderInput.everyRow(job, sc, classes);
            default -> throw SparktrainException.usage("data.type " + job.data().type()
                    + ": predict and evaluate --input read a table or an image folder (--format)");
        };
    }

    /** The length of the features in a table's first row (one vector or array column), or its feature columns. */
    public static int width(Dataset<org.apache.spark.sql.Row> table, TableColumns columns, String location) {
        return columns.vector() ? TableInput.width(table, columns, location) : columns.features().size();
    }

    /**
     * A DataFrame as a job's training table (data.type = table; data.features and data.label name its columns),
     * converted by the executors where its partitions are: every row trains or validates, none is held out for a
     * test. A classification's label column holds the class indices 0..k-1 as integers; {@code classes} names them.
     */
    public static Data dataFrame(JobConfig job, org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> table,
                                 List<String> classes) {
        return TableInput.ofDataFrame(job, table, classes);
    }

    /** run.json's "data": the counts and the files the executors read (each once, however often a task ran). */
    static Map<String, Object> provenance(Data data, CollectionAccumulator<DataFile> files) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("train", data.trainRows());
        p.put("validation", data.validationRows());
        p.put("test", data.testRows());
        Map<String, DataFile> byPath = new TreeMap<>();
        for (DataFile f : files.value()) {
            byPath.put(f.path(), f);
        }
        p.put("files", List.copyOf(byPath.values()));
        return p;
    }
}
