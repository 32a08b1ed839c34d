package sparktrain.worker;

import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Guards the shim in src/compat/java ({@code org.nd4j.nativeblas.Nd4jCpu}) that answers DL4J M2.1's oneDNN
 * lookup: a DL4J/ND4J version bump or an ND4J that ships the class itself fails here, so someone looks.
 */
class OneDnnTest {
    /** The versions the shim was written for; see the shim's comment before raising it. */
    static final String SHIM_VERSION = "1.0.0-M2.1";
    static final String SHIM_CLASS = "org/nd4j/nativeblas/Nd4jCpu.class";

    @Test
    void dl4jAndNd4jAreTheVersionsTheShimAnswers() {
        for (String artifact : List.of("org.deeplearning4j/deeplearning4j-nn", "org.nd4j/nd4j-api", "org.nd4j/nd4j-native")) {
            assertEquals(SHIM_VERSION, version(artifact), artifact + " changed version: check whether DL4J's oneDNN"
                    + " lookup (BaseMKLDNNHelper.mklDnnEnabled) still needs src/compat/java/org/nd4j/nativeblas/Nd4jCpu.java,"
                    + " drop or fix the shim, then update SHIM_VERSION");
        }
    }

    @Test
    void theShimIsTheOnlyNd4jCpuOnTheClassPath() throws IOException {
        for (String resource : List.of(SHIM_CLASS, "org/nd4j/nativeblas/Nd4jCpu$Environment.class")) {
            List<URL> copies = Collections.list(getClass().getClassLoader().getResources(resource));
            assertEquals(1, copies.size(), resource + " more than once: ND4J ships it again, so the shaded jar would hold"
                    + " two and one would silently win; drop src/compat/java/org/nd4j/nativeblas/Nd4jCpu.java: " + copies);
            assertTrue(copies.get(0).getProtocol().equals("file"), "ours, from target/classes: " + copies.get(0));
        }
    }

    @Test
    void dl4jsOwnLookupFindsOneDnnThroughTheShim() {
        OneDnn.enable();
        assertEquals("CpuBackend", Nd4j.getBackend().getClass().getSimpleName());
        assertTrue(BaseMKLDNNHelper.mklDnnEnabled(), "DL4J's lookup: the linux-x86_64-onednn natives or the shim missing?");
        assertTrue(OneDnn.inUse());
    }

    /** From the jar's own metadata, META-INF/maven/GROUP/ARTIFACT/pom.properties. */
    private static String version(String artifact) {
        String resource = "META-INF/maven/" + artifact + "/pom.properties";
        try (InputStream in = OneDnnTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertNotNull(in, resource + " not on the class path");
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new AssertionError(resource, e);
        }
    }
}
