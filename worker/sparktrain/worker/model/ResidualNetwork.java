package sparktrain.worker.model;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.nd4j.linalg.activations.Activation;
import sparktrain.worker.config.ModelConfig;
import sparktrain.worker.config.TrainingConfig;

import java.util.List;

/**
 * resnet-small (He et al. 2016, "pre-activation" left out for brevity): a 3x3 stem, then one stage per
 * entry of model.conv-channels, each a residual block of two 3x3 convolutions with batch norm; every
 * stage after the first halves the image with a strided convolution. Global average pooling or the flattened
 * maps, an optional dense layer, softmax.
 */
final class ResidualNetwork {
    private ResidualNetwork() {
    }

    static ComputationGraphConfiguration configuration(ModelConfig model, TrainingConfig training, long seed,
                                                       InputShape shape) {
        List<Integer> channels = model.convChannels();
        ComputationGraphConfiguration.GraphBuilder g = NetworkFactory.common(model, training, seed)
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(InputType.convolutionalFlat(shape.height(), shape.width(), shape.channels()));
        String last = convBnRelu(g, "stem", "input", channels.get(0), 1);
        g.addLayer("stem-pool", new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                .kernelSize(2, 2).stride(2, 2).build(), last);
        last = "stem-pool";
        for (int stage = 0; stage < channels.size(); stage++) {
            if (stage > 0) {
                last = convBnRelu(g, "down" + stage, last, channels.get(stage), 2);
            }
            last = residualBlock(g, "block" + stage, last, channels.get(stage));
        }
        if (model.globalPooling()) {
            g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), last);
            last = "pool";
        }
        if (model.denseSize() > 0) {
            g.addLayer("dense", NetworkFactory.denseOverFeatures(model).build(), last);
            last = "dense";
        }
        OutputLayer.Builder out = NetworkFactory.classifierOutput(model, shape);
        if (model.dropout() > 0) {
            out.dropOut(1.0 - model.dropout());
        }
        g.addLayer("output", out.build(), last);
        return g.setOutputs("output").build();
    }

    private static String convBnRelu(ComputationGraphConfiguration.GraphBuilder g, String name, String input,
                                     int channels, int stride) {
        g.addLayer(name + "-conv", conv(channels, stride), input);
        g.addLayer(name + "-bn", new BatchNormalization.Builder().activation(Activation.RELU).build(), name + "-conv");
        return name + "-bn";
    }

    /** conv-bn-relu-conv-bn, plus the input, then relu. */
    private static String residualBlock(ComputationGraphConfiguration.GraphBuilder g, String name, String input,
                                        int channels) {
        String first = convBnRelu(g, name + "-a", input, channels, 1);
        g.addLayer(name + "-b-conv", conv(channels, 1), first);
        g.addLayer(name + "-b-bn", new BatchNormalization.Builder().activation(Activation.IDENTITY).build(),
                name + "-b-conv");
        g.addVertex(name + "-add", new ElementWiseVertex(ElementWiseVertex.Op.Add), name + "-b-bn", input);
        g.addLayer(name + "-relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), name + "-add");
        return name + "-relu";
    }

    private static ConvolutionLayer conv(int channels, int stride) {
        return new ConvolutionLayer.Builder(3, 3).stride(stride, stride).nOut(channels)
                .activation(Activation.IDENTITY).hasBias(false).build();
    }
}
