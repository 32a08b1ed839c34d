package sparktrain.worker.data;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.Path;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.io.HadoopFiles;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The characters a character model knows, each with its index (the position in {@link #characters()}).
 * Saved beside the model as {@value #FILE}: {@code {"characters": ["\n", " ", "!", ...]}}.
 */
public final class Vocabulary implements java.io.Serializable {
    public static final String FILE = "vocabulary.json";
    // escaped, so that a lone half of a surrogate pair survives as \uD83D
    @SuppressWarnings("deprecation")
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(com.fasterxml.jackson.core.JsonGenerator.Feature.ESCAPE_NON_ASCII, true);

    private final List<Character> characters;
    private final Map<Character, Integer> indexes = new HashMap<>();

    public Vocabulary(List<Character> characters) {
        this.characters = List.copyOf(characters);
        for (int i = 0; i < this.characters.size(); i++) {
            indexes.put(this.characters.get(i), i);
        }
    }

    /** Every distinct character of {@code text}, in code order. */
    public static Vocabulary of(String text) {
        TreeSet<Character> distinct = new TreeSet<>();
        for (int i = 0; i < text.length(); i++) {
            distinct.add(text.charAt(i));
        }
        return new Vocabulary(List.copyOf(distinct));
    }

    public int size() {
        return characters.size();
    }

    public List<Character> characters() {
        return characters;
    }

    public char character(int index) {
        return characters.get(index);
    }

    /** The index of {@code c}, or -1 when the vocabulary does not have it. */
    public int index(char c) {
        return indexes.getOrDefault(c, -1);
    }

    /** The index of every character of {@code text}, which must all be known. */
    public int[] encode(String text) {
        int[] out = new int[text.length()];
        for (int i = 0; i < out.length; i++) {
            out[i] = index(text.charAt(i));
        }
        return out;
    }

    public String toJson() {
        List<String> chars = characters.stream().map(String::valueOf).toList();
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(Map.of("characters", chars)) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public static Vocabulary fromJson(String json, String origin) {
        try {
            Map<?, ?> root = JSON.readValue(json, Map.class);
            if (!(root.get("characters") instanceof List<?> list)) {
                throw SparktrainException.usage(origin + ": expected {\"characters\": [...]}");
            }
            return new Vocabulary(list.stream().map(c -> {
                if (!(c instanceof String s) || s.length() != 1) {
                    throw SparktrainException.usage(origin + ": every entry of \"characters\" must be one character, found " + c);
                }
                return s.charAt(0);
            }).toList());
        } catch (IOException e) {
            throw SparktrainException.usage(origin + ": not a vocabulary file: " + e.getMessage());
        }
    }

    /** The vocabulary saved beside {@code modelLocation}. */
    public static Vocabulary besideModel(String modelLocation) {
        Path file = new Path(HadoopFiles.path(modelLocation).getParent(), FILE);
        try (InputStream in = HadoopFiles.fileSystem(file).open(file)) {
            return fromJson(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8), file.toString());
        } catch (FileNotFoundException e) {
            throw SparktrainException.usage("--model " + modelLocation + ": no " + FILE
                    + " beside it (train writes one beside every char-lstm model)");
        } catch (IOException e) {
            throw SparktrainException.usage(file + ": cannot read: " + e.getMessage());
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && v.characters.equals(characters);
    }

    @Override
    public int hashCode() {
        return characters.hashCode();
    }
}
