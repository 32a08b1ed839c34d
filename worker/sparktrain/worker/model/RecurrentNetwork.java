package sparktrain.worker.model;

import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import sparktrain.worker.config.ModelConfig;
import sparktrain.worker.config.TrainingConfig;

/**
 * Stacked LSTMs (one per model.hidden-layers entry) with an output at every time step.
 * <ul>
 * <li>char-lstm: input [batch, 1, time] of character indices through an embedding; softmax over the
 * vocabulary with sparse cross-entropy, so labels are indices too ([batch, 1, time]) and no one-hot
 * array is ever built.</li>
 * <li>timeseries-lstm: input [batch, columns, time]; a linear output of the next step's columns, mse or mae.</li>
 * </ul>
 */
final class RecurrentNetwork {
    private RecurrentNetwork() {
    }

    static MultiLayerConfiguration configuration(ModelConfig model, TrainingConfig training, long seed, InputShape shape) {
        NeuralNetConfiguration.ListBuilder list = NetworkFactory.common(model, training, seed).list();
        boolean text = model.type().equals("char-lstm");
        int inputs;
        if (text) {
            // inferred length: the same network takes TBPTT segments and single steps when generating
            list.layer(new EmbeddingSequenceLayer.Builder().nIn(shape.classes()).nOut(model.embeddingSize())
                    .inferInputLength(true).outputDataFormat(RNNFormat.NCW).activation(Activation.IDENTITY).build());
            inputs = model.embeddingSize();
        } else {
            inputs = shape.valuesPerStep();
        }
        boolean first = true;
        for (int size : model.hiddenLayers()) {
            LSTM.Builder lstm = new LSTM.Builder().nIn(inputs).nOut(size).activation(Activation.TANH)
                    .dataFormat(RNNFormat.NCW);
            if (model.dropout() > 0 && !first) {
                lstm.dropOut(1.0 - model.dropout());
            }
            list.layer(lstm.build());
            inputs = size;
            first = false;
        }
        RnnOutputLayer.Builder out = text
                ? new RnnOutputLayer.Builder(LossFunction.SPARSE_MCXENT).activation(Activation.SOFTMAX)
                : new RnnOutputLayer.Builder(model.loss().equals("mae") ? LossFunction.MEAN_ABSOLUTE_ERROR : LossFunction.MSE)
                        .activation(Activation.IDENTITY);
        // every layer says [batch, values, time] explicitly: without an input type DL4J may assume otherwise
        out.nIn(inputs).nOut(shape.classes()).dataFormat(RNNFormat.NCW);
        if (model.dropout() > 0) {
            out.dropOut(1.0 - model.dropout());
        }
        list.layer(out.build());
        if (training.tbpttLength() > 0) {
            list.backpropType(BackpropType.TruncatedBPTT)
                    .tBPTTForwardLength(training.tbpttLength())
                    .tBPTTBackwardLength(training.tbpttLength());
        }
        return list.build();
    }
}
