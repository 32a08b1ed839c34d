package sparktrain.worker.config;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/** The network to build. Which fields matter depends on {@code type}. The keys and their rules are in {@link JobKeys}. */
public record ModelConfig(
        @From("model.type") String type,
        @From("model.hidden-layers") List<Integer> hiddenLayers,
        @From("model.conv-channels") List<Integer> convChannels,
        @From("model.dense-size") int denseSize,
        @From("model.global-pooling") boolean globalPooling,
        @From("model.embedding-size") int embeddingSize,
        @From("model.batch-norm") boolean batchNorm,
        @From("model.dropout") double dropout,
        @From("model.feature-dropout") double featureDropout,
        @From("model.activation") String activation,
        @From("model.weight-init") String weightInit,
        @From("model.loss") String loss,
        @From("model.label-smoothing") double labelSmoothing) implements Serializable {

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
    /** The losses of an mlp that regresses a table's numeric label (data.task = regression). */
    public static final List<String> REGRESSION_LOSSES = List.of("mse", "mae");

    public ModelConfig {
        hiddenLayers = List.copyOf(hiddenLayers);
        convChannels = List.copyOf(convChannels);
    }

    public boolean recurrent() {
        return recurrent(type);
    }

    static boolean recurrent(String type) {
        return type.endsWith("-lstm");
    }
}
