package sparktrain.worker.config;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a job file's {@code spark.conf} may not set: anything that makes a JVM load or run code the job
 * file names (jars, plugins, listeners, class names, agents, native libraries, shell commands, the
 * executors' environment for the loader). Those belong to whoever runs spark-submit (its --conf and
 * conf/spark-defaults.conf), not to a job file that may come from someone else. Memory, cores, timeouts
 * and the like stay allowed. Java options ({@code *JavaOptions}) are an allowlist: {@link JavaOptions}.
 */
final class SparkConfPolicy {
    private static final String WHERE = "set it with spark-submit --conf or in conf/spark-defaults.conf instead";
    private static final List<String> KEYS = List.of("spark.plugins", "spark.extraListeners", "spark.jars",
            "spark.jars.packages", "spark.jars.repositories", "spark.jars.ivy", "spark.jars.ivySettings",
            "spark.submit.pyFiles", "spark.pyspark.python", "spark.pyspark.driver.python", "spark.r.command",
            "spark.r.driver.command", "spark.archives", "spark.driver.resource.gpu.discoveryScript");
    private static final List<String> SUFFIXES = List.of(".extraClassPath", ".extraLibraryPath",
            ".userClassPathFirst", ".discoveryScript", ".plugins", ".listeners", ".class", ".classes");
    private static final List<String> ENV = List.of("LD_PRELOAD", "LD_LIBRARY_PATH", "JAVA_TOOL_OPTIONS",
            "_JAVA_OPTIONS", "JDK_JAVA_OPTIONS", "CLASSPATH", "PATH", "SPARK_CLASSPATH", "PYTHONPATH", "PYTHONSTARTUP");
    /** One or more comma-separated fully qualified class names, e.g. org.example.Plugin. */
    static final Pattern CLASS_NAMES = Pattern.compile(
            "\\s*[a-z_$][\\w$]*(\\.[a-zA-Z_$][\\w$]*)*\\.[A-Z][\\w$]*\\s*(,\\s*[a-z_$][\\w$]*(\\.[a-zA-Z_$][\\w$]*)*\\.[A-Z][\\w$]*\\s*)*");

    private SparkConfPolicy() {
    }

    /** The rule {@code key = value} breaks, if any, as "must ..." text for {@link Settings#problem}. */
    static Optional<String> violation(String key, String value) {
        if (KEYS.contains(key) || SUFFIXES.stream().anyMatch(key::endsWith)) {
            return Optional.of("may not be set in a job file: it makes Spark load code; " + WHERE);
        }
        if (key.startsWith("spark.executorEnv.") || key.startsWith("spark.yarn.appMasterEnv.")
                || key.startsWith("spark.kubernetes.driverEnv.")) {
            String name = key.substring(key.lastIndexOf('.') + 1);
            if (ENV.contains(name) || name.startsWith("LD_") || name.startsWith("DYLD_")) {
                return Optional.of("may not be set in a job file: " + name + " makes processes load code; " + WHERE);
            }
        }
        if (key.toLowerCase(Locale.ROOT).endsWith("javaoptions")) {
            return JavaOptions.violation(value).map(why -> why + "; " + WHERE);
        }
        if (CLASS_NAMES.matcher(value).matches()) {
            return Optional.of("names a class, which Spark would load: a job file may not; for Kryo set"
                    + " spark.kryo = true; otherwise " + WHERE);
        }
        return Optional.empty();
    }
}
