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
        @From("data.format") String format,
        @From("data.features") List<String> features,
        @From("data.label") List<String> label,
        @From("data.task") String task,
        @From("data.id") String id,
        @From("data.validation-path") String validationPath,
        @From("data.test-path") String testPath,
        @From("data.normalize") String normalize,
        @From("data.max-classes") int maxClasses,
        @From("data.skip-bad-files") boolean skipBadFiles,
        @From("data.csv.header") boolean csvHeader,
        @From("data.csv.delimiter") String csvDelimiter,
        @From("data.image.height") int imageHeight,
        @From("data.image.width") int imageWidth,
        @From("data.image.channels") int imageChannels,
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

    public static final List<String> TYPES = List.of("fashion-mnist", "table", "images", "text", "sine",
            "csv-sequences");
    public static final List<String> FORMATS = List.of("parquet", "orc", "csv", "json");
    public static final List<String> TASKS = List.of("classification", "regression");
    public static final List<String> NORMALIZATIONS = List.of("auto", "standard", "minmax", "none");
    public static final List<String> CSV_LAYOUTS = List.of("files", "series");

    /** Whether the training images change every epoch (flipped, shifted, cut out). */
    public boolean augments() {
        return augments(augmentFlip, augmentShift, augmentCutout);
    }

    static boolean augments(boolean flip, int shift, int cutout) {
        return flip || shift > 0 || cutout > 0;
    }

    public DataConfig {
        features = List.copyOf(features);
        label = List.copyOf(label);
    }

    /** The data sets that are cut into sequences, for which model.type must be a recurrent model. */
    public boolean sequences() {
        return sequences(type);
    }

    static boolean sequences(String type) {
        return type.equals("text") || type.equals("sine") || type.equals("csv-sequences");
    }

    /** Whether the examples are images (fashion-mnist, an image folder, a table with data.image.*). */
    public boolean images() {
        return images(type, imageHeight);
    }

    static boolean images(String type, int imageHeight) {
        return type.equals("fashion-mnist") || type.equals("images") || (type.equals("table") && imageHeight > 0);
    }

    public boolean regression() {
        return task.equals("regression");
    }
}
