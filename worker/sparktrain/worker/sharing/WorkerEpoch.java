package sparktrain.worker.sharing;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.util.Iterator;

/**
 * Tells a gradient-sharing worker's network which epoch it trains, so that epoch-based learning-rate schedules (and
 * the threshold scaled with them) move on under sharing as they do under averaging.
 *
 * <p>DL4J's SharedTrainingWrapper builds its network from the broadcast once per executor JVM and trains that same
 * network in every later epoch, and its epoch count did not follow the driver's: the thresholds of a second epoch
 * were those of the first to the digit, so a cosine schedule never annealed. Each epoch's data goes through a
 * {@link Marker}, which records the epoch in the executor's JVM as its partition is read, before DL4J trains it;
 * this listener, attached to the worker's network, sets the network's epoch count from it as each fit starts.
 */
public final class WorkerEpoch extends BaseTrainingListener implements Serializable {
    private static final Logger log = LoggerFactory.getLogger(WorkerEpoch.class);
    private static volatile int current = -1;

    /** Records DL4J's epoch count ({@code epochCount}: 0 for the first epoch) as its partition is read. */
    public record Marker(int epochCount) implements FlatMapFunction<Iterator<DataSet>, DataSet> {
        @Override
        public Iterator<DataSet> call(Iterator<DataSet> batches) {
            current = epochCount;
            return batches;
        }
    }

    /** The epoch count the last partition read in this JVM was marked with, -1 if none. */
    public static int current() {
        return current;
    }

    @Override
    public void onEpochStart(Model model) {
        int epoch = current;
        int count = model instanceof ComputationGraph graph ? graph.getEpochCount()
                : ((MultiLayerNetwork) model).getEpochCount();
        if (epoch < 0 || count == epoch) {
            return;
        }
        log.info("sharing worker: the network's epoch count was {}, set to the driver's {}", count, epoch);
        if (model instanceof ComputationGraph graph) {
            graph.getConfiguration().setEpochCount(epoch);
        } else {
            ((MultiLayerNetwork) model).setEpochCount(epoch);
        }
    }
}
