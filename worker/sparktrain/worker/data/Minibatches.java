package sparktrain.worker.data;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.PairFlatMapFunction;
import org.apache.spark.api.java.function.PairFunction;
import org.nd4j.linalg.dataset.DataSet;
import scala.Tuple2;
import sparktrain.worker.tasks.Task;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A partition's rows as minibatches of {@code size} (the last may be smaller), built as they are consumed.
 * The rows come in the order of the epoch's shuffle ({@link #shuffleKey}).
 */
public record Minibatches(Task task, int size) implements FlatMapFunction<Iterator<Row>, DataSet> {

    /**
     * Each epoch's key of a row: a seeded hash of the row's id and the epoch. Partitioning and sorting by it
     * gives every epoch a new order and new partition-mates, the same on every run and after {@code --resume}.
     */
    public static long shuffleKey(long seed, int epoch, long id) {
        return Split.mix((seed * 1_000_003L + epoch) * 0x9E3779B97F4A7C15L + id);
    }

    /** Each row with its {@link #shuffleKey} for {@code epoch}. */
    public record ShuffleKey(long seed, int epoch) implements PairFunction<Row, Long, Row> {
        @Override
        public Tuple2<Long, Row> call(Row row) {
            return new Tuple2<>(shuffleKey(seed, epoch, row.id), row);
        }
    }

    /** Whether a minibatch holds {@code size} examples. */
    public record Full(int size) implements org.apache.spark.api.java.function.Function<DataSet, Boolean> {
        @Override
        public Boolean call(DataSet batch) {
            return batch.numExamples() == size;
        }
    }

    /** A minibatch numbered by {@code zipWithIndex}, keyed by its number if that is in {@code [from, to)}. */
    public record Numbered(long from, long to) implements PairFlatMapFunction<Tuple2<DataSet, Long>, Long, DataSet> {
        @Override
        public Iterator<Tuple2<Long, DataSet>> call(Tuple2<DataSet, Long> numbered) {
            long i = numbered._2();
            return (i >= from && i < to ? List.of(numbered.swap()) : List.<Tuple2<Long, DataSet>>of()).iterator();
        }
    }

    /** The partition a row goes to in {@code epoch}, as {@code partitioner} places its {@link #shuffleKey}. */
    public record PartitionOf(long seed, int epoch, org.apache.spark.Partitioner partitioner)
            implements org.apache.spark.api.java.function.Function<Row, Integer> {
        @Override
        public Integer call(Row row) {
            return partitioner.getPartition(shuffleKey(seed, epoch, row.id));
        }
    }

    @Override
    public Iterator<DataSet> call(Iterator<Row> rows) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return rows.hasNext();
            }

            @Override
            public DataSet next() {
                if (!rows.hasNext()) {
                    throw new NoSuchElementException();
                }
                List<Row> batch = new ArrayList<>(size);
                while (rows.hasNext() && batch.size() < size) {
                    batch.add(rows.next());
                }
                return task.batch(batch, true);
            }
        };
    }
}
