package sparktrain.core.config;

import java.io.Serializable;
import java.util.List;

/** The network to build. Which fields matter depends on {@code type}. */
public record ModelConfig(
        String type,
        List<Integer> hiddenLayers,
        List<Integer> convChannels,
        int denseSize,
        boolean batchNorm,
        double dropout,
        String activation,
        String weightInit) implements Serializable {

    public static final List<String> TYPES = List.of("mlp", "lenet5", "resnet-small");
    public static final List<String> ACTIVATIONS = List.of("relu", "leakyrelu", "elu", "tanh", "sigmoid");
    public static final List<String> WEIGHT_INITS = List.of("xavier", "relu", "he");

    public ModelConfig {
        hiddenLayers = List.copyOf(hiddenLayers);
        convChannels = List.copyOf(convChannels);
    }

    static ModelConfig from(Settings s) {
        List<Integer> channels = s.positiveInts("model.conv-channels", false);
        boolean lenet = s.config().hasPath("model.type") && "lenet5".equals(s.config().getValue("model.type").unwrapped());
        if (lenet && channels.size() != 2) {
            s.problem("model.conv-channels", channels, "lenet5 takes exactly two sizes, e.g. [20, 50]");
        }
        return new ModelConfig(
                s.choice("model.type", TYPES),
                s.positiveInts("model.hidden-layers", true),
                channels,
                s.intAtLeast("model.dense-size", 1),
                s.bool("model.batch-norm"),
                s.doubleIn("model.dropout", 0.0, 1.0, true),
                s.choice("model.activation", ACTIVATIONS),
                s.choice("model.weight-init", WEIGHT_INITS));
    }
}
