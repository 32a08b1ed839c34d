package sparktrain.worker.config;

import java.io.Serializable;
import java.util.List;

/**
 * Where the data comes from and how it is split. {@code path} is a Hadoop URI. The sequence fields
 * matter for text, sine and csv-sequences only. The keys and their rules are in {@link JobKeys}.
 */
public record DataConfig(
        @From("data.type") String type,
        @From("data.path") String path,
        @From("data.validation-fraction") double validationFraction,
        @From("data.test-fraction") double testFraction,
        @From("data.train-limit") int trainLimit,
        @From("data.test-limit") int testLimit,
        @From("data.sequence-length") int sequenceLength,
        @From("data.csv-layout") String csvLayout,
        @From("data.sine.series") int sineSeries,
        @From("data.sine.noise") double sineNoise,
        @From("data.augment.horizontal-flip") boolean augmentFlip,
        @From("data.augment.max-shift") int augmentShift,
        @From("data.augment.cutout") int augmentCutout,
        @From("data.augment.test-flip") boolean augmentTestFlip) implements Serializable {

    public static final List<String> TYPES = List.of("fashion-mnist", "text", "sine", "csv-sequences");
    public static final List<String> CSV_LAYOUTS = List.of("files", "series");

    /** Whether the training images change every epoch (flipped, shifted, cut out). */
    public boolean augments() {
        return augments(augmentFlip, augmentShift, augmentCutout);
    }

    static boolean augments(boolean flip, int shift, int cutout) {
        return flip || shift > 0 || cutout > 0;
    }

    /** The data sets that are cut into sequences, for which model.type must be a recurrent model. */
    public boolean sequences() {
        return sequences(type);
    }

    static boolean sequences(String type) {
        return !type.equals("fashion-mnist");
    }
}
