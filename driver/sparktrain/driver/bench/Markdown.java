package sparktrain.driver.bench;

import java.util.List;
import java.util.Locale;

/** The bits of Markdown the benchmark blocks are made of. */
final class Markdown {
    private Markdown() {
    }

    static String table(List<String> header, List<List<String>> rows) {
        StringBuilder s = new StringBuilder();
        s.append("| ").append(String.join(" | ", header)).append(" |\n");
        s.append("|").append(" --- |".repeat(header.size())).append("\n");
        for (List<String> row : rows) {
            s.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        return s.toString();
    }

    static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }

    /** Bytes as kB, MB or GB (decimal). */
    static String bytes(double b) {
        if (b >= 1e9) {
            return f("%.2f GB", b / 1e9);
        }
        if (b >= 1e6) {
            return f("%.1f MB", b / 1e6);
        }
        return f("%.1f kB", b / 1e3);
    }

    static String seconds(double s) {
        return s >= 100 ? f("%.0f s", s) : s >= 10 ? f("%.1f s", s) : f("%.2f s", s);
    }
}
