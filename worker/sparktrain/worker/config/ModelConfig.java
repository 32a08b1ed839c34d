package sparktrain.worker.config;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/** The network to build. Which fields matter depends on {@code type}. */
public record ModelConfig(
        String type,
        List<Integer> hiddenLayers,
        List<Integer> convChannels,
        int denseSize,
        boolean globalPooling,
        int embeddingSize,
        boolean batchNorm,
        double dropout,
        double featureDropout,
        String activation,
        String weightInit,
        String loss,
        double labelSmoothing) implements Serializable {

    public static final List<String> TYPES = List.of("mlp", "lenet5", "resnet-small", "char-lstm", "timeseries-lstm");
    public static final List<String> ACTIVATIONS = List.of("relu", "leakyrelu", "elu", "tanh", "sigmoid");
    public static final List<String> WEIGHT_INITS = List.of("xavier", "relu", "he");
    /** The losses each model type takes; the first is its default (model.loss = ""). */
    public static final Map<String, List<String>> LOSSES = Map.of(
            "mlp", List.of("mcxent", "hinge"),
            "lenet5", List.of("mcxent", "hinge"),
            "resnet-small", List.of("mcxent", "hinge"),
            "char-lstm", List.of("mcxent"),
            "timeseries-lstm", List.of("mse", "mae"));

    public ModelConfig {
        hiddenLayers = List.copyOf(hiddenLayers);
        convChannels = List.copyOf(convChannels);
    }

    static ModelConfig from(Settings s) {
        List<Integer> channels = s.positiveInts("model.conv-channels", false);
        String type = s.choice("model.type", TYPES);
        if (type.equals("lenet5") && channels.size() != 2) {
            s.problem("model.conv-channels", channels, "lenet5 takes exactly two sizes, e.g. [20, 50]");
        }
        List<Integer> hidden = s.positiveInts("model.hidden-layers", true);
        if (type.endsWith("-lstm") && hidden.isEmpty()) {
            s.problem("model.hidden-layers", "[]", type + " needs at least one LSTM layer size, e.g. [256, 256]");
        }
        String loss = s.string("model.loss").toLowerCase(java.util.Locale.ROOT);
        List<String> losses = LOSSES.getOrDefault(type, List.of());
        if (loss.isEmpty() && !losses.isEmpty()) {
            loss = losses.get(0);
        } else if (!losses.isEmpty() && !losses.contains(loss)) {
            s.problem("model.loss", loss, "model.type " + type + " takes " + String.join(" or ", losses));
        }
        double labelSmoothing = s.doubleIn("model.label-smoothing", 0.0, 1.0, true);
        if (labelSmoothing > 0 && (type.endsWith("-lstm") || !loss.equals("mcxent"))) {
            s.problem("model.label-smoothing", labelSmoothing, "only the image classifiers (mlp, lenet5, resnet-small)"
                    + " with model.loss = mcxent take it");
        }
        return new ModelConfig(
                type,
                hidden,
                channels,
                s.intAtLeast("model.dense-size", 0),
                s.bool("model.global-pooling"),
                s.intAtLeast("model.embedding-size", 1),
                s.bool("model.batch-norm"),
                s.doubleIn("model.dropout", 0.0, 1.0, true),
                s.doubleIn("model.feature-dropout", 0.0, 1.0, true),
                s.choice("model.activation", ACTIVATIONS),
                s.choice("model.weight-init", WEIGHT_INITS),
                loss,
                labelSmoothing);
    }

    public boolean recurrent() {
        return type.endsWith("-lstm");
    }
}
