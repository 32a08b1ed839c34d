package sparktrain.worker.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValueFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The declared keys of one kind of file, in declaration order: the order they are read in, and the order
 * of docs/job-file.md's table. The defaults, the table and a listing of every default all come from here.
 */
public final class Keys {
    private final List<Key<?>> keys = new ArrayList<>();

    /** Declares {@code key}; a path is declared once. */
    public <T> Key<T> add(Key<T> key) {
        if (keys.stream().anyMatch(k -> k.path().equals(key.path()))) {
            throw new IllegalStateException(key.path() + " is declared twice");
        }
        keys.add(key);
        return key;
    }

    public List<Key<?>> all() {
        return List.copyOf(keys);
    }

    /** The keys a file may set (every key but the derived values). */
    public List<Key<?>> settable() {
        return keys.stream().filter(k -> !k.derived()).toList();
    }

    /** Reads every key in declaration order into {@code s}, collecting the problems there. */
    public void readAll(Settings s) {
        keys.forEach(s::read);
    }

    /** Every settable key with its default, as the Config that job files fall back on. */
    public Config defaults() {
        Map<String, Object> values = new LinkedHashMap<>();
        settable().forEach(k -> values.put(k.path(), k.defaultValue()));
        return ConfigFactory.parseMap(values, Settings.DEFAULTS_ORIGIN);
    }

    /** docs/job-file.md's table: one row per settable key, its default and its doc line. */
    public String markdownTable() {
        StringBuilder table = new StringBuilder("| key | default | meaning |\n| --- | --- | --- |\n");
        for (Key<?> k : settable()) {
            table.append("| `").append(k.path()).append("` | `").append(shown(k.defaultValue())).append("` | ")
                    .append(k.doc()).append(" |\n");
        }
        return table.toString();
    }

    /** Every settable key with its default as HOCON, each under its doc line as a comment. */
    public String hocon(String header) {
        StringBuilder out = new StringBuilder(header);
        for (Key<?> k : settable()) {
            out.append('\n');
            wrap(k.doc(), 100).forEach(line -> out.append("# ").append(line).append('\n'));
            out.append(k.path()).append(" = ").append(k.defaultValue() instanceof String
                    ? ConfigValueFactory.fromAnyRef(k.defaultValue()).render() : shown(k.defaultValue())).append('\n');
        }
        return out.toString();
    }

    /** A default as the README shows it: words bare, the empty string as "", lists and objects as HOCON. */
    static String shown(Object value) {
        if (value instanceof String text) {
            return text.isEmpty() ? "\"\"" : text;
        }
        return ConfigValueFactory.fromAnyRef(value).render(ConfigRenderOptions.concise()).replace(",", ", ");
    }

    private static List<String> wrap(String text, int width) {
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String word : text.split(" ")) {
            if (line.length() > 0 && line.length() + 1 + word.length() > width) {
                lines.add(line.toString());
                line.setLength(0);
            }
            line.append(line.length() > 0 ? " " : "").append(word);
        }
        lines.add(line.toString());
        return lines;
    }
}
