package sparktrain.worker.data;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a table's inputs are normalised: {@code x' = (x - offset) * scale} per feature, with statistics of the
 * training rows (data.normalize). Saved beside the model as preprocessing.json and applied the same way in
 * training, evaluation and prediction.
 */
public record Preprocessing(String method, float[] offset, float[] scale) implements Serializable {
    public static final String FILE = "preprocessing.json";

    /** Mean 0 and variance 1; a feature that never varies is only centred. */
    public static Preprocessing standard(double[] mean, double[] std) {
        float[] offset = new float[mean.length];
        float[] scale = new float[mean.length];
        for (int i = 0; i < mean.length; i++) {
            offset[i] = (float) mean[i];
            scale[i] = std[i] > 1e-12 ? (float) (1 / std[i]) : 1f;
        }
        return new Preprocessing("standard", offset, scale);
    }

    /** To [0, 1]; a feature that never varies becomes 0. */
    public static Preprocessing minmax(double[] min, double[] max) {
        float[] offset = new float[min.length];
        float[] scale = new float[min.length];
        for (int i = 0; i < min.length; i++) {
            offset[i] = (float) min[i];
            double range = max[i] - min[i];
            scale[i] = range > 1e-12 ? (float) (1 / range) : 0f;
        }
        return new Preprocessing("minmax", offset, scale);
    }

    public float[] apply(float[] x) {
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (x[i] - offset[i]) * scale[i];
        }
        return out;
    }

    /** The inverse, for values this normalised (a regression's targets). */
    public double invert(int i, double normalised) {
        return scale[i] == 0 ? offset[i] : normalised / scale[i] + offset[i];
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("method", method);
        m.put("offset", list(offset));
        m.put("scale", list(scale));
        return m;
    }

    public static Preprocessing fromJson(Map<?, ?> json, String origin) {
        try {
            return new Preprocessing((String) json.get("method"), floats(json.get("offset")), floats(json.get("scale")));
        } catch (RuntimeException e) {
            throw sparktrain.worker.SparktrainException.usage(origin + ": expected {\"method\", \"offset\": [...],"
                    + " \"scale\": [...]}: " + e.getMessage());
        }
    }

    private static List<Float> list(float[] values) {
        List<Float> out = new ArrayList<>(values.length);
        for (float v : values) {
            out.add(v);
        }
        return out;
    }

    private static float[] floats(Object json) {
        List<?> list = (List<?>) json;
        float[] out = new float[list.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = ((Number) list.get(i)).floatValue();
        }
        return out;
    }
}
