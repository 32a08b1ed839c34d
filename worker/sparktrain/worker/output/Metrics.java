package sparktrain.worker.output;

import org.nd4j.evaluation.EvaluationAveraging;
import org.nd4j.evaluation.classification.Evaluation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Classification metrics as the JSON that metrics.json holds. */
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

    /** JSON has no NaN: absent values become null. */
    public static Object number(double value) {
        return Double.isFinite(value) ? value : null;
    }
}
