package sparktrain.ml;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README "Use it from Spark" shows the Java example that {@link DeepLearningClassifierTest} compiles and runs: the
 * example's lines must be the test's, line for line (indentation aside).
 */
class ReadmeExampleTest {

    @Test
    void theReadmesJavaExampleIsTheAcceptanceTests() throws IOException {
        List<String> readme = Files.readAllLines(Path.of("README.md"));
        int heading = readme.indexOf("## Use it from Spark");
        assertTrue(heading >= 0, "README.md has no \"## Use it from Spark\" section");
        int start = heading;
        while (!readme.get(start).equals("```java")) {
            start++;
        }
        int end = readme.subList(start + 1, readme.size()).indexOf("```") + start + 1;
        List<String> test = Files.readAllLines(Path.of("src/test/java/sparktrain/ml/DeepLearningClassifierTest.java"));
        int from = indexOfContaining(test, "// README example begin") + 1;
        int to = indexOfContaining(test, "// README example end");
        assertEquals(trimmed(test.subList(from, to)), trimmed(readme.subList(start + 1, end).stream()
                .filter(line -> !line.startsWith("import ")).toList()).stream().dropWhile(String::isEmpty).toList());
    }

    private static int indexOfContaining(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        throw new AssertionError("DeepLearningClassifierTest has no line " + text);
    }

    private static List<String> trimmed(List<String> lines) {
        return lines.stream().map(String::strip).toList();
    }
}
