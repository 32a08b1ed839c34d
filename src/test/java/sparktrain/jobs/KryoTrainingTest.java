package sparktrain.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.testing.Cli;
import sparktrain.testing.JobFile;
import sparktrain.testing.Processes;
import sparktrain.testing.TestData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code spark.kryo = true} end to end, the doctor included: parameter averaging trains the same network as with
 * Java serialization (the same losses and accuracies, epoch by epoch), and gradient sharing, whose counters come
 * back as records, trains.
 */
class KryoTrainingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    @TempDir
    Path tmp;

    private Path job(String... more) throws IOException {
        List<String> lines = new java.util.ArrayList<>(List.of("name = kryo",
                "data { path = \"" + TestData.fashionMnist() + "\", train-limit = 2000, test-limit = 500 }",
                "model { type = mlp, hidden-layers = [32] }",
                "training { epochs = 2, batch-size = 32, averaging-frequency = 5, workers = 2, threads-per-worker = 1 }",
                "training.checkpoint.every = 0",
                "spark { master = \"local[2]\", conf { \"spark.ui.enabled\" = false } }"));
        lines.addAll(List.of(more));
        return JobFile.write(tmp.resolve("job-" + Math.abs(lines.hashCode()) + ".conf"), lines);
    }

    private Path train(Path job, String name, String... sets) {
        Path out = tmp.resolve(name);
        List<String> args = new java.util.ArrayList<>(List.of("train", job.toString(), "--output", out.toString(), "--quiet"));
        args.addAll(List.of(sets));
        Cli.Run run = Cli.sparktrain(args.toArray(String[]::new));
        assertEquals(0, run.code(), run.err());
        return out;
    }

    /** history.csv without its times: epoch, samples, then from train_loss on. */
    private static List<String> learning(Path run) throws IOException {
        return Files.readAllLines(run.resolve("history.csv")).stream().map(line -> {
            String[] cells = line.split(",", -1);
            return cells[0] + "," + cells[1] + "," + String.join(",", Arrays.copyOfRange(cells, 4, 7));
        }).toList();
    }

    private static List<String> column(Path run, String name) throws IOException {
        List<String> lines = Files.readAllLines(run.resolve("history.csv"));
        int i = List.of(lines.get(0).split(",")).indexOf(name);
        assertTrue(i >= 0, name + " in " + lines.get(0));
        return lines.stream().skip(1).map(line -> line.split(",", -1)[i]).toList();
    }

    @Test
    void averagingWithKryoLearnsExactlyWhatItLearnsWithJavaSerialization() throws IOException {
        Path job = job();
        Path java = train(job, "java");
        Path kryo = train(job, "kryo", "--set", "spark.kryo=true");
        List<String> expected = learning(java);
        assertEquals(3, expected.size(), expected.toString());
        assertEquals(expected, learning(kryo));
        // the same parameters, bit for bit
        assertArrayEquals(ModelSerializer.restoreMultiLayerNetwork(java.resolve("model.zip").toFile()).params().data().asBytes(),
                ModelSerializer.restoreMultiLayerNetwork(kryo.resolve("model.zip").toFile()).params().data().asBytes());
        // and Kryo was in effect: Spark measured other byte counts for the same broadcasts and task results
        assertNotEquals(column(java, "update_bytes"), column(kryo, "update_bytes"));
        JsonNode javaMetrics = JSON.readTree(java.resolve("metrics.json").toFile());
        JsonNode kryoMetrics = JSON.readTree(kryo.resolve("metrics.json").toFile());
        assertEquals(javaMetrics.get("test"), kryoMetrics.get("test"));
        assertEquals(javaMetrics.get("validation"), kryoMetrics.get("validation"));
    }

    /** In a JVM of its own: DL4J's parameter server, once started, keeps its port for the life of the JVM. */
    @Test
    void gradientSharingWithKryoTrains() throws Exception {
        Path run = tmp.resolve("sharing");
        Path log = tmp.resolve("sharing.log");
        Process p = Processes.sparktrain(log, "train", job("training { mode = sharing, epochs = 1 }").toString(),
                "--output", run.toString(), "--quiet", "--set", "spark.kryo=true");
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
        }
        assertEquals(0, p.exitValue(), Files.readString(log));
        String accuracy = learning(run).get(1).split(",")[4];
        assertTrue(Double.parseDouble(accuracy) > 0.5, "validation accuracy " + accuracy + " after one epoch");
    }
}
