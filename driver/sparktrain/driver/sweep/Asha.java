package sparktrain.driver.sweep;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Asynchronous successive halving (Li et al., "A System for Massively Parallel Hyperparameter Tuning"),
 * in its stop-or-continue form: rungs sit at grace, grace*eta, grace*eta^2, ... epochs. A trial that
 * reaches a rung goes on only if its metric is among the best 1/eta of all the trials that have reached
 * that rung so far (itself included); otherwise it stops there. The first trial at a rung always goes on,
 * so no trial waits for others.
 */
public final class Asha {
    private final int grace;
    private final int eta;
    private final boolean higherIsBetter;
    private final Map<Integer, List<Double>> rungs = new HashMap<>();

    public Asha(int graceEpochs, int reductionFactor, boolean higherIsBetter) {
        this.grace = graceEpochs;
        this.eta = reductionFactor;
        this.higherIsBetter = higherIsBetter;
    }

    /** The epoch at which a trial that has done {@code epochsDone} of {@code maxEpochs} is next judged. */
    public int nextStop(int epochsDone, int maxEpochs) {
        for (int rung = grace; rung < maxEpochs; rung *= eta) {
            if (rung > epochsDone) {
                return rung;
            }
        }
        return maxEpochs;
    }

    public boolean isRung(int epoch, int maxEpochs) {
        for (int rung = grace; rung < maxEpochs; rung *= eta) {
            if (rung == epoch) {
                return true;
            }
        }
        return false;
    }

    /** Records {@code metric} at {@code rung} and says whether the trial goes on. NaN never goes on. */
    public boolean promote(int rung, double metric) {
        List<Double> seen = rungs.computeIfAbsent(rung, r -> new ArrayList<>());
        seen.add(metric);
        if (Double.isNaN(metric)) {
            return false;
        }
        List<Double> ranked = new ArrayList<>(seen.stream().filter(v -> !Double.isNaN(v)).toList());
        ranked.sort(higherIsBetter ? java.util.Comparator.reverseOrder() : java.util.Comparator.naturalOrder());
        int keep = Math.max(1, seen.size() / eta);
        double cutoff = ranked.get(Math.min(keep, ranked.size()) - 1);
        return higherIsBetter ? metric >= cutoff : metric <= cutoff;
    }
}
