package sparktrain.worker.training;

import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.DataSet;
import sparktrain.worker.model.Networks;

import java.util.Iterator;
import java.util.function.IntFunction;

/** DL4J alone in this JVM: the reference the Spark strategies are compared with, in tests and benchmarks. */
public final class SingleJvm implements TrainingStrategy {
    private final Model network;
    private final IntFunction<Iterator<DataSet>> epochs;

    /** @param epochs each epoch's minibatches, in the order they are fitted */
    SingleJvm(Model network, IntFunction<Iterator<DataSet>> epochs) {
        this.network = network;
        this.epochs = epochs;
    }

    @Override
    public void fitEpoch(int epoch) {
        Networks.fit(network, new ExistingDataSetIterator(epochs.apply(epoch)));
    }

    @Override
    public Model network() {
        return network;
    }

    @Override
    public String describe() {
        return "single JVM";
    }
}
