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
        String name,
        long seed,
        DataConfig data,
        ModelConfig model,
        TrainingConfig training,
        SparkSettings spark,
        String outputDir,
        MonitorConfig monitor,
        Config resolved) {

    /** Validates every key of a resolved job file and reports all problems together. */
    public static JobConfig fromConfig(Config resolved) {
        Settings s = new Settings(resolved);
        String name = s.string("name");
        if (!name.matches("[A-Za-z0-9._-]+")) {
            s.problem("name", "\"" + name + "\"", "must be letters, digits, '.', '_' or '-' (it names the run directory)");
        }
        JobConfig job = new JobConfig(
                name,
                s.longValue("seed"),
                DataConfig.from(s),
                ModelConfig.from(s),
                TrainingConfig.from(s),
                SparkSettings.from(s),
                s.string("output.dir"),
                MonitorConfig.from(s),
                resolved);
        boolean typesKnown = DataConfig.TYPES.contains(job.data().type()) && ModelConfig.TYPES.contains(job.model().type());
        boolean fits = job.data().sequences() == job.model().recurrent()
                && job.data().type().equals("text") == job.model().type().equals("char-lstm");
        if (typesKnown && !fits) {
            s.problem("model.type", job.model().type(), "does not fit data.type " + job.data().type() + ": "
                    + "fashion-mnist takes mlp, lenet5 or resnet-small; text takes char-lstm; sine and csv-sequences take timeseries-lstm");
        }
        if (!s.problems().isEmpty()) {
            throw new SparktrainException(ExitCode.USAGE, s.problems());
        }
        return job;
    }

    /** The resolved job file as HOCON: what --resume reads back. */
    public String resolvedHocon() {
        return resolved.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
    }

    /** The resolved job file as JSON, for run.json. */
    public String resolvedJson() {
        return resolved.root().render(ConfigRenderOptions.concise().setFormatted(true));
    }
}
