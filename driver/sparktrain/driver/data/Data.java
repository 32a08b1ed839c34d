package sparktrain.driver.data;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.data.Row;
import sparktrain.worker.data.Split;
import sparktrain.worker.tasks.Task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A job's data as the executors read and keep it: training, validation and test rows (persisted on the
 * executors, serialized, in memory and on disk), and the little the driver holds: their counts, what the
 * task needs (class names, vocabulary, normalisation statistics) and where the data came from. Closing it
 * unpersists what it cached.
 */
public final class Data implements AutoCloseable {
    /** How rows are kept between epochs: serialized, spilling to disk rather than being read again. */
    public static final StorageLevel KEPT = StorageLevel.MEMORY_AND_DISK_SER();

    private final JavaRDD<Row> train;
    private final JavaRDD<Row> validation;
    private final JavaRDD<Row> test;
    private final Function<JobConfig, Task> tasks;
    private final Function<Data, Map<String, Object>> provenance;
    private final Consumer<Data> checks;
    private final List<JavaRDD<?>> cached;
    private long trainRows = -1;
    private long validationRows = -1;
    private long testRows = -1;

    /**
     * @param provenance run.json's "data", once the rows were read
     * @param checks     what must hold before training (e.g. rows left in each split), with its error
     */
    Data(JavaRDD<Row> train, JavaRDD<Row> validation, JavaRDD<Row> test, Function<JobConfig, Task> tasks,
         Function<Data, Map<String, Object>> provenance, Consumer<Data> checks, List<JavaRDD<?>> cached) {
        this.train = train;
        this.validation = validation;
        this.test = test;
        this.tasks = tasks;
        this.provenance = provenance;
        this.checks = checks;
        this.cached = List.copyOf(cached);
    }

    /** The task of {@code job} on this data (its own label smoothing, test-time flip, loss). */
    public Task task(JobConfig job) {
        return tasks.apply(job);
    }

    /** Reads the rows now and fails on what training cannot start with (an empty split, say). */
    public Data requireTrainable() {
        checks.accept(this);
        return this;
    }

    public JavaRDD<Row> train() {
        return train;
    }

    public JavaRDD<Row> validation() {
        return validation;
    }

    public JavaRDD<Row> test() {
        return test;
    }

    public long trainRows() {
        if (trainRows < 0) {
            trainRows = train.count();
        }
        return trainRows;
    }

    public long validationRows() {
        if (validationRows < 0) {
            validationRows = validation.count();
        }
        return validationRows;
    }

    public long testRows() {
        if (testRows < 0) {
            testRows = test.count();
        }
        return testRows;
    }

    /** Counts and data files, for run.json's "data" object. */
    public Map<String, Object> provenance() {
        return provenance.apply(this);
    }

    /** The rows of {@code all} in one split. */
    static JavaRDD<Row> of(JavaRDD<Row> all, Split split, int which) {
        return all.filter(new InSplit(split, which));
    }

    record InSplit(Split split, int which) implements org.apache.spark.api.java.function.Function<Row, Boolean> {
        @Override
        public Boolean call(Row row) {
            return split.of(row.id) == which;
        }
    }

    /** The first {@code limit} rows by id (0 = all): the driver learns the limit's id, not the rows. */
    static JavaRDD<Row> firstById(JavaRDD<Row> rows, int limit) {
        if (limit <= 0) {
            return rows;
        }
        List<Long> first = rows.map(new Row.Id()).takeOrdered(limit);
        long last = first.isEmpty() ? Long.MIN_VALUE : first.get(first.size() - 1);
        return rows.filter(new Row.IdAtMost(last));
    }

    /** Keeps {@code rows} on the executors and remembers to release them. */
    static <T> JavaRDD<T> keep(JavaRDD<T> rows, List<JavaRDD<?>> cached) {
        cached.add(rows.persist(KEPT));
        return rows;
    }

    static List<JavaRDD<?>> cache() {
        return new ArrayList<>();
    }

    @Override
    public void close() {
        cached.forEach(rdd -> rdd.unpersist(false));
    }
}
