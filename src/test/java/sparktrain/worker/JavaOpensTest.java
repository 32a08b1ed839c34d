package sparktrain.worker;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The --add-opens list has one copy, and the Maven test JVM (pom.xml's argLine) reads it. */
class JavaOpensTest {
    /** An option naming a real package; the doctor's messages say java.base/PKG, which is not one. */
    private static final Pattern COPY = Pattern.compile("add-opens[= ]java\\.base/[a-z]");

    @Test
    void theFileListsThirteenJavaBasePackages() {
        assertEquals(13, JavaOpens.OPTIONS.size(), JavaOpens.OPTIONS::toString);
        assertEquals("java.lang", JavaOpens.PACKAGES.get(0));
        assertEquals("sun.util.calendar", JavaOpens.PACKAGES.get(12));
    }

    @Test
    void thisTestJvmHasThemOpen() {
        Module unnamed = getClass().getClassLoader().getUnnamedModule();
        List<String> closed = JavaOpens.PACKAGES.stream().filter(p -> !Object.class.getModule().isOpen(p, unnamed)).toList();
        assertTrue(closed.isEmpty(), "pom.xml's argLine did not open " + closed);
    }

    @Test
    void noOtherFileHoldsACopy() throws IOException {
        List<String> copies = new ArrayList<>();
        for (String root : List.of("pom.xml", "README.md", "conf", "scripts", "driver", "worker", "jobs", "src")) {
            try (Stream<Path> files = Files.walk(Path.of(root))) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
                    if (!f.equals(Path.of(JavaOpens.FILE)) && COPY.matcher(text).find()) {
                        copies.add(f.toString());
                    }
                }
            }
        }
        assertEquals(List.of(), copies, "--add-opens=java.base/... written outside " + JavaOpens.FILE
                + ": read that file instead (README \"Run on a cluster\")");
    }

}
