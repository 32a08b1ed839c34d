package sparktrain.worker.training;

import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.dataset.DataSet;
import sparktrain.worker.model.Networks;
import sparktrain.worker.data.AugmentImages;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Random;

/** DL4J alone in this JVM: the reference the Spark strategies are compared with, in tests and benchmarks. */
public final class SingleJvm implements TrainingStrategy {
    private final Model network;
    private final List<DataSet> batches;
    private final Random shuffle;
    private AugmentImages augment;

    /** @param shuffle reorders the minibatches every epoch; null keeps their order (for exact comparisons) */
    SingleJvm(Model network, List<DataSet> batches, Random shuffle) {
        this.network = network;
        this.batches = new ArrayList<>(batches);
        this.shuffle = shuffle;
    }

    /** Trains every epoch on the minibatches changed anew by {@code augment}. */
    public SingleJvm augmentEachEpoch(AugmentImages augment) {
        this.augment = augment;
        return this;
    }

    @Override
    public void fitEpoch(int epoch) {
        if (shuffle != null) {
            Collections.shuffle(batches, shuffle);
        }
        Iterator<DataSet> epochBatches = augment == null ? batches.iterator()
                : augment.forEpoch(epoch).call(0, batches.iterator());
        Networks.fit(network, new ExistingDataSetIterator(epochBatches));
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
