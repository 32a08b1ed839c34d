package sparktrain.worker.data;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.io.NullWritable;
import org.apache.hadoop.io.SequenceFile;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.worker.io.Serialized;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * Rows the executors wrote with Spark's {@code saveAsObjectFile} (sequence files of Java-serialized arrays),
 * read back without Spark: a trial-parallel sweep's trial reads its data this way inside its task.
 */
public final class RowFiles {
    private RowFiles() {
    }

    /** Every row under {@code directory}, part file by part file. */
    public static List<Row> read(String directory) {
        Path dir = HadoopFiles.path(directory);
        FileSystem fs = HadoopFiles.fileSystem(dir);
        List<Row> rows = new ArrayList<>();
        try {
            FileStatus[] parts = fs.listStatus(dir, p -> p.getName().startsWith("part-"));
            Arrays.sort(parts, Comparator.comparing(FileStatus::getPath));
            for (FileStatus part : parts) {
                try (SequenceFile.Reader reader = new SequenceFile.Reader(fs.getConf(),
                        SequenceFile.Reader.file(part.getPath()))) {
                    NullWritable key = NullWritable.get();
                    BytesWritable value = new BytesWritable();
                    while (reader.next(key, value)) {
                        for (Object row : (Object[]) Serialized.fromBytes(value.copyBytes())) {
                            rows.add((Row) row);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the rows in " + directory + ": " + e.getMessage(), e);
        }
        return rows;
    }
}
