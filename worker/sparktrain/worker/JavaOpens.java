package sparktrain.worker;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code --add-opens} options Spark and ND4J need on Java 17, from their only copy,
 * {@value #FILE} (on the class path and in the jar, so executors read it too).
 */
public final class JavaOpens {
    /** Where the list lives in the source tree, for messages that tell someone where to look. */
    public static final String FILE = "src/main/resources/sparktrain-java-opens.txt";
    private static final String RESOURCE = "sparktrain-java-opens.txt";
    private static final Pattern OPTION = Pattern.compile("--add-opens=java\\.base/([\\w.]+)=ALL-UNNAMED");

    /** The options, in the file's order. */
    public static final List<String> OPTIONS = read();
    /** The java.base packages they open, in the same order. */
    public static final List<String> PACKAGES = OPTIONS.stream().map(JavaOpens::pkg).toList();

    private JavaOpens() {
    }

    private static List<String> read() {
        try (InputStream in = JavaOpens.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the class path (the jar is built from " + FILE + ")");
            }
            List<String> options = new ArrayList<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String option = line.strip();
                if (!option.isEmpty() && !option.startsWith("#")) {
                    pkg(option);
                    options.add(option);
                }
            }
            return List.copyOf(options);
        } catch (IOException e) {
            throw new UncheckedIOException(RESOURCE, e);
        }
    }

    private static String pkg(String option) {
        Matcher m = OPTION.matcher(option);
        if (!m.matches()) {
            throw new IllegalStateException(FILE + ": " + option + ": expected --add-opens=java.base/PACKAGE=ALL-UNNAMED");
        }
        return m.group(1);
    }
}
