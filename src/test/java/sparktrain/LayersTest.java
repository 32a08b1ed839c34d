package sparktrain;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The layers of README "Layout", checked on the compiled classes: what runs in executors never reaches for
 * the SparkContext or the driver's code, and only the CLI knows the CLI.
 */
class LayersTest {
    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        main = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("sparktrain");
    }

    @Test
    void workerCodeNeverTouchesTheSparkContextOrTheDriver() {
        noClasses().that().resideInAPackage("sparktrain.worker..")
                .should().dependOnClassesThat().haveFullyQualifiedName("org.apache.spark.api.java.JavaSparkContext")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.apache.spark.SparkContext")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("org.apache.spark.sql.SparkSession")
                .orShould().dependOnClassesThat().resideInAnyPackage("sparktrain.driver..", "sparktrain.ml..", "sparktrain.jobs..")
                .because("worker/ runs inside executors (README \"Layout\")")
                .check(main);
    }

    /** The same rule on the sources, so that an import no bytecode shows yet (not used so far) fails too. */
    @Test
    void workerSourcesImportNeitherTheSparkContextNorTheDriver() throws IOException {
        Pattern forbidden = Pattern.compile("^import (static )?(org\\.apache\\.spark\\.api\\.java\\.JavaSparkContext"
                + "|org\\.apache\\.spark\\.SparkContext|org\\.apache\\.spark\\.sql\\.SparkSession"
                + "|sparktrain\\.(driver|ml|jobs)\\.)", Pattern.MULTILINE);
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("worker"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = forbidden.matcher(Files.readString(f));
                while (m.find()) {
                    found.add(f + ": " + m.group());
                }
            }
        }
        assertEquals(List.of(), found, "worker/ runs inside executors (README \"Layout\")");
    }

    @Test
    void executorFunctionsLiveInWorker() {
        noClasses().that().resideOutsideOfPackage("sparktrain.worker..")
                .should().implement(com.tngtech.archunit.base.DescribedPredicate.describe("a Spark function",
                        (com.tngtech.archunit.core.domain.JavaClass c) -> c.getPackageName()
                                .equals("org.apache.spark.api.java.function")))
                .because("what runs inside executors lives in worker/ (README \"Layout\")")
                .check(main);
    }

    @Test
    void onlyTheCliKnowsTheCli() {
        noClasses().that().resideOutsideOfPackage("sparktrain.jobs..")
                .should().dependOnClassesThat().resideInAPackage("sparktrain.jobs..")
                .because("jobs/ is the command line, on top of everything else (README \"Layout\")")
                .check(main);
    }

    @Test
    void everyClassIsInALayer() {
        noClasses().that().resideInAPackage("sparktrain..")
                .should().resideOutsideOfPackages("sparktrain.worker..", "sparktrain.driver..", "sparktrain.ml..",
                        "sparktrain.jobs..")
                .because("each package lives in the folder of its layer: worker/, driver/ or jobs/")
                .check(main);
    }

    /** sparktrain.ml needs the SparkSession, so it is driver code: its sources live in driver/, as driver's do. */
    @Test
    void eachPackageLivesInTheFolderOfItsLayer() throws IOException {
        Pattern declared = Pattern.compile("^package (sparktrain\\.[a-z]+)", Pattern.MULTILINE);
        java.util.Map<String, List<String>> layers = java.util.Map.of("driver", List.of("sparktrain.driver", "sparktrain.ml"),
                "worker", List.of("sparktrain.worker"), "jobs", List.of("sparktrain.jobs"));
        List<String> misplaced = new ArrayList<>();
        for (var layer : layers.entrySet()) {
            try (Stream<Path> files = Files.walk(Path.of(layer.getKey()))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    Matcher m = declared.matcher(Files.readString(f));
                    if (!m.find() || !layer.getValue().contains(m.group(1))) {
                        misplaced.add(f + (m.find(0) ? ": " + m.group(1) : ": no sparktrain package"));
                    }
                }
            }
        }
        assertEquals(List.of(), misplaced, "driver/ holds sparktrain.driver and sparktrain.ml, worker/ sparktrain.worker,"
                + " jobs/ sparktrain.jobs (README \"Layout\")");
    }
}
