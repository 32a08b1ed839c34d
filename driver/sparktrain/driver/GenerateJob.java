package sparktrain.driver;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.data.Vocabulary;
import sparktrain.worker.model.CharSampler;

import java.util.Random;
import java.util.stream.Collectors;

/** {@code sparktrain generate}: samples text from a char-lstm model and the vocabulary saved beside it. */
public final class GenerateJob {
    private GenerateJob() {
    }

    /** The prime followed by {@code length} sampled characters. */
    public static String run(String modelLocation, int length, double temperature, String prime, long seed) {
        Model loaded = RunOutputs.readModel(modelLocation);
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
        return prime + CharSampler.sample(network, vocabulary, start, length, temperature, new Random(seed));
    }
}
