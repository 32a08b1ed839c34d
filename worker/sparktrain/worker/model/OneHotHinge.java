package sparktrain.worker.model;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossHinge;

/**
 * Multi-class (one-vs-rest) hinge loss on one-hot labels. DL4J's LossHinge expects labels of -1 and +1;
 * with one-hot labels the wrong classes (label 0) would get no gradient at all, so this maps 0/1 to -1/+1.
 */
public final class OneHotHinge implements ILossFunction {
    private static final LossHinge HINGE = new LossHinge();

    private static INDArray signs(INDArray oneHot) {
        return oneHot.mul(2).subi(1);
    }

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask, boolean average) {
        return HINGE.computeScore(signs(labels), preOutput, activationFn, mask, average);
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return HINGE.computeScoreArray(signs(labels), preOutput, activationFn, mask);
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        return HINGE.computeGradient(signs(labels), preOutput, activationFn, mask);
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return HINGE.computeGradientAndScore(signs(labels), preOutput, activationFn, mask, average);
    }

    @Override
    public String name() {
        return "OneHotHinge";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OneHotHinge;
    }

    @Override
    public int hashCode() {
        return OneHotHinge.class.hashCode();
    }

    @Override
    public String toString() {
        return name();
    }
}
