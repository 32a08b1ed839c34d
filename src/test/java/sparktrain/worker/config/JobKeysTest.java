package sparktrain.worker.config;

import org.junit.jupiter.api.Test;
import sparktrain.worker.SparktrainException;

import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The declarations in {@link JobKeys} are the one place a job-file key lives: docs/job-file.md's table, the defaults
 * listing and the config records must agree with them. {@code -Dkeys.write=true} rewrites the table and the
 * listing from the declarations instead of failing.
 */
class JobKeysTest {
    private static final Path REFERENCE = Path.of("docs/job-file.md");
    private static final Path LISTING = Path.of("conf/job-defaults.conf");
    private static final String BEGIN = "<!-- keys:job -->\n";
    private static final String END = "<!-- /keys:job -->";
    private static final String HEADER = """
            # Every job-file key with its default and what it means, written from the declarations in
            # worker/sparktrain/worker/config/JobKeys.java (do not edit: see docs/job-file.md).
            # A job file names only the keys it changes; a key not listed here is an error.
            """;
    private static final boolean WRITE = Boolean.getBoolean("keys.write");

    @Test
    void theReferenceTableIsTheDeclarations() throws IOException {
        String reference = Files.readString(REFERENCE, StandardCharsets.UTF_8);
        int begin = reference.indexOf(BEGIN);
        int end = reference.indexOf(END);
        assertTrue(begin >= 0 && end > begin, REFERENCE + " has no " + BEGIN.strip() + " ... " + END + " block");
        String table = reference.substring(begin + BEGIN.length(), end);
        String declared = JobKeys.ALL.markdownTable();
        if (WRITE && !table.equals(declared)) {
            Files.writeString(REFERENCE, reference.substring(0, begin + BEGIN.length()) + declared + reference.substring(end));
            return;
        }
        assertTrue(declared.equals(table), () -> REFERENCE + "'s job-file table disagrees with the declarations in JobKeys.java;"
                + " rewrite it with: mvn -o -q test -Dtest=JobKeysTest -Dkeys.write=true\n" + difference(declared, table));
    }

    /** The rows only one side has, or that the order differs. */
    private static String difference(String declared, String table) {
        List<String> declaredRows = declared.lines().toList();
        List<String> tableRows = table.lines().toList();
        List<String> missing = declaredRows.stream().filter(row -> !tableRows.contains(row)).toList();
        List<String> extra = tableRows.stream().filter(row -> !declaredRows.contains(row)).toList();
        if (missing.isEmpty() && extra.isEmpty()) {
            return "the same rows in another order";
        }
        return (missing.isEmpty() ? "" : "declared, not written:\n  " + String.join("\n  ", missing) + "\n")
                + (extra.isEmpty() ? "" : "written, not declared:\n  " + String.join("\n  ", extra) + "\n");
    }

    @Test
    void theDefaultsListingIsTheDeclarations() throws IOException {
        String declared = JobKeys.ALL.hocon(HEADER);
        if (WRITE) {
            Files.writeString(LISTING, declared);
        }
        String listing = Files.readString(LISTING, StandardCharsets.UTF_8);
        assertTrue(declared.equals(listing), () -> LISTING + " disagrees with the declarations in JobKeys.java; rewrite it"
                + " with: mvn -o -q test -Dtest=JobKeysTest -Dkeys.write=true\n" + difference(declared, listing));
        JobConfig listed = JobFiles.load(LISTING.toString(), List.of());
        JobConfig defaults = JobFiles.parse("", "job.conf", List.of());
        assertEquals(List.of(defaults.name(), defaults.seed(), defaults.data(), defaults.model(), defaults.training(),
                        defaults.spark(), defaults.outputDir(), defaults.monitor()),
                List.of(listed.name(), listed.seed(), listed.data(), listed.model(), listed.training(), listed.spark(),
                        listed.outputDir(), listed.monitor()), "the listing, read as a job file, gives the defaults");
    }

    @Test
    void everyKeyFillsOneRecordComponentAndEveryComponentNamesAKey() {
        Set<String> read = new TreeSet<>();
        components(JobConfig.class, read);
        Set<String> declared = new TreeSet<>();
        JobKeys.ALL.all().forEach(k -> declared.add(k.path()));
        // read only by the derived values training.auto-frequency.enabled and training.averaging-frequency.first
        read.add(JobKeys.AVERAGING_FREQUENCY.path());
        Set<String> unread = new TreeSet<>(declared);
        unread.removeAll(read);
        Set<String> undeclared = new TreeSet<>(read);
        undeclared.removeAll(declared);
        assertEquals(Set.of(), unread, "declared in JobKeys but in no config record (add a component @From(\"key\"))");
        assertEquals(Set.of(), undeclared, "a config record's @From names a key JobKeys does not declare");
    }

    /** The @From names of a record's components, and of the records among them, each used once. */
    private static void components(Class<?> record, Set<String> read) {
        for (RecordComponent c : record.getRecordComponents()) {
            From from = c.getAnnotation(From.class);
            if (from != null) {
                assertTrue(read.add(from.value()), from.value() + " fills two components");
            } else {
                assertTrue(c.getType().isRecord(), record.getSimpleName() + "." + c.getName() + " names no key");
                components(c.getType(), read);
            }
        }
    }

    @Test
    void everyDefaultFollowsItsRule() {
        JobConfig job = JobFiles.parse("", "job.conf", List.of());
        assertEquals(10, job.training().averagingFrequency());
        assertEquals("mcxent", job.model().loss());
        JobKeys.ALL.settable().forEach(k -> assertTrue(job.resolved().hasPath(k.path()), k.path()));
    }

    @Test
    void aProblemWithADefaultNamesNoFile() {
        SparktrainException e = assertThrows(SparktrainException.class,
                () -> JobFiles.parse("data.type = text", "job.conf", List.of()));
        assertEquals(List.of("model.type = lenet5: does not fit data.type text, which takes char-lstm"), e.problems());
    }

    @Test
    void aRecordComponentWithoutItsKeyFailsToBind() {
        record Stray(@From("data.undeclared") String undeclared) {
        }
        Settings s = new Settings(JobFiles.defaults());
        JobKeys.ALL.readAll(s);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.bind(Stray.class));
        assertEquals("Stray.undeclared is @From(\"data.undeclared\"), which no declared key holds", e.getMessage());
    }
}
