package sparktrain.worker.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;

/**
 * A whole job file, resolved against the defaults and validated once. Stays on the driver:
 * executors get the small serializable records it holds, never this object.
 */
public record JobConfig(
        @From("name") String name,
        @From("seed") long seed,
        DataConfig data,
        ModelConfig model,
        TrainingConfig training,
        SparkSettings spark,
        @From("output.dir") String outputDir,
        MonitorConfig monitor,
        @From(JobKeys.RESOLVED_NAME) Config resolved) {

    /** Validates every key of a resolved job file ({@link JobKeys}) and reports all problems together. */
    public static JobConfig fromConfig(Config resolved) {
        Settings s = new Settings(resolved);
        JobKeys.ALL.readAll(s);
        if (!s.problems().isEmpty()) {
            throw new SparktrainException(ExitCode.USAGE, s.problems());
        }
        return s.bind(JobConfig.class);
    }

    /** The resolved job file as HOCON: what --resume reads back. */
    public String resolvedHocon() {
        return resolved.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
    }

    /** The resolved job file as JSON, for run.json. */
    public String resolvedJson() {
        return resolved.root().render(ConfigRenderOptions.concise().setFormatted(true));
    }

    /** This job with {@code sets} applied as {@code --set} lines would be, validated again. */
    public JobConfig with(String... sets) {
        return JobFiles.parse(resolvedHocon(), name + " (resolved)", java.util.List.of(sets));
    }
}
