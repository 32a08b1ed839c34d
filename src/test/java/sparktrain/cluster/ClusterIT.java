package sparktrain.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.commons.io.FileUtils;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.testing.TestData;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * End to end on real daemons: scripts/hdfs (NameNode + DataNode), scripts/cluster (Spark Master and two
 * Workers, each executor its own JVM), Fashion-MNIST uploaded to HDFS, {@code train} submitted with
 * scripts/submit in client mode (direct approach) and in cluster mode (export approach), outputs read
 * back from HDFS; afterwards no process may be left. Own ports and state dirs, so a cluster someone
 * started by hand is not touched.
 */
class ClusterIT {
    private static final java.nio.file.Path ROOT = java.nio.file.Path.of("").toAbsolutePath();
    private static final java.nio.file.Path LOGS = ROOT.resolve("target/it-logs");
    private static final int HDFS_PORT = 8120;
    private static final int MASTER_PORT = 7177;
    private static final int MASTER_UI_PORT = 8180;
    private static final String HDFS = "hdfs://127.0.0.1:" + HDFS_PORT;
    private static final String MASTER = "spark://127.0.0.1:" + MASTER_PORT;
    private static final String JOB = """
            name = cluster-it
            data { path = "%s/data/fashion-mnist", train-limit = 3000, test-limit = 1000 }
            model { type = mlp, hidden-layers = [128] }
            training { epochs = 2, workers = 2, batch-size = 32, loss-sample = 500 }
            # the executors read every round's broadcast through Kryo and sparktrain's registrator
            spark.kryo = true
            """.formatted(HDFS);

    @Test
    void trainsOnAStandaloneClusterWithDataAndOutputsInHdfs() throws Exception {
        requirePrerequisites();
        Files.createDirectories(LOGS);
        try {
            script("hdfs-start", "scripts/hdfs", "start", "--port", String.valueOf(HDFS_PORT));
            script("cluster-start", "scripts/cluster", "start", "--workers", "2",
                    "--port", String.valueOf(MASTER_PORT), "--webui-port", String.valueOf(MASTER_UI_PORT));
            String status = script("cluster-status", "scripts/cluster", "status");
            assertEquals(2, status.lines().filter(l -> l.startsWith("worker") && l.contains("ALIVE")).count(), status);

            FileSystem fs = FileSystem.get(URI.create(HDFS), new Configuration());
            atomicWritesReplaceFilesOnHdfs();
            fs.mkdirs(new Path("/data/fashion-mnist"));
            for (String name : List.of("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                    "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz")) {
                fs.copyFromLocalFile(new Path(TestData.FASHION_MNIST.resolve(name).toString()),
                        new Path("/data/fashion-mnist/" + name));
            }
            HadoopFiles.writeAtomically(new Path(HDFS + "/jobs/mlp.conf"), JOB);

            // client mode, direct approach: the driver runs here, executors on the workers; a site's
            // spark-defaults.conf (SPARK_CONF_DIR, so that target/spark-home stays as it is) turns the event log on
            java.nio.file.Path site = ROOT.resolve("target/it-site-conf");
            java.nio.file.Path events = ROOT.resolve("target/it-events");
            for (java.nio.file.Path dir : List.of(site, events)) {
                FileUtils.deleteDirectory(dir.toFile());
                Files.createDirectories(dir);
            }
            Files.writeString(site.resolve("spark-defaults.conf"), """
                    spark.eventLog.enabled           true
                    spark.eventLog.dir               %s
                    spark.sparktrain.site-marker     from the site
                    spark.executor.memory            1g
                    spark.driver.memory              1g
                    """.formatted(events.toUri()));
            String out = script("submit-client", Map.of("SPARK_CONF_DIR", site.toString()), "scripts/submit", "train",
                    HDFS + "/jobs/mlp.conf", "--output", HDFS + "/runs/client", "--master", MASTER,
                    "--name", "cluster-it client", "--conf", "spark.driver.memory=1536m");
            assertTrue(out.contains("test accuracy"), out);
            siteSettingsProjectSettingsAndConfWinInThatOrder(events);
            double accuracy = testAccuracy(fs, "/runs/client");
            System.out.printf("client mode test accuracy %.4f%n", accuracy);
            assertTrue(accuracy > 0.7, "test accuracy " + accuracy + " should be > 0.7");
            assertTrue(fs.getFileStatus(new Path("/runs/client/model.zip")).getLen() > 100_000);

            // the user's own table: make-data's executors write Parquet to HDFS, then train reads it there
            script("submit-make-data", "scripts/submit", "make-data", "fashion-mnist", "--format", "parquet",
                    "--set", "data.path=" + HDFS + "/data/fashion-mnist", "--set", "data.train-limit=3000",
                    "--set", "data.test-limit=1000", "--output", HDFS + "/tables/fashion-mnist", "--master", MASTER);
            String table = script("submit-table", "scripts/submit", "train", HDFS + "/jobs/mlp.conf",
                    "--set", "data.type=table", "--set", "data.format=parquet",
                    "--set", "data.path=" + HDFS + "/tables/fashion-mnist/train",
                    "--set", "data.test-path=" + HDFS + "/tables/fashion-mnist/test",
                    "--set", "data.features=[pixels]", "--set", "data.label=label",
                    "--output", HDFS + "/runs/table", "--master", MASTER);
            assertTrue(table.contains("test accuracy"), table);
            double tableAccuracy = testAccuracy(fs, "/runs/table");
            System.out.printf("Parquet table on HDFS: test accuracy %.4f (IDX files: %.4f)%n", tableAccuracy, accuracy);
            assertTrue(tableAccuracy > 0.7, "test accuracy from the Parquet table " + tableAccuracy + " should be > 0.7");

            // batch inference: the executors read the test table from HDFS, score it and write the predictions there
            String predict = script("submit-predict", "scripts/submit", "predict", "--model", HDFS + "/runs/table",
                    "--input", HDFS + "/tables/fashion-mnist/test", "--output", HDFS + "/predictions",
                    "--output-format", "csv", "--master", MASTER);
            assertTrue(predict.contains("1000 predictions written to " + HDFS + "/predictions"), predict);
            long rows = 0;
            long agree = 0;
            for (var files = fs.listFiles(new Path("/predictions"), false); files.hasNext(); ) {
                Path file = files.next().getPath();
                if (file.getName().endsWith(".csv")) {
                    try (InputStream in = fs.open(file)) {
                        for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().skip(1).toList()) {
                            String[] fields = line.split(",");
                            rows++;
                            agree += fields[0].equals(fields[1]) ? 1 : 0;
                        }
                    }
                }
            }
            assertEquals(1000, rows);
            System.out.printf("predict on HDFS: %d rows, label = prediction on %.4f of them%n", rows, agree / 1000.0);
            assertEquals(tableAccuracy, agree / 1000.0, 0.0, "the share of right predictions is train's test accuracy");

            // cluster mode, export approach: the driver runs on a worker, minibatches go through HDFS
            script("submit-cluster", "scripts/submit", "train", HDFS + "/jobs/mlp.conf",
                    "--set", "training.epochs=1", "--set", "training.rdd-approach=export",
                    "--set", "training.export-dir=" + HDFS + "/export",
                    "--output", HDFS + "/runs/cluster", "--master", MASTER, "--deploy-mode", "cluster",
                    "--conf", "spark.hadoop.fs.defaultFS=" + HDFS);
            assertTrue(fs.exists(new Path("/runs/cluster/model.zip")), "cluster mode wrote no model.zip");
            System.out.printf("cluster mode (export) test accuracy %.4f%n", testAccuracy(fs, "/runs/cluster"));
            assertTrue(fs.listFiles(new Path("/export"), true).hasNext(), "the export approach wrote nothing to " + HDFS + "/export");
        } finally {
            try {
                jarCopiesBeforeStop = jarCopies(ROOT.resolve("target/it-cluster")).size();
            } catch (IOException e) {
                STOP_ERRORS.add("cannot count the jar copies before the stop: " + e);
            }
            stop("cluster-stop", "scripts/cluster");
            stop("hdfs-stop", "scripts/hdfs");
        }
        assertTrue(STOP_ERRORS.isEmpty(), String.join("\n", STOP_ERRORS));
        List<String> left = ourProcesses();
        assertTrue(left.isEmpty(), "processes left behind:\n" + String.join("\n", left));
        stopDeletedTheJarCopiesAndKeptTheExecutorLogs(ROOT.resolve("target/it-cluster"));
    }

    private static int jarCopiesBeforeStop;

    /**
     * Each executor's (and cluster-mode driver's) copy of the application jar weighs about 170 MB: a few runs filled
     * CI's disk.
     */
    private static void stopDeletedTheJarCopiesAndKeptTheExecutorLogs(java.nio.file.Path state) throws IOException {
        assertTrue(jarCopiesBeforeStop >= 2, "the workers held " + jarCopiesBeforeStop + " jar copies before the stop");
        assertEquals(List.of(), jarCopies(state), "scripts/cluster stop left copies of the application jar");
        long executorLogs = workerFiles(state).stream()
                .filter(f -> f.getFileName().toString().equals("stderr"))
                .filter(f -> f.getParent().getParent().getFileName().toString().startsWith("app-")).count();
        assertTrue(executorLogs >= 2, "scripts/cluster stop should keep the executors' logs; found " + executorLogs);
    }

    private static List<String> jarCopies(java.nio.file.Path state) throws IOException {
        return workerFiles(state).stream().map(java.nio.file.Path::toString).filter(f -> f.endsWith(".jar")).toList();
    }

    /** The files under the cluster's two worker directories. */
    private static List<java.nio.file.Path> workerFiles(java.nio.file.Path state) throws IOException {
        List<java.nio.file.Path> found = new ArrayList<>();
        for (String worker : List.of("worker-1", "worker-2")) {
            if (Files.isDirectory(state.resolve(worker))) {
                try (var files = Files.walk(state.resolve(worker))) {
                    files.filter(Files::isRegularFile).forEach(found::add);
                }
            }
        }
        return found;
    }

    private static final List<String> STOP_ERRORS = new ArrayList<>();

    /** Stops a daemon script without hiding the error that brought us here. */
    private static void stop(String name, String script) {
        try {
            script(name, script, "stop");
        } catch (AssertionError | Exception e) {
            STOP_ERRORS.add(e.getMessage());
        }
    }

    /** HadoopFiles' temporary-file-and-rename writes must replace an existing file on HDFS. */
    private static void atomicWritesReplaceFilesOnHdfs() throws IOException {
        Path target = new Path(HDFS + "/rename-check/file.txt");
        HadoopFiles.writeAtomically(target, "first");
        HadoopFiles.writeAtomically(target, "second");
        try (InputStream in = HadoopFiles.open(target)) {
            assertEquals("second", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        FileStatus[] files = HadoopFiles.list(target.getParent());
        assertEquals(1, files.length, "temporary files left: " + Arrays.toString(files));
    }

    /**
     * The client-mode application's event log: the site's key reached it, conf/spark-defaults.conf's executor memory
     * won over the site's, --conf's driver memory over both, spark-submit's --name and --master stayed, and the
     * cluster's secret is not in it.
     */
    private static void siteSettingsProjectSettingsAndConfWinInThatOrder(java.nio.file.Path events) throws IOException {
        List<java.nio.file.Path> logs;
        try (var files = Files.list(events)) {
            logs = files.toList();
        }
        assertEquals(1, logs.size(), "one event log expected in " + events + ": " + logs);
        String log = Files.readString(logs.get(0));
        String secret = Files.readString(ROOT.resolve("target/it-cluster/secret")).trim();
        assertTrue(!secret.isEmpty() && !log.contains(secret), "the cluster's secret is in the event log " + logs.get(0));
        ObjectMapper json = new ObjectMapper();
        JsonNode spark = null;
        String appName = null;
        for (String line : log.lines().toList()) {
            JsonNode event = json.readTree(line);
            switch (event.path("Event").asText()) {
                case "SparkListenerEnvironmentUpdate" -> spark = event.path("Spark Properties");
                case "SparkListenerApplicationStart" -> appName = event.path("App Name").asText();
                default -> { }
            }
        }
        assertTrue(spark != null, "no environment update in " + logs.get(0));
        System.out.printf("event log: application %s, site marker '%s', executor memory %s, driver memory %s%n", appName,
                spark.path("spark.sparktrain.site-marker").asText(), spark.path("spark.executor.memory").asText(),
                spark.path("spark.driver.memory").asText());
        assertEquals("from the site", spark.path("spark.sparktrain.site-marker").asText(), spark.toString());
        assertEquals("2g", spark.path("spark.executor.memory").asText(), "conf/spark-defaults.conf's should win");
        assertEquals("1536m", spark.path("spark.driver.memory").asText(), "--conf's should win");
        assertEquals("cluster-it client", appName);
        assertEquals(MASTER, spark.path("spark.master").asText());
    }

    private static double testAccuracy(FileSystem fs, String run) throws IOException {
        try (InputStream in = fs.open(new Path(run + "/metrics.json"))) {
            JsonNode metrics = new ObjectMapper().readTree(in);
            return metrics.path("test").path("accuracy").asDouble(Double.NaN);
        }
    }

    private static void requirePrerequisites() {
        TestData.fashionMnist();
        for (String file : List.of("target/sparktrain-app.jar", "target/test-classpath.txt")) {
            if (!Files.isRegularFile(ROOT.resolve(file))) {
                fail(file + " is missing: run 'mvn verify' (package builds it before the integration tests)");
            }
        }
        for (String tool : List.of("curl", "python3")) {
            if (System.getenv("PATH") == null || Arrays.stream(System.getenv("PATH").split(":"))
                    .noneMatch(dir -> Files.isExecutable(java.nio.file.Path.of(dir, tool)))) {
                fail(tool + " is not on the PATH: scripts/cluster needs it (apt-get install " + tool + ")");
            }
        }
    }

    /** Runs a script from the project root with the IT's state dirs; fails with its log on a non-zero exit. */
    private static String script(String name, String... command) throws IOException, InterruptedException {
        return script(name, Map.of(), command);
    }

    private static String script(String name, Map<String, String> env, String... command) throws IOException, InterruptedException {
        java.nio.file.Path log = LOGS.resolve(name + ".log");
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        pb.environment().put("SPARKTRAIN_CLUSTER_DIR", ROOT.resolve("target/it-cluster").toString());
        pb.environment().put("SPARKTRAIN_HDFS_DIR", ROOT.resolve("target/it-hdfs").toString());
        Process p = pb.start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) { // 5 minutes were not enough on a machine loaded by other builds
            p.descendants().forEach(ProcessHandle::destroyForcibly); // scripts/submit's JVM is its child
            p.destroyForcibly();
            fail(String.join(" ", command) + " did not finish in 10 minutes; see " + log);
        }
        String output = Files.readString(log);
        if (p.exitValue() != 0) {
            fail(String.join(" ", command) + " exited with " + p.exitValue() + " (" + log + "):\n" + tail(output));
        }
        return output;
    }

    private static String tail(String text) {
        List<String> lines = text.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    /** Spark daemons, executors, drivers and the HDFS of this test: they run in (or name) its state dirs. */
    private static List<String> ourProcesses() {
        List<String> found = new ArrayList<>();
        List<String> stateDirs = List.of(ROOT.resolve("target/it-cluster").toString(), ROOT.resolve("target/it-hdfs").toString());
        ProcessHandle.allProcesses().forEach(p -> {
            String cmd = p.info().commandLine().orElse("");
            String cwd;
            try {
                cwd = Files.readSymbolicLink(java.nio.file.Path.of("/proc", String.valueOf(p.pid()), "cwd")).toString();
            } catch (IOException | UnsupportedOperationException e) {
                cwd = "";
            }
            for (String dir : stateDirs) {
                if (cmd.contains(dir) || cwd.startsWith(dir)) {
                    found.add(p.pid() + " (in " + cwd + ") " + cmd.substring(0, Math.min(200, cmd.length())));
                    return;
                }
            }
        });
        return found;
    }
}
