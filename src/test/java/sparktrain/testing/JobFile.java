package sparktrain.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Job files for tests: Spark in local mode without its web UI, then the test's own lines. */
public final class JobFile {
    /** The first line of every test job; a later {@code spark.master = ...} line overrides it. */
    public static final String LOCAL_SPARK = "spark { master = \"local[2]\", conf { \"spark.ui.enabled\" = false } }";

    private JobFile() {
    }

    /** Writes {@code file}: {@link #LOCAL_SPARK}, then {@code lines}, so the test's lines start at line 2. */
    public static Path write(Path file, String... lines) throws IOException {
        return write(file, List.of(), lines);
    }

    /** A test's usual lines, then the lines of one case (a later line wins, as HOCON merges). */
    public static Path write(Path file, List<String> lines, String... more) throws IOException {
        List<String> all = new ArrayList<>();
        all.add(LOCAL_SPARK);
        all.addAll(lines);
        all.addAll(List.of(more));
        return Files.write(file, all);
    }

    /** The line pointing data.path at the installed Fashion-MNIST; fails, naming the package, when it is missing. */
    public static String fashionMnist() {
        return "data.path = \"" + TestData.fashionMnist() + "\"";
    }
}
