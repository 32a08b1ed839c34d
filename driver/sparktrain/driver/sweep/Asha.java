package sparktrain.driver.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * Asynchronous successive halving as Li et al. publish it (ASHA: "A System for Massively Parallel Hyperparameter
 * Tuning", arXiv:1810.05934, 2018; MLSys 2020, Algorithm 2). Rungs sit at grace, grace*eta, grace*eta^2, ... epochs,
 * below a trial's last epoch. A trial that reaches a rung is recorded there with its metric at that epoch and waits.
 * A trial is promotable from a rung when it is among the top floor(n/eta) of the n trials recorded there and was not
 * promoted from it yet; a worker that frees up takes the best promotable trial of the highest rung ({@link #next}),
 * and starts a new trial only when there is none. A waiting trial can be promoted later, as its rung grows.
 * <p>
 * Every arrival and promotion is an {@link Event}, in the order it happened: replaying them ({@link #apply})
 * rebuilds the rungs as they were, promotions included, so a resumed sweep never reverses a decision.
 */
public final class Asha {
    public static final String ARRIVED = "arrived";
    public static final String PROMOTED = "promoted";

    private final int grace;
    private final int eta;
    private final boolean higherIsBetter;
    /** Each rung's arrivals, in order of arrival. */
    private final Map<Integer, List<Event>> rungs = new TreeMap<>(Comparator.reverseOrder());
    private final Set<String> promoted = new HashSet<>();
    private final List<Event> events = new ArrayList<>();

    /** An arrival (with the trial's metric at the rung) or a promotion from a rung (metric NaN). */
    public record Event(String kind, String trial, int rung, double metric) {
    }

    public Asha(int graceEpochs, int reductionFactor, boolean higherIsBetter) {
        this.grace = graceEpochs;
        this.eta = reductionFactor;
        this.higherIsBetter = higherIsBetter;
    }

    /** The epoch at which a trial that has done {@code epochsDone} of {@code maxEpochs} reaches its next rung or its end. */
    public int nextStop(int epochsDone, int maxEpochs) {
        for (int rung = grace; rung < maxEpochs; rung *= eta) {
            if (rung > epochsDone) {
                return rung;
            }
        }
        return maxEpochs;
    }

    /** Whether {@code epoch} is a rung for a trial of {@code maxEpochs}: never its last epoch, which is its end. */
    public boolean isRung(int epoch, int maxEpochs) {
        for (int rung = grace; rung < maxEpochs; rung *= eta) {
            if (rung == epoch) {
                return true;
            }
        }
        return false;
    }

    /** Records that {@code trial} reached {@code rung} with {@code metric} (NaN: none, never promoted). */
    public void arrive(String trial, int rung, double metric) {
        apply(new Event(ARRIVED, trial, rung, metric));
    }

    /** Records that {@code trial} goes on from {@code rung}. */
    public void promote(String trial, int rung) {
        apply(new Event(PROMOTED, trial, rung, Double.NaN));
    }

    /** Applies one event, live or replayed; an event that contradicts the ones before is an IllegalArgumentException. */
    public void apply(Event e) {
        if (e.kind().equals(ARRIVED)) {
            if (arrived(e.trial(), e.rung())) {
                throw new IllegalArgumentException("trial " + e.trial() + " reached epoch " + e.rung() + " twice");
            }
            rungs.computeIfAbsent(e.rung(), r -> new ArrayList<>()).add(e);
        } else if (e.kind().equals(PROMOTED)) {
            if (!arrived(e.trial(), e.rung()) || !promoted.add(key(e.trial(), e.rung()))) {
                throw new IllegalArgumentException("trial " + e.trial() + " promoted from epoch " + e.rung()
                        + (arrived(e.trial(), e.rung()) ? " twice" : " without reaching it"));
            }
        } else {
            throw new IllegalArgumentException("unknown event " + e.kind() + ": expected " + ARRIVED + " or " + PROMOTED);
        }
        events.add(e);
    }

    /** Every arrival and promotion so far, in order. */
    public List<Event> events() {
        return List.copyOf(events);
    }

    public boolean arrived(String trial, int rung) {
        return rungs.getOrDefault(rung, List.of()).stream().anyMatch(e -> e.trial().equals(trial));
    }

    public boolean promoted(String trial, int rung) {
        return promoted.contains(key(trial, rung));
    }

    /**
     * The trial a worker that frees up should train next, and the rung it goes on from: the best promotable trial
     * of the highest rung that has one, among those {@code waiting} says still wait (not finished or running).
     * Empty: start a new trial.
     */
    public Optional<Event> next(Predicate<String> waiting) {
        for (Map.Entry<Integer, List<Event>> rung : rungs.entrySet()) {
            List<Event> ranked = ranked(rung.getValue());
            for (Event e : ranked.subList(0, rung.getValue().size() / eta)) {
                if (!Double.isNaN(e.metric()) && !promoted(e.trial(), e.rung()) && waiting.test(e.trial())) {
                    return Optional.of(e);
                }
            }
        }
        return Optional.empty();
    }

    /** Where a trial waiting at {@code rung} stands there: "rank 3 of 7, the top 2 go on". */
    public String standing(String trial, int rung) {
        List<Event> arrivals = rungs.getOrDefault(rung, List.of());
        List<Event> ranked = ranked(arrivals);
        int rank = 1 + ranked.indexOf(ranked.stream().filter(e -> e.trial().equals(trial)).findFirst().orElseThrow());
        return "rank " + rank + " of " + arrivals.size() + ", the top " + arrivals.size() / eta + " go on";
    }

    /** Each rung's epoch with how many trials reached it and how many went on from it, lowest first. */
    public Map<Integer, int[]> summary() {
        Map<Integer, int[]> out = new TreeMap<>();
        rungs.forEach((rung, arrivals) -> out.put(rung, new int[] {arrivals.size(),
                (int) arrivals.stream().filter(e -> promoted(e.trial(), rung)).count()}));
        return out;
    }

    /** Best first; a NaN metric last; ties in order of arrival. */
    private List<Event> ranked(List<Event> arrivals) {
        Comparator<Event> byMetric = Comparator.comparingDouble(Event::metric);
        List<Event> ranked = new ArrayList<>(arrivals);
        ranked.sort(Comparator.comparing((Event e) -> Double.isNaN(e.metric()))
                .thenComparing(higherIsBetter ? byMetric.reversed() : byMetric));
        return ranked;
    }

    private static String key(String trial, int rung) {
        return trial + "@" + rung;
    }
}
