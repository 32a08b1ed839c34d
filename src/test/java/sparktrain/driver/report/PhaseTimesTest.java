package sparktrain.driver.report;

import org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingMasterStats;
import org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingWorkerStats;
import org.deeplearning4j.spark.stats.BaseEventStats;
import org.deeplearning4j.spark.stats.EventStats;
import org.junit.jupiter.api.Test;
import sparktrain.driver.report.PhaseTimes;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Summing DL4J's training stats per worker and phase, without Spark. */
class PhaseTimesTest {
    private static EventStats event(String machine, long thread, long ms) {
        return new BaseEventStats(machine, "jvm", thread, 0, ms);
    }

    private static ParameterAveragingTrainingMasterStats epoch(long fitMs) {
        ParameterAveragingTrainingWorkerStats workers = new ParameterAveragingTrainingWorkerStats(
                List.of(event("m1", 7, 2), event("m1", 8, 3)),    // broadcast get
                List.of(event("m1", 7, 10)),                       // init
                List.of(event("m1", 7, fitMs), event("m1", 8, fitMs), event("m1", 8, fitMs)));
        return new ParameterAveragingTrainingMasterStats(workers,
                List.of(),                                          // export
                List.of(event("driver-host", 1, 100)),              // count
                List.of(event("driver-host", 1, 20)),               // broadcast create
                List.of(event("driver-host", 1, 5000)),             // fit (the whole call, not a phase)
                List.of(event("driver-host", 1, 4)),                // split
                List.of(event("driver-host", 1, 1)),                // map partitions
                List.of(event("driver-host", 1, 900)),              // aggregate
                List.of(event("driver-host", 1, 6)),                // process params
                List.of());                                         // repartition
    }

    @Test
    void sumsEachPhasePerWorkerOverEpochsCountingNestedStatsOnce() {
        PhaseTimes times = PhaseTimes.empty().add(epoch(400)).add(epoch(600)).add(null);
        assertEquals(2, times.masters());
        Map<String, Map<String, Long>> ms = times.millisByWorker();
        assertEquals(List.of("driver", "m1/7", "m1/8"), List.copyOf(ms.keySet()));
        assertEquals(Map.of("broadcast", 40L, "split", 208L, "round + aggregate", 1800L, "apply", 12L), ms.get("driver"));
        assertEquals(Map.of("broadcast", 4L, "init", 20L, "fit", 1000L), ms.get("m1/7"));
        assertEquals(Map.of("broadcast", 6L, "fit", 2000L), ms.get("m1/8"));
        assertEquals(6, times.byKey().get("ParameterAveragingWorkerFitTimesMs")[0], "each worker event once");
        assertTrue(times.chart().getSeriesMap().containsKey("fit"));
    }

    @Test
    void nothingCollectedIsEmpty() {
        assertTrue(PhaseTimes.empty().add(null).isEmpty());
    }
}
