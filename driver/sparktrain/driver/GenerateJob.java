package sparktrain.driver;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.data.Vocabulary;

import java.util.Random;
import java.util.stream.Collectors;

/** {@code sparktrain generate}: samples text from a char-lstm model and the vocabulary saved beside it. */
public final class GenerateJob {
    private GenerateJob() {
    }

    /** The prime followed by {@code length} sampled characters. */
    public static String run(String modelLocation, int length, double temperature, String prime, long seed) {
        Model loaded = EvaluateJob.load(modelLocation);
        Vocabulary vocabulary = Vocabulary.besideModel(modelLocation);
        if (!(loaded instanceof MultiLayerNetwork network)
                || !(network.getLayerWiseConfigurations().getConf(0).getLayer() instanceof EmbeddingSequenceLayer)) {
            throw SparktrainException.usage("--model " + modelLocation + ": not a char-lstm model");
        }
        long outputs = network.layerSize(network.getnLayers() - 1);
        if (outputs != vocabulary.size()) {
            throw SparktrainException.usage("--model " + modelLocation + ": the model predicts " + outputs
                    + " characters but the vocabulary beside it has " + vocabulary.size());
        }
        String start = !prime.isEmpty() ? prime
                : vocabulary.index('\n') >= 0 ? "\n" : String.valueOf(vocabulary.character(0));
        String unknown = start.chars().filter(c -> vocabulary.index((char) c) < 0).distinct()
                .mapToObj(c -> "'" + (char) c + "'").collect(Collectors.joining(", "));
        if (!unknown.isEmpty()) {
            throw SparktrainException.usage("--prime: the model's vocabulary lacks " + unknown);
        }
        return prime + sample(network, vocabulary, start, length, temperature, new Random(seed));
    }

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
