package sparktrain.worker.config;

import org.apache.spark.util.Utils;
import scala.collection.JavaConverters;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Java options a job file may give in {@code spark.conf} ({@code spark.executor.extraJavaOptions} and any
 * other {@code *JavaOptions}), as an allowlist: {@code -D} system properties that name no agent, class path,
 * library path or class; the heap, stack and direct-memory sizes; garbage-collector flags and GC logging to
 * stdout or stderr. Anything else (-javaagent, -XX:OnOutOfMemoryError, -XX:VMOptionsFile=, -XX:Flags=,
 * {@code @argfile}, --add-opens...) can make the JVM load or run code, or read more options from a file, and
 * belongs to whoever runs spark-submit. The options are split as Spark splits them when it starts a JVM
 * (quotes group, backslashes escape), so what is checked is what the JVM gets.
 */
final class JavaOptions {
    static final String ALLOWED = "a job file may give only -D properties that name no agent, class path, library"
            + " path or class, -Xmx, -Xms, -Xss, -Xmn, -XX:MaxDirectMemorySize and garbage-collector flags";
    private static final Pattern MEMORY = Pattern.compile("-X(mx|ms|ss|mn)\\d+[kKmMgGtT]?|-XX:MaxDirectMemorySize=\\d+[kKmMgGtT]?");
    private static final Pattern GC_LOG = Pattern.compile("-verbose:gc|-Xlog:gc[\\w*+=,]*(:(stdout|stderr)?(:[\\w,]*)?)?");
    private static final Pattern XX = Pattern.compile("-XX:(?:([+-])(\\w+)|(\\w+)=([\\w.]+))");
    /** -XX:+Name / -XX:-Name switches of HotSpot's collectors and heap. */
    private static final Set<String> GC_SWITCHES = Set.of("UseG1GC", "UseParallelGC", "UseSerialGC", "UseZGC",
            "UseShenandoahGC", "ZGenerational", "ExplicitGCInvokesConcurrent", "DisableExplicitGC", "AlwaysPreTouch",
            "UseStringDeduplication", "UseAdaptiveSizePolicy", "ParallelRefProcEnabled", "UseNUMA",
            "UseDynamicNumberOfGCThreads", "UseGCOverheadLimit", "ScavengeBeforeFullGC", "ClassUnloading",
            "UseCompressedOops", "UseContainerSupport");
    /** -XX:Name=value settings of HotSpot's collectors and heap; the value is a number, a size or a word. */
    private static final Set<String> GC_SETTINGS = Set.of("MaxGCPauseMillis", "GCPauseIntervalMillis", "GCTimeRatio",
            "ParallelGCThreads", "ConcGCThreads", "InitiatingHeapOccupancyPercent", "G1HeapRegionSize",
            "G1ReservePercent", "G1MixedGCCountTarget", "G1HeapWastePercent", "G1PeriodicGCInterval",
            "G1ConcRefinementThreads", "NewRatio", "NewSize", "MaxNewSize", "SurvivorRatio", "MaxTenuringThreshold",
            "InitialTenuringThreshold", "MinHeapFreeRatio", "MaxHeapFreeRatio", "MaxRAMPercentage",
            "InitialRAMPercentage", "MinRAMPercentage", "MaxMetaspaceSize", "MetaspaceSize", "SoftMaxHeapSize",
            "MaxHeapSize", "InitialHeapSize", "ZCollectionInterval", "ZUncommitDelay", "ZAllocationSpikeTolerance",
            "ShenandoahGCHeuristics", "ShenandoahGCMode", "ActiveProcessorCount");
    private static final Pattern PROPERTY = Pattern.compile("-D([\\w.\\-]+)(?:=(.*))?", Pattern.DOTALL);
    /**
     * Words in a property's name that say it names an agent, a class path, a library path or a class
     * (java.library.path, java.class.path, jdk.module.path, java.system.class.loader, java.ext.dirs,
     * java.util.logging.config.class, JavaCPP's pathsFirst and preloadpath...), or a file that names classes
     * (java.util.logging.config.file, log4j2.configurationFile, the JAAS and security configuration).
     */
    private static final List<String> CODE_WORDS = List.of("agent", "path", "librar", "class", "loader", "dirs",
            "codebase", "config.file", "configurationfile", "log4j.configuration", "login.config",
            "java.security.manager", "java.security.policy", "java.security.properties");
    /**
     * Properties that choose where native code is loaded from: JavaCPP unpacks ND4J's native libraries into its
     * cache directory (org.bytedeco.javacpp.cachedir, else under user.home, else under java.io.tmpdir) and loads
     * them from there; its platform picks which ones.
     */
    private static final Set<String> NATIVE_DIRECTORIES = Set.of("org.bytedeco.javacpp.cachedir",
            "org.bytedeco.javacpp.platform", "user.home", "java.io.tmpdir", "java.home");
    /** A jar, a class file or a native library, alone or in a list of paths. */
    private static final Pattern CODE_FILE = Pattern.compile("(?i)\\.(jar|class|so|dylib|dll|jnilib)(\\.\\d+)*(?=$|[:;,\\s])");

    private JavaOptions() {
    }

    /** Why {@code options} may not be given in a job file, naming the first option that may not; empty if they may. */
    static Optional<String> violation(String options) {
        for (String option : JavaConverters.seqAsJavaList(Utils.splitCommandString(options))) {
            Optional<String> why = refusal(option);
            if (why.isPresent()) {
                return Optional.of("may not hold " + option + " in a job file: " + why.get());
            }
        }
        return Optional.empty();
    }

    private static Optional<String> refusal(String option) {
        Matcher property = PROPERTY.matcher(option);
        if (property.matches()) {
            return propertyRefusal(property.group(1), property.group(2) == null ? "" : property.group(2));
        }
        if (MEMORY.matcher(option).matches() || GC_LOG.matcher(option).matches()) {
            return Optional.empty();
        }
        Matcher xx = XX.matcher(option);
        if (xx.matches() && (xx.group(2) != null ? GC_SWITCHES.contains(xx.group(2)) : GC_SETTINGS.contains(xx.group(3)))) {
            return Optional.empty();
        }
        return Optional.of(ALLOWED);
    }

    private static Optional<String> propertyRefusal(String name, String value) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.startsWith("spark.")) {
            // SparkConf reads spark.* system properties as settings, past the checks of spark.conf
            return Optional.of("a Spark setting as a system property; give " + name + " in spark.conf");
        }
        if (NATIVE_DIRECTORIES.contains(lower) || CODE_WORDS.stream().anyMatch(lower::contains)) {
            return Optional.of("the property " + name + " names code or where it is loaded from; " + ALLOWED);
        }
        if (SparkConfPolicy.CLASS_NAMES.matcher(value).matches() || CODE_FILE.matcher(value).find()) {
            return Optional.of("its value names a class, a jar or a native library; " + ALLOWED);
        }
        return Optional.empty();
    }
}
