package sparktrain.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.testing.Cli.Run;
import sparktrain.testing.ImageFolders;
import sparktrain.testing.JobFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparktrain.testing.Cli.sparktrain;

/** {@code data.type = images} end to end: a folder of PNG and JPEG pictures trains a network that tells them apart. */
class ImagesCliTest {
    @TempDir
    Path tmp;

    @Test
    void aFolderOfShapesTrainsWellAboveChanceAndEvaluates() throws IOException {
        Path folder = ImageFolders.shapes(tmp.resolve("shapes"), 60, 11);
        Files.writeString(folder.resolve("disk/.DS_Store"), "hidden: never read");
        Files.writeString(folder.resolve("stripes down/broken.jpg"), "not a JPEG at all");
        Path job = JobFile.write(tmp.resolve("job.conf"),
                "name = shapes",
                "data { type = images, path = \"" + folder.toUri() + "\", skip-bad-files = true",
                "  image { height = 16, width = 16, channels = 3 }",
                "  validation-fraction = 0.15, test-fraction = 0.25 }",
                "model { type = lenet5, conv-channels = [8, 16], dense-size = 32 }",
                "training { epochs = 12, batch-size = 8, learning-rate = 0.005, averaging-frequency = 2 }");
        Path out = tmp.resolve("run");
        Run run = sparktrain("train", job.toString(), "--output", out.toString(), "--quiet", "--skip-doctor");
        assertEquals(0, run.code(), run.err());

        ObjectMapper json = new ObjectMapper();
        JsonNode metrics = json.readTree(out.resolve("metrics.json").toFile());
        double accuracy = metrics.at("/test/accuracy").asDouble();
        assertTrue(accuracy >= 0.8, "3 classes (chance 0.33): test accuracy " + accuracy);
        List<String> labels = new ArrayList<>();
        json.readTree(out.resolve("labels.json").toFile()).get("labels").forEach(l -> labels.add(l.asText()));
        assertEquals(List.of(ImageFolders.CLASSES), labels);
        JsonNode data = json.readTree(out.resolve("run.json").toFile()).get("data");
        assertEquals(1, data.get("skippedBadFiles").asLong(), data.toString());
        assertEquals(180, data.get("train").asLong() + data.get("validation").asLong() + data.get("test").asLong());

        Path evaluation = tmp.resolve("evaluation.json");
        Run evaluate = sparktrain("evaluate", job.toString(), "--model", out.resolve("model.zip").toString(),
                "--output", evaluation.toString());
        assertEquals(0, evaluate.code(), evaluate.err());
        assertEquals(accuracy, json.readTree(evaluation.toFile()).at("/test/accuracy").asDouble(), 1e-9);

        // every image of the folder scored, its path and class directory passed through; the broken one skipped
        // as the model's job says (data.skip-bad-files), the hidden one never read
        Path predictions = tmp.resolve("predictions");
        Run predict = sparktrain("predict", "--model", out.toString(), "--input", folder.toString(),
                "--output", predictions.toString(), "--output-format", "csv");
        assertEquals(0, predict.code(), predict.err());
        assertTrue(predict.out().contains("180 predictions written"), predict.out());
        List<String[]> rows = new ArrayList<>();
        try (var files = Files.list(predictions)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".csv")).sorted().toList()) {
                Files.readAllLines(f).stream().skip(1).forEach(line -> rows.add(line.split(",")));
            }
        }
        assertEquals(180, rows.size());
        long agree = 0;
        for (String[] r : rows) {
            String label = r[1].replace("\"", "");
            assertTrue(r[0].contains("/shapes/" + label + "/") || r[0].contains("/shapes/" + label.replace(" ", "%20") + "/"),
                    String.join(",", r));
            agree += label.equals(r[2].replace("\"", "")) ? 1 : 0;
        }
        Path all = tmp.resolve("all.json");
        Run everyImage = sparktrain("evaluate", "--model", out.toString(), "--input", folder.toString(), "--output",
                all.toString());
        assertEquals(0, everyImage.code(), everyImage.err());
        JsonNode test = json.readTree(all.toFile()).get("test");
        assertEquals(180, test.get("examples").asInt(), test.toString());
        assertEquals(test.get("accuracy").asDouble(), agree / 180.0, 0.0, "predict and evaluate --input agree");
    }
}
