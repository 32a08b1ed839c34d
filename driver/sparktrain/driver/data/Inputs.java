package sparktrain.driver.data;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.CollectionAccumulator;
import sparktrain.worker.config.JobConfig;
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
