package sparktrain.worker.output;

import org.nd4j.evaluation.EvaluationAveraging;
import org.nd4j.evaluation.classification.Evaluation;
import sparktrain.worker.training.EpochLoop;
import sparktrain.worker.training.EpochStats;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** metrics.json, and the classification metrics it holds. */
public final class Metrics {
    private Metrics() {
    }

    public static Map<String, Object> classification(Evaluation eval, List<String> classNames) {
        int classes = classNames.size();
        int[][] confusion = new int[classes][classes];
        for (int actual = 0; actual < classes; actual++) {
            for (int predicted = 0; predicted < classes; predicted++) {
                confusion[actual][predicted] = eval.getConfusionMatrix().getCount(actual, predicted);
            }
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("examples", eval.getNumRowCounter());
        m.put("accuracy", eval.accuracy());
        m.put("macroF1", eval.f1(EvaluationAveraging.Macro));
        m.put("macroPrecision", eval.precision(EvaluationAveraging.Macro));
        m.put("macroRecall", eval.recall(EvaluationAveraging.Macro));
        m.put("classes", classNames);
        m.put("confusionMatrix", confusion);
        return m;
    }

    /** metrics.json: the test metrics (none for a sweep trial), the best validation epoch, the epochs run. */
    public static Map<String, Object> run(Map<String, Object> test, String metric, EpochLoop.Result result) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (test != null) {
            m.put("test", test);
        }
        EpochStats best = result.history().get(Math.max(0, result.bestEpoch() - 1));
        Map<String, Object> validation = new LinkedHashMap<>();
        validation.put("bestEpoch", result.bestEpoch());
        validation.put(metric, number(best.validationMetric()));
        m.put("validation", validation);
        m.put("epochs", result.history().size());
        m.put("stoppedEarly", result.stoppedEarly());
        m.put("trainingSeconds", result.history().stream().mapToDouble(EpochStats::seconds).sum());
        return m;
    }

    /** The metrics that are single numbers, e.g. "accuracy 0.9132, macroF1 0.9127". */
    public static String summary(Map<String, Object> metrics) {
        return metrics.entrySet().stream().filter(e -> e.getValue() instanceof Double)
                .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.4f", (Double) e.getValue()))
                .collect(Collectors.joining(", "));
    }

    /** JSON has no NaN: absent values become null. */
    public static Object number(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
