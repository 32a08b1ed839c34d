package sparktrain.driver;

import org.nd4j.linalg.factory.Nd4j;
import sparktrain.worker.OneDnn;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/** Versions of everything that decides a result, for run.json. */
public final class Versions {
    private Versions() {
    }

    public static Map<String, Object> all(String sparkVersion) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("sparktrain", sparktrain());
        v.put("spark", sparkVersion);
        v.put("deeplearning4j", maven("org.deeplearning4j", "deeplearning4j-nn"));
        v.put("dl4j-spark", maven("org.deeplearning4j", "dl4j-spark_2.12"));
        v.put("nd4j", maven("org.nd4j", "nd4j-api"));
        v.put("nd4jBackend", Nd4j.getBackend().getClass().getSimpleName());
        Object blas = Nd4j.getExecutioner().getEnvironmentInformation().get("blas.vendor");
        v.put("blas", blas == null ? "unknown" : blas.toString());
        v.put("oneDnn", OneDnn.inUse());
        v.put("java", System.getProperty("java.version"));
        v.put("gitCommit", System.getProperty("sparktrain.git.commit", "unknown"));
        // set by scripts/sparktrain and scripts/submit: tracked files differ from the commit
        String dirty = System.getProperty("sparktrain.git.dirty");
        if (dirty != null) {
            v.put("gitDirty", Boolean.parseBoolean(dirty));
        }
        return v;
    }

    /** The versions a benchmark's numbers depend on, read from the jars of this run, in one line. */
    public static String line() {
        return "Spark " + maven("org.apache.spark", "spark-core_2.12") + ", DL4J " + maven("org.deeplearning4j", "deeplearning4j-nn")
                + ", ND4J " + maven("org.nd4j", "nd4j-api") + ", Java " + System.getProperty("java.version");
    }

    public static String sparktrain() {
        return properties("sparktrain-version.properties").getProperty("version", "unknown");
    }

    static String maven(String group, String artifact) {
        return properties("META-INF/maven/" + group + "/" + artifact + "/pom.properties").getProperty("version", "unknown");
    }

    private static Properties properties(String resource) {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getClassLoader().getResourceAsStream(resource)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException ignored) {
            // an unknown version is reported as "unknown"
        }
        return p;
    }
}
