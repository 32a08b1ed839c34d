package sparktrain.driver.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.testing.ImageFolders;
import sparktrain.testing.SparkTestBase;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;
import sparktrain.worker.data.ImageRows;
import sparktrain.worker.data.Row;
import sparktrain.worker.tasks.ClassificationTask;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparktrain.driver.data.InputsTest.assertBadData;

/** Image folders read by the executors: classes from the subdirectories, hidden files skipped, the checks. */
class ImageFolderInputTest extends SparkTestBase {
    @TempDir
    Path tmp;

    private static JobConfig job(Path folder, String... sets) {
        List<String> all = new ArrayList<>(List.of("data.type=images", "data.path=\"" + folder.toUri() + "\"",
                "data.image.height=12", "data.image.width=12", "data.image.channels=3"));
        all.addAll(List.of(sets));
        return JobFiles.parse("", "test", all);
    }

    @Test
    void classesAreTheSubdirectoriesAndHiddenFilesAreSkipped() throws IOException {
        Path folder = ImageFolders.shapes(tmp.resolve("shapes"), 10, 1);
        Files.writeString(folder.resolve("disk/.DS_Store"), "not an image, hidden");
        Files.writeString(folder.resolve("disk/_partial.png"), "not an image, hidden");
        Files.createDirectories(folder.resolve("disk/.thumbnails"));
        Files.writeString(folder.resolve("disk/.thumbnails/t.png"), "in a hidden directory");
        Files.createDirectories(folder.resolve(".git"));
        Files.writeString(folder.resolve(".git/HEAD"), "a hidden directory is no class");
        Files.writeString(folder.resolve("README.txt"), "a file beside the classes is no image");
        JobConfig job = job(folder, "data.validation-fraction=0.2", "data.test-fraction=0.2", "seed=3");
        try (Data data = Inputs.read(job, sc).requireTrainable()) {
            assertEquals(List.of(), InputsTest.parallelized(data.train().rdd()));
            assertEquals(30, data.trainRows() + data.validationRows() + data.testRows());
            assertTrue(data.validationRows() > 0 && data.testRows() > 0 && data.trainRows() > 10);
            ClassificationTask task = (ClassificationTask) data.task(job);
            assertEquals(List.of(ImageFolders.CLASSES), task.classes());
            assertEquals(12 * 12 * 3, task.shape().flatSize());
            Row row = data.train().first();
            assertEquals(12 * 12 * 3, row.x.length);
            for (float v : row.x) {
                assertTrue(v >= 0 && v <= 1, "scaled to [0, 1]: " + v);
            }
            Set<Long> ids = new HashSet<>(data.train().union(data.validation()).union(data.test()).map(new Row.Id())
                    .collect());
            Set<Long> expected = new HashSet<>();
            for (String c : ImageFolders.CLASSES) {
                try (var files = Files.list(folder.resolve(c))) {
                    files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".png") || n.endsWith(".jpg"))
                            .filter(n -> !n.startsWith("_")).forEach(n -> expected.add(ImageRows.id(c + "/" + n)));
                }
            }
            assertEquals(expected, ids, "each image's id is the hash of its path in the folder");
            Map<String, Object> provenance = data.provenance();
            assertEquals(0L, provenance.get("skippedBadFiles"));
            assertEquals(List.of(ImageFolders.CLASSES), provenance.get("classes"));
            // the same split however the rows are partitioned: it hangs on the hash of each path
            try (Data again = Inputs.read(job, sc)) {
                assertEquals(new HashSet<>(data.test().map(new Row.Id()).collect()),
                        new HashSet<>(again.test().repartition(3).map(new Row.Id()).collect()));
            }
        }
    }

    @Test
    void separateValidationAndTestFoldersAndGreyImages() throws IOException {
        Path train = ImageFolders.shapes(tmp.resolve("train"), 6, 1);
        Path validation = ImageFolders.shapes(tmp.resolve("validation"), 2, 2);
        Path test = ImageFolders.shapes(tmp.resolve("test"), 3, 3);
        Files.walk(test.resolve("disk")).filter(Files::isRegularFile).forEach(f -> f.toFile().delete());
        Files.delete(test.resolve("disk"));
        JobConfig job = job(train, "data.validation-path=\"" + validation.toUri() + "\"",
                "data.test-path=\"" + test.toUri() + "\"", "data.image.channels=1", "data.image.height=20");
        try (Data data = Inputs.read(job, sc).requireTrainable()) {
            assertEquals(18, data.trainRows());
            assertEquals(6, data.validationRows());
            assertEquals(6, data.testRows());
            assertEquals(Set.of(1, 2), new HashSet<>(data.test().map(new Row.Label()).collect()),
                    "a test folder may lack a class; the others keep the training index");
            assertEquals(20 * 12, data.test().first().x.length);
        }
    }

    @Test
    void classNamesAreTakenLiterally() throws IOException {
        Path folder = tmp.resolve("odd");
        for (String c : List.of("a[1]", "b {x,y}", "c*")) {
            Files.createDirectories(folder.resolve(c));
            ImageFolders.write(ImageFolders.rgb(2, 2, 1, 2, 3, 4), "png", folder.resolve(c).resolve("one.png"));
            ImageFolders.write(ImageFolders.rgb(2, 2, 5, 6, 7, 8), "png", folder.resolve(c).resolve("two.png"));
        }
        JobConfig job = job(folder, "data.validation-fraction=0", "data.test-fraction=0.4", "seed=5");
        try (Data data = Inputs.read(job, sc).requireTrainable()) {
            assertEquals(6, data.trainRows() + data.testRows());
            assertEquals(List.of("a[1]", "b {x,y}", "c*"), ((ClassificationTask) data.task(job)).classes());
        }
    }

    @Test
    void anUndecodableImageIsBadDataNamingItOrIsSkippedAndCounted() throws IOException {
        Path folder = ImageFolders.shapes(tmp.resolve("shapes"), 4, 1);
        Files.writeString(folder.resolve("disk/broken.png"), "\u0089PNG but nothing after");
        assertBadData(() -> Inputs.read(job(folder), sc).requireTrainable(), "disk/broken.png: ");
        try (Data data = Inputs.read(job(folder, "data.skip-bad-files=true", "data.validation-fraction=0.25",
                "data.test-fraction=0.25"), sc).requireTrainable()) {
            assertEquals(12, data.trainRows() + data.validationRows() + data.testRows());
            assertEquals(1L, data.provenance().get("skippedBadFiles"));
        }
    }

    @Test
    void foldersWithoutImages() throws IOException {
        Path folder = ImageFolders.shapes(tmp.resolve("shapes"), 4, 1);
        Files.createDirectories(folder.resolve("empty"));
        Files.writeString(folder.resolve("empty/.keep"), "");
        assertBadData(() -> Inputs.read(job(folder), sc).requireTrainable(), "shapes/empty: an empty class directory");

        Path flat = Files.createDirectories(tmp.resolve("flat"));
        Files.writeString(flat.resolve("a.png"), "images straight in the folder have no class");
        assertBadData(() -> Inputs.read(job(flat), sc), "flat/: no images: no class directories (data.path)");
        assertBadData(() -> Inputs.read(job(tmp.resolve("nowhere")), sc), "nowhere: not found (data.path)");

        Path one = ImageFolders.shapes(tmp.resolve("one"), 2, 1);
        for (String c : List.of("stripes across", "stripes down")) {
            Files.walk(one.resolve(c)).filter(Files::isRegularFile).forEach(f -> f.toFile().delete());
            Files.delete(one.resolve(c));
        }
        assertBadData(() -> Inputs.read(job(one), sc), "one/: one class directory (disk): classification needs at least 2");
        assertBadData(() -> Inputs.read(job(folder, "data.max-classes=3"), sc),
                "4 class directories, more than data.max-classes = 3");
    }

    @Test
    void aTestFolderWithAClassTrainingLacks() throws IOException {
        Path train = ImageFolders.shapes(tmp.resolve("train"), 2, 1);
        Path test = ImageFolders.shapes(tmp.resolve("test"), 2, 1);
        Files.createDirectories(test.resolve("zebra"));
        assertBadData(() -> Inputs.read(job(train, "data.test-path=\"" + test.toUri() + "\""), sc),
                "test/zebra: class zebra (data.test-path) has no directory in data.path");
    }

    /**
     * A model's classes in its own label order, one with a '/' that make-data's folders write as '_' (Fashion-MNIST's
     * "T-shirt/top"): each image gets its class's index, and a class the model lacks is bad data naming it.
     */
    @Test
    void aModelsClassesLabelItsOwnFoldersAndMakeDatasDirectoryNames() throws IOException {
        Path folder = ImageFolders.shapes(tmp.resolve("scored"), 3, 1);
        Files.move(folder.resolve("disk"), folder.resolve("T-shirt_top"));
        try (var across = Files.list(folder.resolve("stripes across"))) { // 2 images there, 3 in the others
            Files.delete(across.filter(f -> f.toString().endsWith(".png") || f.toString().endsWith(".jpg")).findFirst()
                    .orElseThrow());
        }
        List<String> modelClasses = List.of("stripes down", "T-shirt/top", "stripes across");
        Map<Integer, Long> counts = Inputs.everyRow(job(folder), sc, modelClasses).map(new Row.Label()).countByValue();
        assertEquals(Map.of(0, 3L, 1, 3L, 2, 2L), counts);
        try (var disk = Files.list(folder.resolve("T-shirt_top"))) {
            String first = disk.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".png") || n.endsWith(".jpg")).sorted()
                    .findFirst().orElseThrow();
            long id = ImageRows.id("T-shirt_top/" + first);
            assertEquals(List.of(1), Inputs.everyRow(job(folder), sc, modelClasses)
                    .filter(r -> r.id == id).map(new Row.Label()).collect());
        }
        assertBadData(() -> Inputs.everyRow(job(folder), sc, List.of("stripes down", "T-shirt/top")),
                "stripes across: class stripes across is not one of the model's classes stripes down, T-shirt/top");
    }

    @Test
    void noImagesLeftForASplit() throws IOException {
        Path folder = ImageFolders.shapes(tmp.resolve("shapes"), 1, 1);
        assertBadData(() -> Inputs.read(job(folder, "data.test-fraction=0.001", "data.validation-fraction=0"), sc)
                .requireTrainable(), "shapes/: 3 images leave none for testing after data.validation-fraction = 0.0"
                + " and data.test-fraction = 0.001 (or set data.test-path)");
    }
}
