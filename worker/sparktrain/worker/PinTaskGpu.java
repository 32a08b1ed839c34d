package sparktrain.worker;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.nd4j.linalg.dataset.DataSet;

import java.util.Iterator;

/**
 * Executor function: pins the task to its Spark-assigned GPU when Spark calls it, which is before
 * DL4J's training function (applied on top of this partition) creates the worker's network.
 */
public final class PinTaskGpu implements FlatMapFunction<Iterator<DataSet>, DataSet> {
    @Override
    public Iterator<DataSet> call(Iterator<DataSet> minibatches) {
        GpuPinning.pinToTaskGpu();
        return minibatches;
    }
}
