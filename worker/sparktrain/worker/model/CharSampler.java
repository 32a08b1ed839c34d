package sparktrain.worker.model;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import sparktrain.worker.data.Vocabulary;

import java.util.Random;

/** Text drawn character by character from a char-lstm model, for {@code generate} and the run report. */
public final class CharSampler {
    private CharSampler() {
    }

    /** {@code length} characters drawn after feeding {@code prime}, each from the model's distribution at {@code temperature}. */
    public static String sample(MultiLayerNetwork network, Vocabulary vocabulary, String prime, int length,
                         double temperature, Random random) {
        network.rnnClearPreviousState();
        int[] primeIndexes = vocabulary.encode(prime);
        float[] primeInput = new float[primeIndexes.length];
        for (int i = 0; i < primeIndexes.length; i++) {
            primeInput[i] = primeIndexes[i];
        }
        INDArray out = network.rnnTimeStep(Nd4j.create(primeInput, new long[] {1, 1, primeInput.length}, 'c'));
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            INDArray last = out.get(NDArrayIndex.point(0), NDArrayIndex.all(), NDArrayIndex.point(out.size(2) - 1));
            int next = draw(last.toDoubleVector(), temperature, random);
            text.append(vocabulary.character(next));
            out = network.rnnTimeStep(Nd4j.create(new float[] {next}, new long[] {1, 1, 1}, 'c'));
        }
        network.rnnClearPreviousState();
        return text.toString();
    }

    /** Draws an index from {@code probabilities} sharpened (temperature < 1) or flattened (> 1). */
    static int draw(double[] probabilities, double temperature, Random random) {
        double[] weights = new double[probabilities.length];
        double total = 0;
        for (int i = 0; i < weights.length; i++) {
            weights[i] = Math.exp(Math.log(Math.max(probabilities[i], 1e-30)) / temperature);
            total += weights[i];
        }
        double u = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            u -= weights[i];
            if (u <= 0) {
                return i;
            }
        }
        return weights.length - 1;
    }
}
