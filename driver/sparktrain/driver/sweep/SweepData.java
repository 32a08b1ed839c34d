package sparktrain.driver.sweep;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import sparktrain.driver.data.Data;
import sparktrain.driver.data.Inputs;
import sparktrain.driver.stall.StallWatchdog;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.worker.training.Watch;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The data of a sweep's trials, read by the executors once per distinct data setting and shared by the trials
 * that have it: kept on the executors for distributed trials, and written by them as row files under the
 * sweep's {@code data/} directory for trial-parallel trials, which read them inside their task.
 */
final class SweepData implements AutoCloseable {
    static final String DIRECTORY = "data";

    private final JavaSparkContext sc;
    private final Path directory;
    private final Map<String, Data> read = new LinkedHashMap<>();

    SweepData(JavaSparkContext sc, Path sweepDirectory) {
        this.sc = sc;
        this.directory = new Path(sweepDirectory, DIRECTORY);
    }

    /** What decides a trial's rows: its data settings and seed. */
    private static String key(JobConfig job) {
        return job.data() + "|" + job.seed();
    }

    synchronized Data data(JobConfig job) {
        return read.computeIfAbsent(key(job), k -> Inputs.read(job, sc));
    }

    /**
     * The directory holding {@code job}'s training and validation rows as files, written on first use, watched for
     * stalls as the calling trial's (its dump goes to {@code trialDirectory}); the other trials wait for it unwatched.
     */
    synchronized String prepared(JobConfig job, Path trialDirectory) {
        Path dir = new Path(directory, Integer.toHexString(key(job).hashCode()));
        Path train = new Path(dir, "train");
        Path validation = new Path(dir, "validation");
        if (!HadoopFiles.exists(new Path(train, "_SUCCESS").toString())
                || !HadoopFiles.exists(new Path(validation, "_SUCCESS").toString())) {
            try (Watch watch = StallWatchdog.start(sc, job.monitor(), trialDirectory)) {
                watch.starting("reading the data");
                try {
                    Data data = data(job).requireTrainable();
                    HadoopFiles.deleteQuietly(dir);
                    data.train().saveAsObjectFile(train.toString());
                    data.validation().saveAsObjectFile(validation.toString());
                } catch (Exception e) { // Spark's SparkException, which Scala throws unchecked
                    if (watch.stalled() != null) {
                        throw watch.stalled();
                    }
                    throw e;
                }
            }
        }
        return dir.toString();
    }

    @Override
    public synchronized void close() {
        read.values().forEach(Data::close);
        read.clear();
    }
}
