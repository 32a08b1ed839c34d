package sparktrain.driver;

import com.fasterxml.jackson.databind.json.JsonMapper;
import sparktrain.driver.training.TrainingSession;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.training.RunTraining;
import sparktrain.worker.training.TrainingStrategy;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A new run's {@code run.json} (README "Outputs"): the job, seed, master, workers, strategy, versions and data, written
 * when training starts, and again when the strategy learns more while it trains (gradient sharing's executor ports).
 */
final class RunJson {
    private RunJson() {
    }

    static RunTraining recordedBy(RunTraining training, TrainingSession session, RunOutputs outputs) {
        Map<String, Object> run = new LinkedHashMap<>();
        AtomicReference<TrainingStrategy> strategy = new AtomicReference<>();
        return training.onStart(started -> {
            strategy.set(started);
            run.putAll(provenance(session, started.describe()));
            outputs.writeJson(RunOutputs.RUN, run);
        }).listener((stats, net, state) -> {
            Map<String, Object> learned = strategy.get().provenance();
            if (!run.entrySet().containsAll(learned.entrySet())) {
                run.putAll(learned);
                outputs.writeJson(RunOutputs.RUN, run);
            }
        });
    }

    private static Map<String, Object> provenance(TrainingSession session, String strategy) {
        JobConfig job = session.job();
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("name", job.name());
        run.put("startedAt", Instant.now().toString());
        run.put("seed", job.seed());
        run.put("master", session.sparkContext().master());
        run.put("workers", session.workers());
        run.put("strategy", strategy);
        run.put("versions", Versions.all(session.sparkContext().version()));
        run.put("data", session.dataProvenance());
        run.put("config", JsonMapper.builder().build().convertValue(job.resolved().root().unwrapped(), Map.class));
        return run;
    }
}
