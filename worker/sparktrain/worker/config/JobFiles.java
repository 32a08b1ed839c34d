package sparktrain.worker.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigUtil;
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
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Loads a job file (any Hadoop URI or local path), applies {@code --set} overrides and validates. */
public final class JobFiles {
    private JobFiles() {
    }

    /** Every key with its default, from the declarations in {@link JobKeys}. */
    public static Config defaults() {
        return JobKeys.ALL.defaults();
    }

    /**
     * Local job files may {@code include} others by relative path; job files on other file systems are
     * read as they are.
     */
    public static JobConfig load(String location, List<String> overrides) {
        return validate(read(location), location, overrides);
    }

    /** The job file at {@code location}, parsed, not yet validated: {@link #validate} it once per set of overrides. */
    public static Config read(String location) {
        URI uri = HadoopFiles.path(location).toUri();
        boolean local = uri.getScheme() == null || uri.getScheme().equals("file");
        if (!local) {
            return parseText(HadoopFiles.readText(location, "job file"), location);
        }
        File file = new File(uri.getPath());
        if (!file.isFile()) {
            throw SparktrainException.usage("job file " + location + ": not found");
        }
        try {
            return ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false)
                    .setSyntax(ConfigSyntax.CONF));
        } catch (ConfigException e) {
            throw SparktrainException.usage(location + ": not a valid job file: " + e.getMessage());
        }
    }

    private static Config parseText(String text, String origin) {
        try {
            return ConfigFactory.parseString(text, ConfigParseOptions.defaults()
                    .setOriginDescription(origin).setSyntax(ConfigSyntax.CONF));
        } catch (ConfigException e) {
            throw SparktrainException.usage(origin + ": not a valid job file: " + e.getMessage());
        }
    }

    /**
     * A job put together by a program (the Spark ML estimators), from the bottom up: the defaults, then
     * {@code fallbacks}, then the job file at {@code location} (null: none), then {@code settings} (HOCON text,
     * checked as {@code --set} lines are), then {@code fixed}. Every layer's keys are checked, problems reported together.
     */
    public static JobConfig layered(Map<String, Object> fallbacks, String location, String settings,
                                    Map<String, Object> fixed) {
        Config file = location == null ? ConfigFactory.empty() : read(location);
        Config set = parseText(settings, "settings");
        Config top = ConfigFactory.parseMap(fixed, "parameters");
        Config bottom = ConfigFactory.parseMap(fallbacks, "parameters");
        Config defaults = defaults();
        List<String> problems = new ArrayList<>();
        problems.addAll(unknownKeys(file, defaults, location));
        problems.addAll(unknownKeys(set, defaults, "settings"));
        problems.addAll(unknownKeys(top.withFallback(bottom), defaults, "parameters"));
        if (!problems.isEmpty()) {
            throw new SparktrainException(ExitCode.USAGE, problems);
        }
        try {
            return JobConfig.fromConfig(top.withFallback(set).withFallback(file).withFallback(bottom)
                    .withFallback(defaults).resolve());
        } catch (ConfigException e) {
            throw SparktrainException.usage((location == null ? "settings" : location) + ": " + e.getMessage());
        }
    }

    public static JobConfig parse(String text, String origin, List<String> overrides) {
        return validate(parseText(text, origin), origin, overrides);
    }

    /** The job file {@link #read} from {@code origin} with {@code overrides}, checked. */
    public static JobConfig validate(Config file, String origin, List<String> overrides) {
        Config sets = parseOverrides(overrides);
        Config defaults = defaults();
        List<String> problems = new ArrayList<>();
        problems.addAll(unknownKeys(file, defaults, origin));
        problems.addAll(unknownKeys(sets, defaults, "--set"));
        if (!problems.isEmpty()) {
            throw new SparktrainException(ExitCode.USAGE, problems);
        }
        Config resolved;
        try {
            resolved = sets.withFallback(file).withFallback(defaults).resolve();
        } catch (ConfigException e) {
            throw SparktrainException.usage(origin + ": " + e.getMessage());
        }
        return JobConfig.fromConfig(resolved);
    }

    /** Each override is {@code key=value}; the value is HOCON when it parses, else a plain string. */
    public static Config parseOverrides(List<String> overrides) {
        Config sets = ConfigFactory.empty();
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw SparktrainException.usage("--set " + override + ": expected key=value, e.g. --set training.epochs=3");
            }
            String key = override.substring(0, eq).trim();
            String value = override.substring(eq + 1).trim();
            try {
                ConfigUtil.splitPath(key);
            } catch (ConfigException e) {
                throw SparktrainException.usage("--set " + override + ": '" + key + "' is not a key path");
            }
            Config one;
            if (looksLikeHocon(value)) {
                try {
                    one = ConfigFactory.parseString(key + " = " + value,
                            ConfigParseOptions.defaults().setOriginDescription("--set"));
                } catch (ConfigException e) {
                    throw SparktrainException.usage("--set " + override + ": cannot parse the value: " + e.getMessage());
                }
            } else {
                // paths like file:///x would lose everything after '//' (a HOCON comment) if parsed
                one = ConfigFactory.empty().withValue(key, ConfigValueFactory.fromAnyRef(value, "--set"));
            }
            sets = one.withFallback(sets);
        }
        return sets;
    }

    private static boolean looksLikeHocon(String value) {
        return value.startsWith("[") || value.startsWith("{") || value.startsWith("\"")
                || value.matches("-?[0-9][0-9_]*(\\.[0-9]*)?([eE][-+]?[0-9]+)?|true|false|null");
    }

    /** Every key of {@code user} must exist in the defaults, except under spark.conf. */
    public static List<String> unknownKeys(Config user, Config defaults, String origin) {
        List<String> problems = new ArrayList<>();
        Set<String> known = leafPaths(defaults);
        for (Map.Entry<String, ConfigValue> entry : user.entrySet()) {
            String path = entry.getKey();
            List<String> parts = ConfigUtil.splitPath(path);
            if (parts.size() > 2 && parts.get(0).equals("spark") && parts.get(1).equals("conf")) {
                continue;
            }
            if (known.contains(path)) {
                continue;
            }
            if (defaults.hasPathOrNull(path) && defaults.getValue(path).valueType() == ConfigValueType.OBJECT) {
                problems.add(origin + ": " + path + " is a section, not a value");
                continue;
            }
            int line = entry.getValue().origin().lineNumber();
            problems.add(origin + (line > 0 && !origin.equals("--set") ? ": line " + line : "") + ": " + path
                    + ": unknown key" + DidYouMean.hint(path, known));
        }
        return problems;
    }

    private static Set<String> leafPaths(Config config) {
        Set<String> paths = new TreeSet<>();
        config.entrySet().forEach(e -> paths.add(e.getKey()));
        return paths;
    }
}
