package sparktrain.driver.sweep;

import sparktrain.worker.config.JobFiles;
import sparktrain.worker.config.Settings;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import sparktrain.worker.DidYouMean;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.io.HadoopFiles;

import java.io.File;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A sweep file, validated once: the base job file, the search space (a grid and/or random samples over
 * job-file keys), the strategy, the metric and its goal, and the optional early termination.
 *
 * @param jobSets  {@code --set} overrides of job-file keys, applied to every trial
 * @param resolved the sweep file with the defaults and sweep-key overrides, as a sweep.conf copy holds it
 */
public record SweepConfig(
        String origin,
        String base,
        String strategy,
        String metric,
        String goal,
        int parallelism,
        Map<String, List<ConfigValue>> grid,
        int randomTrials,
        long randomSeed,
        Map<String, Distribution> space,
        Asha asha,
        String outputDir,
        List<String> jobSets,
        Config resolved) {

    public static final List<String> STRATEGIES = List.of("trial-parallel", "distributed");
    private static final String DEFAULTS = "sparktrain-sweep-defaults.conf";
    private static final Set<String> SWEEP_KEYS = Set.of("base", "strategy", "metric", "goal", "parallelism", "grid",
            "random", "early-termination", "output");

    /** Asynchronous successive halving ({@link sparktrain.driver.sweep.Asha}): rungs at epochs grace, grace*factor, ... */
    public record Asha(int graceEpochs, int reductionFactor) {
    }

    /** A random-search distribution over one job-file key. */
    public sealed interface Distribution permits Uniform, LogUniform, Choice {
        ConfigValue sample(Random random);
    }

    public record Uniform(double low, double high) implements Distribution {
        @Override
        public ConfigValue sample(Random random) {
            return number(low + (high - low) * random.nextDouble());
        }
    }

    public record LogUniform(double low, double high) implements Distribution {
        @Override
        public ConfigValue sample(Random random) {
            return number(Math.exp(Math.log(low) + (Math.log(high) - Math.log(low)) * random.nextDouble()));
        }
    }

    public record Choice(List<ConfigValue> values) implements Distribution {
        @Override
        public ConfigValue sample(Random random) {
            return values.get(random.nextInt(values.size()));
        }
    }

    /** Six significant digits: the value a trial's row shows is the value it trained with. */
    static ConfigValue number(double x) {
        return ConfigValueFactory.fromAnyRef(Double.parseDouble(String.format(Locale.ROOT, "%.6g", x)));
    }

    /** A value as a {@code --set} or trials.csv shows it: numbers and words bare, lists as HOCON. */
    public static String render(ConfigValue value) {
        return value.valueType() == ConfigValueType.STRING ? (String) value.unwrapped()
                : value.render(ConfigRenderOptions.concise());
    }

    /** {@code key=value} for {@link JobFiles#load}. */
    public static String override(String key, ConfigValue value) {
        return key + "=" + value.render(ConfigRenderOptions.concise());
    }

    /**
     * Reads a sweep file. {@code sets} that name sweep keys (strategy, parallelism, early-termination...)
     * change the sweep; the others are job-file keys for every trial.
     */
    public static SweepConfig load(String location, List<String> sets) {
        Config file = parseFile(location);
        List<String> sweepSets = new ArrayList<>();
        List<String> jobSets = new ArrayList<>();
        for (String set : sets) {
            String key = set.contains("=") ? set.substring(0, set.indexOf('=')).trim() : set;
            String first = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
            (SWEEP_KEYS.contains(first) ? sweepSets : jobSets).add(set);
        }
        List<String> problems = new ArrayList<>();
        Config jobOverrides = JobFiles.parseOverrides(jobSets);
        Config jobDefaults = JobFiles.defaults();
        for (String key : new ArrayList<>(jobOverrides.root().keySet())) {
            String sweepKey = jobDefaults.hasPath(key) || DidYouMean.closest(key, jobDefaults.root().keySet()) != null
                    ? null : DidYouMean.closest(key, SWEEP_KEYS);
            if (sweepKey != null) {
                problems.add("--set: " + key + ": unknown key (did you mean " + sweepKey + ", a sweep key?)");
                jobOverrides = jobOverrides.withoutPath(key);
            }
        }
        // once here, not once for every trial
        problems.addAll(JobFiles.unknownKeys(jobOverrides, jobDefaults, "--set"));
        if (!problems.isEmpty()) {
            throw new SparktrainException(ExitCode.USAGE, problems);
        }
        Config overrides = JobFiles.parseOverrides(sweepSets);
        String base = file.hasPath("base") && file.getValue("base").valueType() == ConfigValueType.STRING
                ? resolveRelative(location, file.getString("base")) : "";
        Config withBase = base.isEmpty() ? file : file.withValue("base", ConfigValueFactory.fromAnyRef(base));
        return from(overrides.withFallback(withBase), location, jobSets);
    }

    /** A sweep.conf written by an earlier run: base is already absolute. */
    public static SweepConfig from(Config file, String origin, List<String> jobSets) {
        Config defaults = ConfigFactory.parseResources(SweepConfig.class.getClassLoader(), DEFAULTS,
                ConfigParseOptions.defaults().setAllowMissing(false));
        List<String> problems = new ArrayList<>();
        for (String key : file.root().keySet()) {
            if (!SWEEP_KEYS.contains(key)) {
                problems.add(origin + ": " + key + ": unknown sweep key (the keys are base, strategy, metric, goal,"
                        + " parallelism, grid, random, early-termination, output.dir)");
            }
        }
        Config resolved;
        try {
            resolved = file.withFallback(defaults).resolve();
        } catch (ConfigException e) {
            throw SparktrainException.usage(origin + ": " + e.getMessage());
        }
        // a problem names the file or --set where its value was set; a default's, the sweep file
        Settings s = new Settings(resolved, origin);
        for (String section : List.of("random", "early-termination")) {
            if (resolved.getValue(section).valueType() == ConfigValueType.OBJECT) {
                Config part = resolved.getConfig(section).withoutPath("space");
                for (Map.Entry<String, ConfigValue> e : part.entrySet()) {
                    if (!defaults.getConfig(section).hasPath(e.getKey())) {
                        String key = section + "." + e.getKey();
                        problems.add(s.where(key) + key + ": unknown sweep key" + DidYouMean.hint(
                                key, defaults.getConfig(section).root().keySet().stream().map(k -> section + "." + k)
                                        .toList()));
                    }
                }
            }
        }
        String base = s.string("base");
        if (base.isBlank()) {
            s.problem("base", "\"\"", "name the job file the trials start from, e.g. base = lenet-fashion-mnist.conf");
        }
        String strategy = s.choice("strategy", STRATEGIES);
        String metric = s.string("metric");
        if (!metric.isEmpty() && !metric.matches("validation\\.[A-Za-z]+")) {
            s.problem("metric", metric, "must be validation.loss or validation.<the task's metric>, e.g. validation.accuracy");
        }
        String goal = s.string("goal").toLowerCase(Locale.ROOT);
        if (!goal.isEmpty() && !goal.equals("max") && !goal.equals("min")) {
            s.problem("goal", goal, "must be max or min");
        }
        int parallelism = s.intAtLeast("parallelism", 0);
        Map<String, List<ConfigValue>> grid = new TreeMap<>();
        if (resolved.getValue("grid").valueType() != ConfigValueType.OBJECT) {
            s.problem("grid", resolved.getValue("grid").render(), "must be an object of \"job.key\" = [values]");
        } else {
            leaves(resolved.getObject("grid"), "", false).forEach((key, value) -> {
                if (value.valueType() != ConfigValueType.LIST) {
                    s.problem("grid.\"" + key + "\"", value.render(ConfigRenderOptions.concise()),
                            "must be a list of values, e.g. [0.001, 0.01]");
                } else if (((ConfigList) value).isEmpty()) {
                    s.problem("grid.\"" + key + "\"", "[]", "an empty list gives no trials: list at least one value");
                } else {
                    grid.put(key, List.copyOf((ConfigList) value));
                }
            });
        }
        int trials = s.intAtLeast("random.trials", 0);
        long seed = s.longValue("random.seed");
        Map<String, Distribution> space = new TreeMap<>();
        if (resolved.getValue("random.space").valueType() != ConfigValueType.OBJECT) {
            s.problem("random.space", resolved.getValue("random.space").render(), "must be an object of \"job.key\" = {distribution}");
        } else {
            distributions(resolved.getObject("random.space"), "", s, space);
        }
        if (trials > 0 && space.isEmpty()) {
            s.problem("random.space", "{}", "random.trials = " + trials + " needs at least one key to sample");
        }
        if (trials == 0 && !space.isEmpty()) {
            s.problem("random.trials", 0, "random.space names keys: set how many trials to sample, e.g. random.trials = 16");
        }
        for (String key : space.keySet()) {
            if (grid.containsKey(key)) {
                s.problem("random.space.\"" + key + "\"", "", "is also in grid: sweep each key in one of them");
            }
        }
        String termination = s.choice("early-termination.type", List.of("none", "asha"));
        int grace = s.intAtLeast("early-termination.grace-epochs", 1);
        int factor = s.intAtLeast("early-termination.reduction-factor", 2);
        List<String> keys = new ArrayList<>(grid.keySet());
        keys.addAll(space.keySet());
        Config asKeys = ConfigFactory.empty();
        for (String key : keys) {
            asKeys = asKeys.withValue(key, ConfigValueFactory.fromAnyRef(0));
        }
        problems.addAll(JobFiles.unknownKeys(asKeys, JobFiles.defaults(), origin + " (a swept key)"));
        if (problems.isEmpty() && s.problems().isEmpty() && grid.isEmpty() && trials == 0) {
            s.problem("grid", "{}", "the sweep has no trials: give a grid of values and/or random.trials with a random.space");
        }
        problems.addAll(s.problems());
        if (!problems.isEmpty()) {
            throw new SparktrainException(ExitCode.USAGE, problems);
        }
        return new SweepConfig(origin, base, strategy, metric, goal, parallelism, grid, trials, seed, space,
                termination.equals("asha") ? new Asha(grace, factor) : null, s.string("output.dir"), List.copyOf(jobSets),
                resolved);
    }

    /** The swept keys, in the order trials.csv shows them. */
    public List<String> keys() {
        List<String> keys = new ArrayList<>(grid.keySet());
        keys.addAll(space.keySet());
        return keys;
    }

    /** The sweep as it ran, for sweep.conf: what --resume reads back. */
    public String resolvedHocon() {
        return resolved.root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
    }

    /** Nested objects become dotted keys, so both grid { "training.epochs" = [...] } and training.epochs work. */
    private static Map<String, ConfigValue> leaves(ConfigObject object, String prefix, boolean distributions) {
        Map<String, ConfigValue> out = new TreeMap<>();
        object.forEach((key, value) -> {
            String path = prefix + key;
            if (value.valueType() == ConfigValueType.OBJECT && !(distributions && isDistribution((ConfigObject) value))) {
                out.putAll(leaves((ConfigObject) value, path + ".", distributions));
            } else {
                out.put(path, value);
            }
        });
        return out;
    }

    /** { kind = [...] }: one key whose value is a list. */
    private static boolean isDistribution(ConfigObject object) {
        return object.size() == 1 && object.values().iterator().next().valueType() == ConfigValueType.LIST;
    }

    private static void distributions(ConfigObject object, String prefix, Settings s, Map<String, Distribution> out) {
        leaves(object, prefix, true).forEach((key, value) -> {
            String where = "random.space.\"" + key + "\"";
            if (value.valueType() != ConfigValueType.OBJECT || ((ConfigObject) value).size() != 1) {
                s.problem(where, value.render(ConfigRenderOptions.concise()),
                        "must be one of { uniform = [a, b] }, { log-uniform = [a, b] }, { choice = [...] }");
                return;
            }
            Map.Entry<String, ConfigValue> only = ((ConfigObject) value).entrySet().iterator().next();
            String kind = only.getKey();
            if (only.getValue().valueType() != ConfigValueType.LIST) {
                s.problem(where, value.render(ConfigRenderOptions.concise()), kind + " takes a list");
                return;
            }
            ConfigList list = (ConfigList) only.getValue();
            if (kind.equals("choice")) {
                if (list.isEmpty()) {
                    s.problem(where, "{ choice = [] }", "an empty choice gives no trials: list at least one value");
                } else {
                    out.put(key, new Choice(List.copyOf(list)));
                }
                return;
            }
            if (list.size() != 2 || list.stream().anyMatch(v -> v.valueType() != ConfigValueType.NUMBER)) {
                s.problem(where, value.render(ConfigRenderOptions.concise()), kind + " takes two numbers [low, high]");
                return;
            }
            double low = ((Number) list.get(0).unwrapped()).doubleValue();
            double high = ((Number) list.get(1).unwrapped()).doubleValue();
            if (!(low < high)) {
                s.problem(where, value.render(ConfigRenderOptions.concise()), "an empty range: low must be < high");
            } else if (kind.equals("uniform")) {
                out.put(key, new Uniform(low, high));
            } else if (kind.equals("log-uniform")) {
                if (low <= 0) {
                    s.problem(where, value.render(ConfigRenderOptions.concise()), "log-uniform needs 0 < low < high");
                } else {
                    out.put(key, new LogUniform(low, high));
                }
            } else {
                s.problem(where, kind, "unknown distribution: use uniform, log-uniform or choice");
            }
        });
    }

    private static Config parseFile(String location) {
        URI uri = HadoopFiles.path(location).toUri();
        boolean local = uri.getScheme() == null || uri.getScheme().equals("file");
        ConfigParseOptions options = ConfigParseOptions.defaults().setAllowMissing(false).setSyntax(ConfigSyntax.CONF)
                .setOriginDescription(location);
        try {
            if (!local) {
                return ConfigFactory.parseString(HadoopFiles.readText(location, "sweep file"), options);
            }
            File file = new File(uri.getPath());
            if (!file.isFile()) {
                throw SparktrainException.usage("sweep file " + location + ": not found");
            }
            return ConfigFactory.parseFile(file, options);
        } catch (ConfigException e) {
            throw SparktrainException.usage(location + ": not a valid sweep file: " + e.getMessage());
        }
    }

    /** base is relative to the sweep file's directory unless it is absolute or a URI. */
    private static String resolveRelative(String sweepLocation, String base) {
        if (base.isBlank() || base.startsWith("/") || base.matches("[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
            return base;
        }
        URI uri = HadoopFiles.path(sweepLocation).toUri();
        if (uri.getScheme() == null || uri.getScheme().equals("file")) {
            File parent = new File(uri.getPath()).getAbsoluteFile().getParentFile();
            return new File(parent, base).toPath().normalize().toString();
        }
        return new org.apache.hadoop.fs.Path(HadoopFiles.path(sweepLocation).getParent(), base).toString();
    }
}
