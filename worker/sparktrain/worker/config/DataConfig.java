package sparktrain.worker.config;

import java.io.Serializable;
import java.util.List;

/**
 * Where the data comes from and how it is split. {@code path} is a Hadoop URI. The sequence fields
 * matter for text, sine and csv-sequences only.
 */
public record DataConfig(
        String type,
        String path,
        double validationFraction,
        double testFraction,
        int trainLimit,
        int testLimit,
        int sequenceLength,
        String csvLayout,
        int sineSeries,
        double sineNoise,
        boolean augmentFlip,
        int augmentShift,
        int augmentCutout,
        boolean augmentTestFlip) implements Serializable {

    public static final List<String> TYPES = List.of("fashion-mnist", "text", "sine", "csv-sequences");
    public static final List<String> CSV_LAYOUTS = List.of("files", "series");

    static DataConfig from(Settings s) {
        DataConfig c = new DataConfig(
                s.choice("data.type", TYPES),
                s.string("data.path"),
                s.doubleIn("data.validation-fraction", 0.0, 1.0, true),
                s.doubleIn("data.test-fraction", 0.0, 1.0, true),
                s.intAtLeast("data.train-limit", 0),
                s.intAtLeast("data.test-limit", 0),
                s.intAtLeast("data.sequence-length", 2),
                s.choice("data.csv-layout", CSV_LAYOUTS),
                s.intAtLeast("data.sine.series", 1),
                s.doubleIn("data.sine.noise", 0.0, Double.MAX_VALUE, false),
                s.bool("data.augment.horizontal-flip"),
                s.intAtLeast("data.augment.max-shift", 0),
                s.intAtLeast("data.augment.cutout", 0),
                s.bool("data.augment.test-flip"));
        if ((c.augments() || c.augmentTestFlip) && c.sequences()) {
            s.problem("data.augment", c.type, "image augmentation is for data.type = fashion-mnist only");
        }
        if (c.augmentShift > 13) {
            s.problem("data.augment.max-shift", c.augmentShift, "must be at most 13 pixels (half a 28-pixel image)");
        }
        if (c.augmentCutout > 28) {
            s.problem("data.augment.cutout", c.augmentCutout, "must be at most 28 pixels (a whole 28-pixel image)");
        }
        if (c.validationFraction + c.testFraction >= 1.0) {
            s.problem("data.test-fraction", c.testFraction, "data.validation-fraction + data.test-fraction must be < 1 (now "
                    + c.validationFraction + " + " + c.testFraction + ")");
        }
        return c;
    }

    /** Whether the training images change every epoch (flipped, shifted, cut out). */
    public boolean augments() {
        return augmentFlip || augmentShift > 0 || augmentCutout > 0;
    }

    /** The data sets that are cut into sequences, for which model.type must be a recurrent model. */
    public boolean sequences() {
        return !type.equals("fashion-mnist");
    }
}
