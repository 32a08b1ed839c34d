package sparktrain.worker.model;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.AdaGrad;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.RmsProp;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;
import org.nd4j.linalg.schedule.ISchedule;
import sparktrain.worker.OneDnn;
import sparktrain.worker.config.ModelConfig;
import sparktrain.worker.config.TrainingConfig;

/** Builds the network a job file describes. The same seed and config always give the same initial weights. */
public final class NetworkFactory {
    static {
        OneDnn.enable();
    }

    private NetworkFactory() {
    }

    /** A MultiLayerNetwork or a ComputationGraph (resnet-small), initialised. */
    public static Model build(ModelConfig model, TrainingConfig training, long seed, InputShape shape) {
        if (model.type().equals("resnet-small")) {
            ComputationGraph graph = new ComputationGraph(ResidualNetwork.configuration(model, training, seed, shape));
            graph.init();
            return graph;
        }
        MultiLayerConfiguration conf = switch (model.type()) {
            case "mlp" -> mlp(model, training, seed, shape);
            case "lenet5" -> lenet5(model, training, seed, shape);
            case "char-lstm", "timeseries-lstm" -> RecurrentNetwork.configuration(model, training, seed, shape);
            default -> throw new IllegalArgumentException("unknown model.type " + model.type());
        };
        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        return network;
    }

    static NeuralNetConfiguration.Builder common(ModelConfig model, TrainingConfig training, long seed) {
        NeuralNetConfiguration.Builder b = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .updater(updater(training, EpochSchedules.of(training)))
                .weightInit(model.weightInit().equals("xavier") ? WeightInit.XAVIER : WeightInit.RELU)
                .activation(activation(model.activation()));
        if (training.l1() > 0) {
            b.l1(training.l1());
        }
        if (training.l2() > 0) {
            b.l2(training.l2());
        }
        if (training.weightDecay() > 0) {
            b.weightDecay(training.weightDecay());
        }
        if (!training.gradientNormalization().equals("none")) {
            b.gradientNormalization(gradientNormalization(training.gradientNormalization()))
                    .gradientNormalizationThreshold(training.gradientThreshold());
        }
        return b;
    }

    static GradientNormalization gradientNormalization(String name) {
        return switch (name) {
            case "clip-element" -> GradientNormalization.ClipElementWiseAbsoluteValue;
            case "clip-l2-layer" -> GradientNormalization.ClipL2PerLayer;
            case "clip-l2-param" -> GradientNormalization.ClipL2PerParamType;
            case "renormalize-l2-layer" -> GradientNormalization.RenormalizeL2PerLayer;
            case "renormalize-l2-param" -> GradientNormalization.RenormalizeL2PerParamType;
            default -> GradientNormalization.None;
        };
    }

    /** The softmax output layer with cross-entropy, or a linear one with (one-vs-rest) hinge loss. */
    static OutputLayer.Builder classifierOutput(ModelConfig model, InputShape shape) {
        OutputLayer.Builder out = model.loss().equals("hinge")
                ? new OutputLayer.Builder(new OneHotHinge()).activation(Activation.IDENTITY)
                : new OutputLayer.Builder(LossFunction.MCXENT).activation(Activation.SOFTMAX);
        return out.nOut(shape.classes());
    }

    /** A linear output of each target (data.task = regression; InputShape's classes are the targets), mse or mae. */
    static OutputLayer.Builder regressionOutput(ModelConfig model, InputShape shape) {
        return new OutputLayer.Builder(model.loss().equals("mae") ? LossFunction.MEAN_ABSOLUTE_ERROR : LossFunction.MSE)
                .activation(Activation.IDENTITY).nOut(shape.classes());
    }

    /** The updater with a constant learning rate, or with {@code schedule} when it is not null. */
    public static IUpdater updater(TrainingConfig t, ISchedule schedule) {
        double lr = t.learningRate();
        if (schedule == null) {
            return switch (t.updater()) {
                case "sgd" -> new Sgd(lr);
                case "nesterovs" -> new Nesterovs(lr, t.momentum());
                case "adagrad" -> new AdaGrad(lr);
                case "rmsprop" -> new RmsProp(lr);
                case "adam" -> new Adam(lr);
                default -> throw new IllegalArgumentException("unknown training.updater " + t.updater());
            };
        }
        return switch (t.updater()) {
            case "sgd" -> new Sgd(schedule);
            case "nesterovs" -> new Nesterovs(schedule, t.momentum());
            case "adagrad" -> new AdaGrad(schedule, AdaGrad.DEFAULT_ADAGRAD_EPSILON);
            case "rmsprop" -> new RmsProp(schedule);
            case "adam" -> new Adam(schedule);
            default -> throw new IllegalArgumentException("unknown training.updater " + t.updater());
        };
    }

    static Activation activation(String name) {
        return switch (name) {
            case "relu" -> Activation.RELU;
            case "leakyrelu" -> Activation.LEAKYRELU;
            case "elu" -> Activation.ELU;
            case "tanh" -> Activation.TANH;
            case "sigmoid" -> Activation.SIGMOID;
            default -> throw new IllegalArgumentException("unknown model.activation " + name);
        };
    }

    /** DL4J's dropOut(p) takes the probability of keeping a unit; job files give the probability of dropping it. */
    private static double retain(ModelConfig model) {
        return 1.0 - model.dropout();
    }

    /** The dense layer (model.activation) over a CNN's feature maps, with model.feature-dropout on its input. */
    static DenseLayer.Builder denseOverFeatures(ModelConfig model) {
        DenseLayer.Builder dense = new DenseLayer.Builder().nOut(model.denseSize());
        if (model.featureDropout() > 0) {
            dense.dropOut(1.0 - model.featureDropout());
        }
        return dense;
    }

    private static MultiLayerConfiguration mlp(ModelConfig model, TrainingConfig training, long seed, InputShape shape) {
        NeuralNetConfiguration.ListBuilder list = common(model, training, seed).list();
        boolean first = true;
        for (int size : model.hiddenLayers()) {
            DenseLayer.Builder dense = new DenseLayer.Builder().nOut(size);
            if (!first && model.dropout() > 0) {
                dense.dropOut(retain(model));
            }
            list.layer(dense.build());
            if (model.batchNorm()) {
                list.layer(new BatchNormalization.Builder().build());
            }
            first = false;
        }
        OutputLayer.Builder out = ModelConfig.REGRESSION_LOSSES.contains(model.loss())
                ? regressionOutput(model, shape) : classifierOutput(model, shape);
        if (model.dropout() > 0 && !model.hiddenLayers().isEmpty()) {
            out.dropOut(retain(model));
        }
        return list.layer(out.build())
                .setInputType(InputType.feedForward(shape.flatSize()))
                .build();
    }

    /** conv 5x5 - max pool 2x2 - conv 5x5 - max pool 2x2 - dense - softmax (LeCun et al. 1998, with ReLU). */
    private static MultiLayerConfiguration lenet5(ModelConfig model, TrainingConfig training, long seed, InputShape shape) {
        NeuralNetConfiguration.ListBuilder list = common(model, training, seed)
                .convolutionMode(ConvolutionMode.Truncate)
                .list();
        for (int channels : model.convChannels()) {
            list.layer(new ConvolutionLayer.Builder(5, 5).stride(1, 1).nOut(channels).build());
            if (model.batchNorm()) {
                list.layer(new BatchNormalization.Builder().build());
            }
            list.layer(new SubsamplingLayer.Builder(SubsamplingLayer.PoolingType.MAX)
                    .kernelSize(2, 2).stride(2, 2).build());
        }
        if (model.denseSize() > 0) {
            list.layer(denseOverFeatures(model).build());
        }
        OutputLayer.Builder out = classifierOutput(model, shape);
        if (model.dropout() > 0) {
            out.dropOut(retain(model));
        }
        return list.layer(out.build())
                .setInputType(InputType.convolutionalFlat(shape.height(), shape.width(), shape.channels()))
                .build();
    }
}
