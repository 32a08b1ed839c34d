package sparktrain.driver.doctor;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.testing.Cli.Run;
import sparktrain.testing.JobFile;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static sparktrain.testing.Cli.sparktrain;

/**
 * {@code sparktrain doctor} in this JVM (local mode: the driver is the executor): each broken set-up is
 * made for real and must give its error, naming the setting, and exit 2; a sound one prints all ok.
 */
class DoctorTest {
    @TempDir
    Path tmp;

    private Path jobFile(String... lines) throws IOException {
        return JobFile.write(tmp.resolve("job.conf"), List.of(
                "name = doctor-test",
                JobFile.fashionMnist(),
                "data { train-limit = 600, test-limit = 200 }",
                "model { type = mlp, hidden-layers = [32] }",
                "training { epochs = 1, batch-size = 32 }"), lines);
    }

    /** The table row whose check is {@code check}, e.g. "error  driver  sharing port  UDP ... in use  set ...". */
    private static String row(Run run, String check) {
        return run.out().lines().filter(l -> l.matches("\\S+\\s+.+?\\s{2,}" + Pattern.quote(check) + "\\s{2,}.*"))
                .findFirst().orElseThrow(() -> new AssertionError("no '" + check + "' row in:\n" + run.out() + run.err()));
    }

    @Test
    void aSoundLocalSetUpIsAllOk() throws IOException {
        Run run = sparktrain("doctor", jobFile().toString(), "--output", tmp.resolve("run").toString());
        assertEquals(0, run.code(), run.out() + run.err());
        assertTrue(run.out().strip().endsWith("all ok"), run.out());
        for (String check : List.of("java flags", "ND4J backend", "off-heap limit", "serializer", "temp space",
                "data path", "output path", "GPU discovery")) {
            assertTrue(row(run, check).startsWith("ok "), row(run, check));
        }
        assertFalse(Files.exists(tmp.resolve("run")), "doctor must not create the output directory");
    }

    @Test
    void theTableIsAligned() throws IOException {
        Run run = sparktrain("doctor", jobFile().toString(), "--set", "data.path=" + tmp.resolve("none"));
        List<String> lines = run.out().lines().toList();
        int check = lines.get(0).indexOf("CHECK");
        int finding = lines.get(0).indexOf("FINDING");
        assertTrue(check > 0 && finding > check, lines.get(0));
        for (String line : lines.subList(1, lines.size() - 1)) {
            assertEquals(' ', line.charAt(check - 1), line);
            assertTrue(line.charAt(check) != ' ' && line.charAt(finding) != ' ', "columns misaligned:\n" + run.out());
        }
    }

    @Test
    void aTakenSharingPortIsAnError() throws IOException {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), freeUdpPort()))) {
            int port = taken.getLocalPort();
            Run run = sparktrain("doctor", jobFile().toString(), "--set", "training.mode=sharing",
                    "--set", "training.updater=sgd", "--set", "training.sharing.controller-port=" + port);
            assertEquals(2, run.code(), run.out() + run.err());
            String row = row(run, "sharing port"); // local mode: the driver's parameter server serves the local workers
            assertTrue(row.startsWith("error") && row.contains("UDP " + port + " is in use")
                    && row.contains("set training.sharing.controller-port to a free port"), row);
        }
    }

    @Test
    void aFreeSharingPortAndTheControllerAreOk() throws IOException {
        Run run = sparktrain("doctor", jobFile().toString(), "--set", "training.mode=sharing",
                "--set", "training.updater=sgd", "--set", "training.sharing.controller-port=" + freeUdpPort());
        assertEquals(0, run.code(), run.out() + run.err());
        assertTrue(row(run, "sharing port").startsWith("ok"), run.out());
        assertTrue(row(run, "controller address").contains("127.0.0.1"), run.out());
        // ended JVMs' Aeron directories, if any, are counted as free and named in the finding
        assertTrue(row(run, "shared memory").matches("ok\\s.*free in /dev/shm( once sharing removes .+)? for Aeron\\s*"),
                run.out());
    }

    @Test
    void aControllerAddressOfAnotherMachineIsAnError() throws IOException {
        Run run = sparktrain("doctor", jobFile().toString(), "--set", "training.mode=sharing",
                "--set", "training.sharing.controller-port=" + freeUdpPort(),
                "--set", "training.sharing.controller-address=192.0.2.1");
        assertEquals(2, run.code(), run.out());
        assertTrue(row(run, "controller address").contains("192.0.2.1 (training.sharing.controller-address) is not an"
                + " address of this machine"), run.out());
    }

    @Test
    void aMissingDataPathIsAnError() throws IOException {
        Path missing = tmp.resolve("no-such-data");
        Run run = sparktrain("doctor", jobFile().toString(), "--set", "data.path=" + missing);
        assertEquals(2, run.code(), run.out());
        String row = row(run, "data path");
        assertTrue(row.startsWith("error") && row.contains("data.path = " + missing + ": does not exist")
                && row.contains("set data.path to the directory holding the four Fashion-MNIST IDX files"), row);
        assertTrue(row(run, "not probed").startsWith("warning  executors "), run.out());
    }

    @Test
    void aDataDirectoryWithoutTheFilesIsAnError() throws IOException {
        Path partial = Files.createDirectories(tmp.resolve("partial"));
        Files.write(partial.resolve("train-images-idx3-ubyte"), new byte[] {0, 0, 8, 3});
        Run run = sparktrain("doctor", jobFile().toString(), "--set", "data.path=" + partial);
        assertEquals(2, run.code(), run.out());
        assertTrue(row(run, "data path").contains("a directory without train-labels-idx1-ubyte, t10k-images-idx3-ubyte,"
                + " t10k-labels-idx1-ubyte (plain or .gz)"), run.out());
    }

    @Test
    void anUnwritableOutputPathIsAnError() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "not a directory");
        String output = file.resolve("run").toString();
        Run run = sparktrain("doctor", jobFile().toString(), "--output", output);
        assertEquals(2, run.code(), run.out());
        String row = row(run, "output path");
        assertTrue(row.startsWith("error") && row.contains(output + ": " + file + " is a file, not a directory")
                && row.contains("give --output (or output.dir) a directory the driver can create and write"), row);
    }

    @Test
    void anOutputTheFileSystemRefusesNamesTheDirectoryAndTheReasonNotTheProbe() {
        String problem = Doctor.outputProblem("/proc/sparktrain-run"); // even root cannot create a file in /proc
        assertTrue(problem.startsWith("cannot write in /proc: ") && !problem.contains(".sparktrain-doctor"),
                problem);
    }

    @Test
    void aGpuDiscoveryScriptThatFindsNothingIsAnError() throws IOException {
        Path script = tmp.resolve("no-gpus.sh");
        Files.writeString(script, "#!/bin/sh\necho '{\"name\": \"gpu\", \"addresses\": []}'\n");
        assertTrue(script.toFile().setExecutable(true));
        Path job = jobFile();
        Run run = withGpuScript(script, () -> sparktrain("doctor", job.toString()));
        assertEquals(2, run.code(), run.out());
        assertTrue(row(run, "GPU discovery").contains(script + " found 0 GPU(s) on the driver's node; each executor asks"
                + " for 1"), run.out());
    }

    @Test
    void theProjectsGpuDiscoveryScriptWithoutNvidiaSmiIsAnError() throws IOException {
        Path script = Path.of("scripts/gpu-discovery.sh").toAbsolutePath();
        Path job = jobFile();
        Run run = withGpuScript(script, () -> sparktrain("doctor", job.toString()));
        assertEquals(2, run.code(), run.out());
        String row = row(run, "GPU discovery");
        // this machine has no NVIDIA driver: the script says so (if it ever has one with no GPU, "found 0")
        assertTrue(row.contains("nvidia-smi not found") || row.contains("found 0 GPU(s)"), row);
    }

    @Test
    void trainRunsTheDoctorFirst() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Run run = sparktrain("train", jobFile().toString(), "--output", file.resolve("run").toString());
        assertEquals(2, run.code(), run.err());
        assertTrue(run.err().startsWith("sparktrain: error: doctor: driver: output path: "), run.err());
        assertTrue(run.err().contains("run 'sparktrain doctor' for the full table, or train with --skip-doctor"), run.err());
    }

    @Test
    void trainSkipsTheDoctorWhenAsked() throws IOException {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        Run run = sparktrain("train", jobFile().toString(), "--skip-doctor", "--output", file.resolve("run").toString());
        // the unusable output is then found only when the job writes there
        assertFalse(run.err().contains("doctor:"), run.err());
        assertTrue(run.code() != 0 && run.err().contains(file.resolve("run").toString()), run.err());
    }

    @Test
    void kryoWithoutNd4jsRegistratorIsAnError() {
        SparkConf conf = new SparkConf(false).set("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
        assertTrue(Doctor.kryo(conf).line().contains("Kryo without ND4J's registrator"), Doctor.kryo(conf).line());
        conf.set("spark.kryo.registrator", "org.nd4j.kryo.Nd4jRegistrator");
        assertEquals(Finding.Status.OK, Doctor.kryo(conf).status());
        assertTrue(Doctor.kryo(conf).line().contains("Kryo with org.nd4j.kryo.Nd4jRegistrator"), Doctor.kryo(conf).line());
    }

    /** A free port outside the executors' default ports (40123-40222), where a controller port may not lie. */
    private static int freeUdpPort() throws IOException {
        while (true) {
            try (DatagramSocket s = new DatagramSocket(0)) {
                if (s.getLocalPort() < 40123 || s.getLocalPort() > 40222) {
                    return s.getLocalPort();
                }
            }
        }
    }

    /**
     * A discovery script may not come from a job file (Spark runs it): the GPU settings come as spark.*
     * system properties, which SparkConf reads as spark-submit's --conf would give them.
     */
    private static Run withGpuScript(Path script, java.util.function.Supplier<Run> body) {
        System.setProperty("spark.executor.resource.gpu.amount", "1");
        System.setProperty("spark.executor.resource.gpu.discoveryScript", script.toString());
        try {
            return body.get();
        } finally {
            System.clearProperty("spark.executor.resource.gpu.amount");
            System.clearProperty("spark.executor.resource.gpu.discoveryScript");
        }
    }

    @Test
    void registeredExecutorsThatWereNotProbedAreErrors() {
        List<Finding> rows = Doctor.unprobed(List.of("0", "1", "2"), Set.of("1"));
        assertEquals(List.of("executor 0", "executor 2"), rows.stream().map(Finding::where).toList());
        for (Finding f : rows) {
            assertEquals(Finding.Status.ERROR, f.status());
            assertEquals("probe", f.check());
            assertTrue(f.detail().contains("registered with the driver but ran none of the doctor's probe tasks"), f.line());
        }
        assertEquals(List.of(), Doctor.unprobed(List.of("0", "1"), Set.of("0", "1")), "every executor probed");
    }
}
