package sparktrain.driver.report;

import sparktrain.worker.report.Charts;

import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.stats.EventStats;
import org.knowm.xchart.CategoryChart;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * DL4J's Spark training stats (training.collect-stats) summed per worker and phase: how long the driver
 * spent broadcasting, splitting and aggregating, and each worker getting the broadcast, fitting and
 * waiting for data. Pure aggregation: {@link #add} folds one training master's stats into the totals.
 */
public final class PhaseTimes {
    /** Phases in the order the chart stacks them; DL4J key -> phase. Other keys are only counted. */
    private static final Map<String, String> PHASES = new LinkedHashMap<>();

    static {
        PHASES.put("ParameterAveragingMasterBroadcastCreateTimesMs", "broadcast");
        PHASES.put("ParameterAveragingWorkerBroadcastGetValueTimeMs", "broadcast");
        PHASES.put("ParameterAveragingWorkerInitTimeMs", "init");
        PHASES.put("WorkerFlatMapDataSetGetTimesMs", "data");
        PHASES.put("ParameterAveragingWorkerFitTimesMs", "fit");
        PHASES.put("ParameterAveragingMasterCountRddSizeTimesMs", "split");
        PHASES.put("ParameterAveragingMasterSplitTimesMs", "split");
        PHASES.put("ParameterAveragingMasterRepartitionTimesMs", "split");
        PHASES.put("parameterAveragingMasterExportTimesMs", "split");
        // DL4J times the round's treeAggregate call, which runs the workers' fit before it aggregates
        PHASES.put("ParameterAveragingMasterAggregateTimesMs", "round + aggregate");
        PHASES.put("ParameterAveragingMasterProcessParamsUpdaterTimesMs", "apply");
    }

    public static final List<String> PHASE_ORDER = List.of("broadcast", "init", "data", "fit", "split", "round + aggregate",
            "apply");
    public static final String DRIVER = "driver";
    /** One colour per phase, whichever phases a run has. */
    private static final Map<String, java.awt.Color> COLOURS = Map.of(
            "broadcast", new java.awt.Color(0x4e79a7), "init", new java.awt.Color(0xf28e2b),
            "data", new java.awt.Color(0x9c755f), "fit", new java.awt.Color(0x59a14f),
            "split", new java.awt.Color(0xbab0ac), "round + aggregate", new java.awt.Color(0xe15759),
            "apply", new java.awt.Color(0xedc948));

    /** worker -> phase -> milliseconds. */
    private final Map<String, Map<String, Long>> millis = new TreeMap<>(Comparator
            .comparing((String w) -> !w.equals(DRIVER)).thenComparing(Comparator.naturalOrder()));
    /** DL4J key -> [events, total ms], everything collected, for the table. */
    private final Map<String, long[]> byKey = new TreeMap<>();
    private int masters;

    public static PhaseTimes empty() {
        return new PhaseTimes();
    }

    /** Folds in one training master's stats (and the worker stats nested in them); null is nothing. */
    public PhaseTimes add(SparkTrainingStats stats) {
        if (stats == null) {
            return this;
        }
        masters++;
        fold(stats, new java.util.HashSet<>(), 0);
        return this;
    }

    /** DL4J's key sets include the nested stats' keys, and the nested stats hold them again: each key once. */
    private void fold(SparkTrainingStats stats, java.util.Set<String> seen, int depth) {
        for (String key : stats.getKeySet()) {
            if (!seen.add(key)) {
                continue;
            }
            List<EventStats> events = stats.getValue(key);
            if (events == null) {
                continue;
            }
            long[] total = byKey.computeIfAbsent(key, k -> new long[2]);
            String phase = PHASES.get(key);
            for (EventStats e : events) {
                total[0]++;
                total[1] += e.getDurationMs();
                if (phase != null) {
                    String worker = key.startsWith("ParameterAveragingMaster") ? DRIVER : worker(e);
                    millis.computeIfAbsent(worker, w -> new TreeMap<>()).merge(phase, e.getDurationMs(), Long::sum);
                }
            }
        }
        SparkTrainingStats nested = stats.getNestedTrainingStats();
        if (nested != null && nested != stats && depth < 4) {
            fold(nested, seen, depth + 1);
        }
    }

    /** A worker is a task thread of an executor: "machine/thread". */
    private static String worker(EventStats e) {
        return e.getMachineID() + "/" + e.getThreadID();
    }

    /** "thread 57" when every worker ran on one machine, else "machine 2, thread 57" (machines numbered in order). */
    static List<String> labels(List<String> workers) {
        List<String> machines = workers.stream().filter(w -> !w.equals(DRIVER))
                .map(w -> w.substring(0, w.lastIndexOf('/'))).distinct().sorted().toList();
        return workers.stream().map(w -> {
            if (w.equals(DRIVER)) {
                return DRIVER;
            }
            String thread = "thread " + w.substring(w.lastIndexOf('/') + 1);
            return machines.size() == 1 ? thread : "machine " + (machines.indexOf(w.substring(0, w.lastIndexOf('/'))) + 1)
                    + ", " + thread;
        }).toList();
    }

    public boolean isEmpty() {
        return byKey.isEmpty();
    }

    public int masters() {
        return masters;
    }

    public Map<String, Map<String, Long>> millisByWorker() {
        return millis;
    }

    public Map<String, long[]> byKey() {
        return byKey;
    }

    /** Seconds per phase, stacked, one bar per worker (the driver first); the 12 busiest workers. */
    public CategoryChart chart() {
        List<String> workers = new ArrayList<>(millis.keySet());
        if (workers.size() > 12) {
            workers.sort(Comparator.comparingLong((String w) -> -millis.get(w).values().stream().mapToLong(Long::longValue).sum()));
            workers = new ArrayList<>(workers.subList(0, 12));
        }
        CategoryChart chart = Charts.bars("Time per phase and worker", "", "seconds",
                Math.max(Charts.WIDTH, 220 + 90 * workers.size()));
        chart.getStyler().setStacked(true);
        chart.getStyler().setXAxisLabelRotation(workers.size() > 3 ? 30 : 0);
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        chart.getStyler().setOverlapped(false);
        List<String> labels = labels(workers);
        for (String phase : PHASE_ORDER) {
            List<Number> seconds = new ArrayList<>();
            boolean any = false;
            for (String w : workers) {
                long ms = millis.get(w).getOrDefault(phase, 0L);
                any |= ms > 0;
                seconds.add(ms / 1000.0);
            }
            if (any) {
                chart.addSeries(phase, labels, seconds).setFillColor(COLOURS.get(phase));
            }
        }
        return chart;
    }
}
