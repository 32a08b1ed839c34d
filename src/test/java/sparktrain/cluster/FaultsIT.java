package sparktrain.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import sparktrain.driver.progress.JobNames;
import sparktrain.testing.TestData;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Faults and security on a real two-worker standalone cluster (scripts/cluster, secure defaults), jobs
 * submitted with scripts/submit in client mode: an application without the secret is refused, an executor
 * JVM kill -9'd mid-epoch and a Worker killed for good are survived with averaging, gradient sharing stops at once
 * when its executor is killed and finishes with train --resume, an executor that runs out of heap gives a
 * one-line message naming spark.executor.memory, and an executor stopped with kill -STOP (neither dead nor moving)
 * ends the run as stalled, naming it. The tests share one cluster and
 * run in order: the clean run's accuracy is the yardstick for the fault runs, a sweep's driver is killed and the
 * sweep resumed, and the Worker is killed last.
 * Own ports and state dir, so neither ClusterIT's cluster nor one started by hand is touched.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsIT {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final Path LOGS = ROOT.resolve("target/it-logs");
    private static final Path STATE = ROOT.resolve("target/it-faults-cluster");
    private static final Path RUNS = ROOT.resolve("target/it-faults-runs");
    private static final Path TMP = RUNS.resolve("tmp");
    private static final int MASTER_PORT = 7391;
    private static final int MASTER_UI_PORT = 8391;
    private static final String MASTER = "spark://127.0.0.1:" + MASTER_PORT;
    /**
     * The fault runs' driver UI, whose REST API tells when a training task is running (one run at a time). No retries:
     * a UI moved to the next port would answer for no application of this test; every other port of these
     * applications is Spark's default 0 (any free port), which retries never concern.
     */
    private static final int DRIVER_UI_PORT = 4391;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String[] DRIVER_UI = {"--set", "spark.conf.\"spark.ui.port\"=" + DRIVER_UI_PORT,
            "--set", "spark.conf.\"spark.port.maxRetries\"=0"};
    /** About 75 s on the cluster here, epochs of 5 to 20 s: long enough to kill something in epoch 2. */
    private static final String JOB = """
            name = faults-it
            data { path = "%s", train-limit = 8000, test-limit = 10000 }
            model { type = mlp, hidden-layers = [128] }
            training { epochs = 3, workers = 2, batch-size = 32, loss-sample = 500 }
            """;
    /**
     * 37 M parameters: each executor's result (parameters and Adam's state, Java-serialised on the heap) does
     * not fit a 512 MB executor; they are sent after the first minibatch. One attempt per task and stage,
     * so the job fails at the first OOM.
     */
    private static final String OOM_JOB = """
            name = faults-oom
            data { path = "%s", train-limit = 1000, test-limit = 200 }
            model { type = mlp, hidden-layers = [4096, 4096, 4096] }
            training { epochs = 1, workers = 2, batch-size = 16, averaging-frequency = 1, loss-sample = 100 }
            spark.conf {
              "spark.executor.memory" = "512m"
              "spark.task.maxFailures" = 1
              "spark.stage.maxConsecutiveAttempts" = 1
            }
            """;

    /**
     * Gradient sharing between the two executor JVMs of this host, each at its own UDP port (40941 and 40942 unless
     * something holds them). 18,000 images make epochs of about 10 s, time to kill in epoch 2.
     */
    private static final String SHARING_JOB = """
            name = faults-sharing
            data { path = "%s", train-limit = 20000, test-limit = 10000 }
            model { type = mlp, hidden-layers = [128] }
            training {
              mode = sharing, epochs = 3, workers = 2, batch-size = 32, loss-sample = 500
              sharing { workers-per-node = 1, controller-port = 49941, unicast-port = 40941 }
            }
            # the executors read DL4J's sharing broadcast (its configuration, the threshold algorithm) through Kryo
            spark.kryo = true
            """;

    /** Six short trials, two at a time on the two one-core executors. */
    private static final String SWEEP = """
            base = mlp.conf
            strategy = trial-parallel
            grid { "training.learning-rate" = [0.001, 0.002, 0.003, 0.005, 0.01, 0.02] }
            """;

    private static double cleanAccuracy = Double.NaN;
    private static double cleanSeconds = Double.NaN;

    @BeforeAll
    static void startCluster() throws Exception {
        requirePrerequisites();
        Files.createDirectories(LOGS);
        deleteRecursively(RUNS);
        Files.createDirectories(TMP);
        Files.writeString(RUNS.resolve("mlp.conf"), JOB.formatted(TestData.FASHION_MNIST));
        Files.writeString(RUNS.resolve("sweep.conf"), SWEEP);
        Files.writeString(RUNS.resolve("oom.conf"), OOM_JOB.formatted(TestData.FASHION_MNIST));
        Files.writeString(RUNS.resolve("sharing.conf"), SHARING_JOB.formatted(TestData.FASHION_MNIST));
        Result started = run("faults-cluster-start", 8, "scripts/cluster", "start", "--workers", "2",
                "--port", String.valueOf(MASTER_PORT), "--webui-port", String.valueOf(MASTER_UI_PORT));
        assertEquals(0, started.exit(), started.output());
    }

    @AfterAll
    static void stopCluster() throws Exception {
        Result stopped = run("faults-cluster-stop", 3, "scripts/cluster", "stop");
        List<String> left = clusterProcesses();
        assertEquals(0, stopped.exit(), stopped.output());
        assertTrue(left.isEmpty(), "processes left behind:\n" + String.join("\n", left));
    }

    @Test
    @Order(1)
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void onlyApplicationsWithTheSecretRegisterAndTheSecretStaysPrivate() throws Exception {
        Path secretFile = STATE.resolve("secret");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(secretFile)));
        String secret = Files.readString(secretFile).trim();
        assertTrue(secret.length() >= 32, "secret too short: " + secret.length() + " characters");
        daemonsListenOnLoopbackOnly();

        // an application without the secret (and so without encryption, which needs it) tries to register
        Process intruder = start("faults-no-secret", "scripts/submit", "train", RUNS.resolve("mlp.conf").toString(),
                "--set", "name=no-secret", "--output", RUNS.resolve("no-secret").toString(), "--master", MASTER,
                "--conf", "spark.authenticate=false", "--conf", "spark.network.crypto.enabled=false",
                "--conf", "spark.io.encryption.enabled=false");
        // meanwhile ours, with the secret that scripts/submit finds in the cluster's state dir, trains
        long t0 = System.nanoTime();
        Result clean = run("faults-clean", 12, "scripts/submit", "train", RUNS.resolve("mlp.conf").toString(),
                "--output", RUNS.resolve("clean").toString(), "--master", MASTER);
        cleanSeconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, clean.exit(), clean.output());
        cleanAccuracy = testAccuracy(RUNS.resolve("clean"));
        System.out.printf("clean run: test accuracy %.4f in %.0f s%n", cleanAccuracy, cleanSeconds);
        assertTrue(cleanAccuracy > 0.75, "clean run test accuracy " + cleanAccuracy);

        Result refused = finish("faults-no-secret", intruder, 8);
        System.out.println("without the secret: exit " + refused.exit() + ", " + errorLine(refused.output()));
        assertEquals(1, refused.exit(), refused.output());
        assertTrue(refused.output().contains("All masters are unresponsive"), refused.output());
        assertTrue(errorLine(refused.output()).contains("could not register with the master"), refused.output());
        assertFalse(Files.exists(RUNS.resolve("no-secret/model.zip")), "the refused application wrote a model");
        List<String> apps = applicationNames();
        assertTrue(apps.contains("sparktrain faults-it"), "the master should list our application: " + apps);
        assertFalse(apps.contains("sparktrain no-secret"), "an application without the secret registered: " + apps);

        List<String> leaks = new ArrayList<>();
        for (Path dir : List.of(RUNS, STATE.resolve("logs"), STATE.resolve("worker-1"), STATE.resolve("worker-2"), LOGS)) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(Files::isRegularFile).filter(f -> !f.toString().endsWith(".jar"))
                        .filter(f -> contains(f, secret)).forEach(f -> leaks.add(f.toString()));
            }
        }
        ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains(secret))
                .forEach(p -> leaks.add("the command line of process " + p.pid()));
        assertTrue(leaks.isEmpty(), "the cluster secret was written to: " + leaks);
    }

    @Test
    @Order(2)
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void averagingSurvivesAnExecutorKilledMidEpoch() throws Exception {
        Path out = RUNS.resolve("executor-killed");
        long t0 = System.nanoTime();
        Process job = start("faults-executor-killed", concat(new String[]{"scripts/submit", "train",
                RUNS.resolve("mlp.conf").toString(), "--output", out.toString(), "--master", MASTER}, DRIVER_UI));
        awaitEpochs(out, 1, job);
        StoppedTask stopped = stopWhileTraining(executors(), out, job);
        long victim = stopped.pid();
        assertTrue(ProcessHandle.of(victim).orElseThrow().destroyForcibly(), "could not kill executor " + victim);
        double killedAfter = (System.nanoTime() - t0) / 1e9;
        StageTasks stage = awaitLostTaskRecomputed(stopped, job);
        Result result = finish("faults-executor-killed", job, 12);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, result.exit(), result.output());
        assertTrue(result.output().contains("exited with code 137"), "the driver should have seen the executor die: "
                + result.output());
        double accuracy = testAccuracy(out);
        System.out.printf("executor %d kill -9'd at %.0f s while it ran task %d: stage %d lost %d task(s) and"
                        + " completed all %d; finished, test accuracy %.4f (clean %.4f) in %.0f s (clean %.0f s)%n", victim,
                killedAfter, stopped.taskId(), stage.id(), stage.failed(), stage.tasks(), accuracy, cleanAccuracy,
                seconds, cleanSeconds);
        assertEquals(3, historyRows(out), "all epochs in history.csv");
        // all 10,000 test images. After the kill one executor trains both partitions, its lost tasks rerun: a different
        // training path, seen 0.0, 0.47 and 1.04 points below the clean run, which itself moved 0.26 points between runs
        assertTrue(accuracy >= cleanAccuracy - 0.015 - 1e-9, "test accuracy " + accuracy + " at most 1.5 points below"
                + " the clean run's " + cleanAccuracy);
    }

    @Test
    @Order(3)
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void executorOutOfMemoryNamesTheSettingToRaise() throws Exception {
        long t0 = System.nanoTime();
        // --skip-doctor: the doctor would refuse the job's off-heap limit up front (exit 2); this is Spark's OOM
        Result result = run("faults-oom", 10, "scripts/submit", "train", RUNS.resolve("oom.conf").toString(),
                "--output", RUNS.resolve("oom").toString(), "--master", MASTER, "--skip-doctor");
        String error = errorLine(result.output());
        System.out.printf("executor OOM: exit %d after %.0f s: %s%n", result.exit(), (System.nanoTime() - t0) / 1e9, error);
        assertEquals(1, result.exit(), result.output());
        // the executor exits with Spark's OOM code 52 right after it reports the error, which can then go unsent
        assertTrue(result.output().contains("java.lang.OutOfMemoryError: Java heap space")
                        || result.output().contains("exited with code 52"),
                "the executor should really have run out of heap: " + result.output());
        // without the error's text only the exit code says it was memory: then "ran out of memory"
        assertTrue((error.startsWith("sparktrain: error: an executor ran out of heap memory")
                || !result.output().contains("Java heap space")
                && error.startsWith("sparktrain: error: an executor ran out of memory"))
                && error.contains("raise spark.executor.memory"), error);
        String after = result.output().substring(result.output().indexOf(error) + error.length());
        assertFalse(after.contains("\tat "), "a stack trace after the message: " + after);
        assertFalse(Files.exists(RUNS.resolve("oom/model.zip")), "a failed run wrote a model");
    }

    @Test
    @Order(4)
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void aSweepWhoseDriverIsKilledIsFinishedByResume() throws Exception {
        Path out = RUNS.resolve("sweep");
        String[] trialSettings = {"--set", "training.epochs=2", "--set", "data.train-limit=4000", "--set", "data.test-limit=1000"};
        long t0 = System.nanoTime();
        Process sweep = start("faults-sweep-killed", concat(new String[]{"scripts/submit", "sweep",
                RUNS.resolve("sweep.conf").toString(), "--output", out.toString(), "--master", MASTER}, trialSettings));
        while (sweep.isAlive() && trialRows(out).size() < 2 && System.nanoTime() - t0 < TimeUnit.MINUTES.toNanos(8)) {
            Thread.sleep(50);
        }
        assertTrue(trialRows(out).size() >= 2, "two trials finished before the kill: "
                + Files.readString(LOGS.resolve("faults-sweep-killed.log")));
        sweep.descendants().forEach(ProcessHandle::destroyForcibly); // the driver JVM; scripts/submit then exits
        assertTrue(sweep.waitFor(1, TimeUnit.MINUTES), "scripts/submit did not end after its driver was killed");
        double killedAfter = (System.nanoTime() - t0) / 1e9;
        List<String> before = trialRows(out);
        assertTrue(before.size() < 6, "killed before the end: " + before);
        java.util.Map<String, String> finishedTrials = new java.util.TreeMap<>();
        for (String row : before) {
            Path trialJson = out.resolve("trials").resolve(row.substring(0, row.indexOf(','))).resolve("trial.json");
            finishedTrials.put(trialJson.toString(), Files.readString(trialJson) + "@" + Files.getLastModifiedTime(trialJson));
        }

        long t1 = System.nanoTime();
        Result resumed = run("faults-sweep-resumed", 10, "scripts/submit", "sweep", "--resume", out.toString(), "--master", MASTER);
        double resumeSeconds = (System.nanoTime() - t1) / 1e9;
        assertEquals(0, resumed.exit(), resumed.output());
        List<String> after = trialRows(out);
        System.out.printf("sweep driver kill -9'd at %.0f s with %d of 6 trials finished; --resume finished the rest in %.0f s;"
                + " %d rows after%n", killedAfter, before.size(), resumeSeconds, after.size());
        assertEquals(6, after.size(), after.toString());
        assertEquals(before, after.subList(0, before.size()), "rows of trials finished before the kill never change");
        for (var finished : finishedTrials.entrySet()) {
            Path trialJson = Path.of(finished.getKey());
            assertEquals(finished.getValue(), Files.readString(trialJson) + "@" + Files.getLastModifiedTime(trialJson),
                    "a trial finished before the kill was not trained again");
        }
        after.forEach(row -> assertTrue(row.contains(",done,"), row));
        JsonNode best = new ObjectMapper().readTree(out.resolve("sweep.json").toFile()).path("best");
        assertTrue(best.at("/test/accuracy").asDouble() > 0.7, "the best trial's test metrics: " + best);
    }

    @Test
    @Order(5)
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void sharingStopsAtOnceWhenItsExecutorIsKilledAndResumeFinishesTheRun() throws Exception {
        Path out = RUNS.resolve("sharing-executor-killed");
        Process job = start("faults-sharing-killed", concat(new String[]{"scripts/submit", "train",
                RUNS.resolve("sharing.conf").toString(), "--output", out.toString(), "--master", MASTER}, DRIVER_UI));
        awaitEpochs(out, 1, job);
        Map<String, Long> executors = executors();
        Set<String> training = awaitTrainingTasks(2, job);
        long victim = executorRunning(executors, training);
        List<String> mesh = meshExecutors(out);
        System.out.println("sharing: the executors in the mesh after epoch 1: " + mesh);
        assertEquals(2, mesh.size(), "two executors in the mesh (run.json): " + mesh);
        assertFalse(mesh.get(0).equals(mesh.get(1)), "each executor at its own port: " + mesh);
        assertTrue(ProcessHandle.of(victim).orElseThrow().destroyForcibly(), "could not kill executor " + victim);
        long killedAt = System.nanoTime();
        Result stopped = finish("faults-sharing-killed", job, 5);
        double stopSeconds = (System.nanoTime() - killedAt) / 1e9;
        String error = errorLine(stopped.output());
        System.out.printf("sharing: executor %d kill -9'd in epoch 2: exit %d %.0f s later: %s%n", victim,
                stopped.exit(), stopSeconds, error);
        assertEquals(5, stopped.exit(), stopped.output());
        assertTrue(stopped.output().contains("gradient sharing: 2 executor(s) in the mesh, each at its own UDP port: "
                + String.join(", ", mesh)), "the driver's log names both executors' ports");
        assertTrue(stopSeconds < 30, "sharing should stop within seconds of the kill, took " + stopSeconds + " s");
        assertTrue(error.contains("epoch 2: a worker failed during gradient sharing") && error.contains("ExecutorLostFailure")
                && error.contains("train --resume " + out), error);
        assertEquals(1, historyRows(out), "epoch 1 in history.csv");
        assertTrue(Files.isRegularFile(out.resolve("checkpoints/epoch-0001/state.json")), "epoch 1's checkpoint");
        // the stopped application's other executor is still in the old mesh, sending to the controller port the
        // resume's driver binds: the resume starts once it is gone
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (!executors().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        assertTrue(executors().isEmpty(), "the stopped application's executors are still running: " + executors());
        long t0 = System.nanoTime();
        Result resumed = run("faults-sharing-resumed", 8, "scripts/submit", "train", "--resume", out.toString(),
                "--master", MASTER);
        assertEquals(0, resumed.exit(), resumed.output());
        double accuracy = testAccuracy(out);
        System.out.printf("sharing: train --resume finished epochs 2 and 3 in %.0f s, test accuracy %.4f%n",
                (System.nanoTime() - t0) / 1e9, accuracy);
        assertEquals(3, historyRows(out), "all epochs in history.csv");
        measuredSharingTraffic(resumed.output(), dataRows(out.resolve("history.csv")).subList(1, 3));
        // before SharingPorts the executor took itself for the mesh's root and the driver's model stayed at chance
        // (0.1-0.2). Two executors exchanging updates learn this job less reliably than one: clean runs here ended
        // at 0.65, 0.73 and 0.78 (half the learning rate), one executor at 0.82; this kill and resume at 0.63 and 0.81
        assertTrue(accuracy > 0.5, "gradient sharing on the cluster learns: test accuracy " + accuracy);
    }

    @Test
    @Order(6)
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void anExecutorThatStopsEndsTheRunAsStalledNamingIt() throws Exception {
        Path out = RUNS.resolve("executor-stopped");
        int timeout = 30;
        Process job = start("faults-executor-stopped", concat(new String[]{"scripts/submit", "train",
                RUNS.resolve("mlp.conf").toString(), "--output", out.toString(), "--master", MASTER,
                "--set", "training.stall-timeout=" + timeout + "s"}, DRIVER_UI));
        awaitEpochs(out, 1, job);
        Map<String, Long> executors = executors();
        long victim = executorRunning(executors, awaitTrainingTasks(2, job));
        String id = executorId(victim);
        signal("STOP", victim); // neither dies nor progresses
        long stoppedAt = System.nanoTime();
        try {
            Result stopped = finish("faults-executor-stopped", job, 5);
            double seconds = (System.nanoTime() - stoppedAt) / 1e9;
            String error = errorLine(stopped.output());
            System.out.printf("executor %s (pid %d) stopped with kill -STOP in epoch 2: exit %d %.0f s later: %s%n", id,
                    victim, stopped.exit(), seconds, error);
            assertEquals(6, stopped.exit(), stopped.output());
            assertTrue(seconds <= timeout + 60, "exit 6 within the timeout plus a minute: " + seconds + " s");
            for (String expected : List.of("sparktrain: error: stalled: epoch 2 (training): nothing finished for ",
                    "on executor " + id + " (127.0.0.1) for ", "see the log of executor " + id,
                    "stall-threads.txt", "the last checkpoint is ", "continue from it with train --resume " + out)) {
                assertTrue(error.contains(expected), () -> "expected '" + expected + "' in: " + error);
            }
            assertTrue(Files.isRegularFile(out.resolve("stall-threads.txt")), "the driver's thread dump");
            assertFalse(Files.exists(out.resolve("model.zip")), "no model from a stalled run");
        } finally {
            signal("CONT", victim);
        }
        // the stopped executor goes with its application (its worker kills it): the cluster is left clean
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (ProcessHandle.of(victim).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        assertFalse(ProcessHandle.of(victim).map(ProcessHandle::isAlive).orElse(false), "executor " + victim + " left running");
    }

    @Test
    @Order(7)
    @Timeout(value = 15, unit = TimeUnit.MINUTES)
    void averagingGoesOnWhenAWorkerIsKilledForGood() throws Exception {
        Path out = RUNS.resolve("worker-killed");
        long t0 = System.nanoTime();
        Process job = start("faults-worker-killed", concat(new String[]{"scripts/submit", "train",
                RUNS.resolve("mlp.conf").toString(), "--output", out.toString(), "--master", MASTER}, DRIVER_UI));
        awaitEpochs(out, 1, job);
        awaitTrainingTasks(2, job);
        long worker = Long.parseLong(Files.readString(STATE.resolve("worker-2.pid")).trim());
        assertTrue(ProcessHandle.of(worker).orElseThrow().destroyForcibly(), "could not kill worker " + worker);
        double killedAfter = (System.nanoTime() - t0) / 1e9;
        Result result = finish("faults-worker-killed", job, 12);
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, result.exit(), result.output());
        double accuracy = testAccuracy(out);
        System.out.printf("worker %d kill -9'd at %.0f s (epoch 2): finished on one worker, test accuracy %.4f"
                + " (clean %.4f) in %.0f s (clean %.0f s)%n", worker, killedAfter, accuracy, cleanAccuracy, seconds, cleanSeconds);
        assertEquals(3, historyRows(out), "all epochs in history.csv");
        // all 10,000 test images. After the kill one executor trains both partitions, its lost tasks rerun: a different
        // training path, seen 0.0, 0.47 and 1.04 points below the clean run, which itself moved 0.26 points between runs
        assertTrue(accuracy >= cleanAccuracy - 0.015 - 1e-9, "test accuracy " + accuracy + " at most 1.5 points below"
                + " the clean run's " + cleanAccuracy);
    }

    // ---- helpers ----

    record Result(int exit, String output) {
    }

    private static void requirePrerequisites() {
        TestData.fashionMnist();
        if (!Files.isRegularFile(ROOT.resolve("target/sparktrain-app.jar"))) {
            fail("target/sparktrain-app.jar is missing: run 'mvn verify' (package builds it before the integration tests)");
        }
        for (String tool : List.of("curl", "python3", "ss")) {
            if (System.getenv("PATH") == null || Arrays.stream(System.getenv("PATH").split(":"))
                    .noneMatch(dir -> Files.isExecutable(Path.of(dir, tool)))) {
                fail(tool + " is not on the PATH: install it (apt-get install " + (tool.equals("ss") ? "iproute2" : tool) + ")");
            }
        }
    }

    private static Process start(String name, String... command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile())
                .redirectErrorStream(true).redirectOutput(LOGS.resolve(name + ".log").toFile());
        pb.environment().put("SPARKTRAIN_CLUSTER_DIR", STATE.toString());
        pb.environment().remove("SPARKTRAIN_SECRET_FILE");
        pb.environment().put("TMPDIR", TMP.toString()); // scripts/submit's temporary files, searched for the secret
        return pb.start();
    }

    private static Result finish(String name, Process p, int minutes) throws IOException, InterruptedException {
        if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            fail(name + " did not finish in " + minutes + " minutes (hung?); see " + LOGS.resolve(name + ".log"));
        }
        return new Result(p.exitValue(), Files.readString(LOGS.resolve(name + ".log")));
    }

    private static Result run(String name, int minutes, String... command) throws IOException, InterruptedException {
        return finish(name, start(name, command), minutes);
    }

    private static void awaitEpochs(Path run, int epochs, Process job) throws InterruptedException {
        for (int i = 0; i < 1440; i++) {
            if (historyRows(run) >= epochs) {
                return;
            }
            if (!job.isAlive()) {
                fail("the job ended before epoch " + epochs + " was done (exit " + job.exitValue() + ")");
            }
            Thread.sleep(250);
        }
        fail("epoch " + epochs + " not done in 6 minutes");
    }

    /**
     * The ids of the executors running a task of the epoch's training, or a later epoch's, right now (a retried kill
     * may find the epoch already over), from the driver's REST API: the running jobs described "sparktrain: epoch N"
     * that are not DL4J's count of the data (a job's name is its result stage's), and their stages' tasks in status RUNNING. Tasks, because Spark's status store writes a task when it
     * starts, while a job's or an executor's active-task count is written at most every 100 ms and a round's job
     * here lasts about half a second: the counts were still 0 through a whole epoch in one run. Waits until there is
     * one.
     */
    private static Set<String> awaitTrainingTasks(int epoch, Process job) throws InterruptedException {
        String seen = "nothing (the driver's UI did not answer)";
        for (int i = 0; i < 1440; i++) {
            if (!job.isAlive()) {
                fail("the job ended before a task of epoch " + epoch + " or later was seen running (exit "
                        + job.exitValue() + "); the REST API's last running jobs: " + seen);
            }
            try {
                String app = "/" + driverApi("").path(0).path("id").asText();
                JsonNode jobs = driverApi(app + "/jobs?status=running");
                seen = jobs.toString();
                Set<String> busy = trainingTasks(app, jobs, epoch);
                if (!busy.isEmpty()) {
                    return busy;
                }
            } catch (IOException e) {
                // the driver's UI is not up yet, or a stage not yet known to it
            }
            Thread.sleep(50);
        }
        fail("no task of epoch " + epoch + " or later seen running in 2.5 minutes");
        return Set.of();
    }

    /** The executors running a task of the running {@code jobs} of epoch {@code epoch} or later. */
    private static Set<String> trainingTasks(String app, JsonNode jobs, int epoch) throws InterruptedException {
        Set<String> busy = new TreeSet<>();
        for (int stage : trainingStages(jobs, epoch)) {
            busy.addAll(runningTasksOn(app, stage));
        }
        return busy;
    }

    /** A task an executor's own log says it started and had not ended when the executor was stopped. */
    record StoppedTask(long pid, int stage, long taskId) {
    }

    /**
     * Stops (kill -STOP) an executor running a training task of epoch 2 or later and returns it once the executor's
     * own log (its stderr in its worker's work directory, at Spark's INFO level) shows the task started and not
     * ended: a stopped executor cannot end it, so a kill then loses it. Neither the driver's REST API nor its log can
     * tell: an averaging round's task lasts about half a second here, the status store lags, and a task the driver
     * had just sent to the stopped executor shows as running there, although the executor never started it (lost
     * on the kill too, but not the fault this test is after, and the driver logs that loss only at INFO).
     */
    private static StoppedTask stopWhileTraining(Map<String, Long> executors, Path out, Process job) throws Exception {
        for (int attempt = 1; attempt <= 20; attempt++) {
            int epoch = Math.max(2, historyRows(out) + 1);
            long pid = executorRunning(executors, awaitTrainingTasks(epoch, job));
            String workDir = cwd(ProcessHandle.of(pid).orElseThrow());
            assertFalse(workDir.isEmpty(), "no working directory (its worker's work dir) for executor " + pid);
            signal("STOP", pid);
            StoppedTask stopped = null;
            try {
                stopped = taskUnfinishedIn(settled(Path.of(workDir, "stderr")), pid);
                if (stopped != null) {
                    String app = "/" + driverApi("").path(0).path("id").asText();
                    JsonNode task = taskOf(app, stopped);
                    // the driver agrees: the task is its stage's in a training job, not yet ended
                    if (!trainingStages(driverApi(app + "/jobs?status=running"), epoch).contains(stopped.stage())
                            || task == null || !task.path("status").asText().equals("RUNNING")) {
                        stopped = null;
                    }
                }
            } catch (IOException e) {
                stopped = null; // the driver's UI did not answer: another try
            } finally {
                if (stopped == null) {
                    signal("CONT", pid);
                }
            }
            if (stopped != null) {
                return stopped;
            }
            System.out.printf("executor %d was not running a training task when it stopped: again%n", pid);
        }
        fail("no executor was running a training task when it was stopped, in 20 tries");
        return null;
    }

    /**
     * The log of a stopped executor once its worker, which copies the executor's output into it, has copied all:
     * its size unchanged for 300 ms.
     */
    private static String settled(Path stderr) throws IOException, InterruptedException {
        long size = -1;
        for (int i = 0; i < 100 && Files.size(stderr) != size; i++) {
            size = Files.size(stderr);
            Thread.sleep(300);
        }
        return Files.readString(stderr, StandardCharsets.ISO_8859_1);
    }

    private static final Pattern TASK_STARTED = Pattern.compile("Running task \\S+ in stage (\\d+)\\.\\d+ \\(TID (\\d+)\\)");

    /** The last task the executor's log says it started, unless the log also says it ended. */
    private static StoppedTask taskUnfinishedIn(String log, long pid) {
        Matcher started = TASK_STARTED.matcher(log);
        StoppedTask last = null;
        int at = 0;
        while (started.find()) {
            last = new StoppedTask(pid, Integer.parseInt(started.group(1)), Long.parseLong(started.group(2)));
            at = started.end();
        }
        boolean ended = last != null && Pattern.compile("(Finished|Exception in|killed) task .*\\(TID " + last.taskId()
                + "\\)").matcher(log).region(at, log.length()).find();
        return ended ? null : last;
    }

    /** The stages of the running {@code jobs} of epoch {@code epoch} or later that train (not DL4J's counts). */
    private static Set<Integer> trainingStages(JsonNode jobs, int epoch) {
        Set<Integer> stages = new TreeSet<>();
        for (JsonNode j : jobs) {
            JobNames.Epoch described = JobNames.of(j.path("description").asText());
            if (described != null && described.epoch() >= epoch && !JobNames.countsOnly(j.path("name").asText())) {
                j.path("stageIds").forEach(stage -> stages.add(stage.asInt()));
            }
        }
        return stages;
    }

    /** The executors running a task of the stage (any attempt); none when the driver does not know it yet. */
    private static Set<String> runningTasksOn(String app, int stage) throws InterruptedException {
        Set<String> executors = new TreeSet<>();
        try {
            for (JsonNode attempt : driverApi(app + "/stages/" + stage)) {
                for (JsonNode task : driverApi(app + "/stages/" + stage + "/" + attempt.path("attemptId").asInt()
                        + "/taskList?length=1000")) {
                    if (task.path("status").asText().equals("RUNNING")) {
                        executors.add(task.path("executorId").asText());
                    }
                }
            }
        } catch (IOException e) {
            // a stage still to be submitted (HTTP 404)
        }
        return executors;
    }

    record StageTasks(int id, int tasks, int failed) {
    }

    /**
     * The stopped task's stage once the driver's REST API reports it complete (an attempt with every task done)
     * with that task failed as lost with its executor: run again elsewhere, in that attempt or a later one.
     */
    private static StageTasks awaitLostTaskRecomputed(StoppedTask lost, Process job) throws Exception {
        String seen = "nothing (the driver's UI did not answer)";
        for (int i = 0; i < 1200; i++) {
            try {
                String app = "/" + driverApi("").path(0).path("id").asText();
                JsonNode task = taskOf(app, lost);
                seen = "task " + lost.taskId() + ": " + task;
                for (JsonNode attempt : driverApi(app + "/stages/" + lost.stage())) {
                    seen += "; stage " + lost.stage() + "." + attempt.path("attemptId").asInt() + " "
                            + attempt.path("status").asText();
                    // indices, not attempts: a task run twice counts once
                    if (task != null && attempt.path("status").asText().equals("COMPLETE")
                            && attempt.path("numCompletedIndices").asInt() == attempt.path("numTasks").asInt()) {
                        assertEquals("FAILED", task.path("status").asText(), seen);
                        assertTrue(task.path("errorMessage").asText().contains("ExecutorLostFailure"), seen);
                        return new StageTasks(lost.stage(), attempt.path("numTasks").asInt(),
                                attempt.path("numFailedTasks").asInt());
                    }
                }
            } catch (IOException e) {
                // the driver's UI went with the end of the run
            }
            if (!job.isAlive()) {
                fail("the run ended before the stopped executor's task " + lost.taskId() + " was seen lost and its"
                        + " stage complete; the REST API last showed " + seen);
            }
            Thread.sleep(100);
        }
        fail("task " + lost.taskId() + " was not seen lost and its stage complete in 2 minutes; last: " + seen);
        return null;
    }

    /** The stopped task as the driver's REST API shows it, in whichever attempt of its stage ran it; null if none. */
    private static JsonNode taskOf(String app, StoppedTask stopped) throws IOException, InterruptedException {
        String stage = app + "/stages/" + stopped.stage();
        for (JsonNode attempt : driverApi(stage)) {
            for (JsonNode task : driverApi(stage + "/" + attempt.path("attemptId").asInt() + "/taskList?length=1000")) {
                if (task.path("taskId").asLong() == stopped.taskId()) {
                    return task;
                }
            }
        }
        return null;
    }

    private static JsonNode driverApi(String path) throws IOException, InterruptedException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + DRIVER_UI_PORT + "/api/v1/applications" + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("HTTP " + response.statusCode() + " for " + path);
        }
        return new ObjectMapper().readTree(response.body());
    }

    /** The rows of a sweep's trials.csv, without its header. */
    private static List<String> trialRows(Path sweep) {
        return dataRows(sweep.resolve("trials.csv"));
    }

    private static String[] concat(String[] a, String[] b) {
        return Stream.concat(Arrays.stream(a), Arrays.stream(b)).toArray(String[]::new);
    }

    private static int historyRows(Path run) {
        return dataRows(run.resolve("history.csv")).size();
    }

    private static final Pattern SHARING_TRAFFIC = Pattern.compile("gradient sharing, epoch (\\d+): Aeron sent (\\d+)"
            + " bytes \\(([^)]*)\\), Spark moved (\\d+) .*?DL4J encoded (\\d+) bytes");

    /**
     * Each epoch's history.csv update_bytes is what the driver's log says was measured: the bytes every JVM's Aeron
     * media driver sent plus Spark's. The driver and both executors sent over Aeron (the driver relays each
     * executor's updates to the other), and together at least the updates DL4J encoded: each leaves its executor
     * once at least, framed.
     */
    private static void measuredSharingTraffic(String driverLog, List<String> historyRows) {
        Matcher m = SHARING_TRAFFIC.matcher(driverLog);
        for (String row : historyRows) {
            String[] cells = row.split(",");
            assertTrue(m.find(), "the driver's log has no traffic line for epoch " + cells[0] + ":\n" + driverLog);
            assertEquals(cells[0], m.group(1), m.group());
            long aeron = Long.parseLong(m.group(2));
            long encoded = Long.parseLong(m.group(5));
            System.out.printf("sharing on 2 executors, epoch %s: Aeron sent %d bytes (%s), Spark moved %s, DL4J encoded"
                    + " %d, history.csv update_bytes %s, dense %s%n", m.group(1), aeron, m.group(3), m.group(4), encoded,
                    cells[7], cells[8]);
            assertEquals(aeron + Long.parseLong(m.group(4)), Long.parseLong(cells[7]), "update_bytes: " + m.group());
            List<Long> perJvm = Arrays.stream(m.group(3).split(", ")).map(j -> Long.parseLong(j.substring(j.indexOf(' ') + 1))).toList();
            assertEquals(3, perJvm.size(), "the driver and two executors: " + m.group());
            assertTrue(perJvm.stream().allMatch(b -> b > 0), "each JVM sent over Aeron: " + m.group());
            assertTrue(encoded > 0 && aeron >= encoded, "Aeron sent at least what DL4J encoded: " + m.group());
        }
    }

    /** A CSV file's rows without its header; none while it is missing or being replaced (temporary name, rename). */
    private static List<String> dataRows(Path csv) {
        try {
            return Files.isRegularFile(csv) ? Files.readAllLines(csv).stream().skip(1).toList() : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** The cluster's executor JVMs (CoarseGrainedExecutorBackend) by the id Spark gave them, looked up before a fault. */
    private static Map<String, Long> executors() {
        Map<String, Long> byId = new java.util.TreeMap<>();
        ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                .filter(p -> cwd(p).startsWith(STATE.toString()))
                .forEach(p -> byId.put(executorId(p.pid()), p.pid()));
        return byId;
    }

    /** The JVM of one of the executors {@code busy} names. */
    private static long executorRunning(Map<String, Long> executors, Set<String> busy) {
        return busy.stream().filter(executors::containsKey).map(executors::get).findFirst()
                .orElseThrow(() -> new AssertionError("no executor JVM with id " + busy + " among " + executors));
    }

    /** The executor id Spark gave an executor JVM (its --executor-id argument). */
    private static String executorId(long pid) {
        String[] args = ProcessHandle.of(pid).orElseThrow().info().arguments().orElse(new String[0]);
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals("--executor-id")) {
                return args[i + 1];
            }
        }
        throw new AssertionError("no --executor-id in the command line of " + pid);
    }

    private static void signal(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).inheritIO().start();
        assertEquals(0, kill.waitFor(), "kill -" + signal + " " + pid);
    }

    private static String cwd(ProcessHandle p) {
        try {
            return Files.readSymbolicLink(Path.of("/proc", String.valueOf(p.pid()), "cwd")).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "";
        }
    }

    private static List<String> clusterProcesses() {
        List<String> found = new ArrayList<>();
        ProcessHandle.allProcesses().forEach(p -> {
            String cmd = p.info().commandLine().orElse("");
            if (cwd(p).startsWith(STATE.toString()) || cmd.contains(STATE.toString())) {
                found.add(p.pid() + " (in " + cwd(p) + ") " + cmd.substring(0, Math.min(200, cmd.length())));
            }
        });
        return found;
    }

    /** Every TCP socket the Master and Workers listen on is on 127.0.0.1 (their RPC ports and web UIs). */
    private static void daemonsListenOnLoopbackOnly() throws Exception {
        List<String> pids = new ArrayList<>();
        for (String name : List.of("master", "worker-1", "worker-2")) {
            pids.add(Files.readString(STATE.resolve(name + ".pid")).trim());
        }
        Process ss = new ProcessBuilder("ss", "-ltnpH").redirectErrorStream(true).start();
        String sockets = new String(ss.getInputStream().readAllBytes());
        ss.waitFor();
        int ours = 0;
        for (String line : sockets.lines().toList()) {
            if (pids.stream().anyMatch(pid -> line.contains("pid=" + pid + ","))) {
                ours++;
                String local = line.trim().split("\\s+")[3];
                assertTrue(local.startsWith("127.0.0.1:") || local.startsWith("[::ffff:127.0.0.1]:"),
                        "a cluster daemon listens beyond loopback: " + line);
            }
        }
        assertTrue(ours >= 6, "expected the RPC and web UI ports of 3 daemons in:\n" + sockets);
    }

    private static List<String> applicationNames() throws Exception {
        String json = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + MASTER_UI_PORT + "/json/"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
        JsonNode master = new ObjectMapper().readTree(json);
        List<String> names = new ArrayList<>();
        for (String list : List.of("activeapps", "completedapps")) {
            master.path(list).forEach(app -> names.add(app.path("name").asText()));
        }
        return names;
    }

    private static String errorLine(String output) {
        return output.lines().filter(l -> l.startsWith("sparktrain: error:")).findFirst().orElse("(no error line)");
    }

    /** run.json's "sharing"."executors": the executors' Aeron endpoints (IP:PORT) as the driver's mesh knows them. */
    private static List<String> meshExecutors(Path run) throws IOException {
        List<String> endpoints = new ArrayList<>();
        new ObjectMapper().readTree(run.resolve("run.json").toFile()).path("sharing").path("executors")
                .forEach(n -> endpoints.add(n.asText()));
        return endpoints;
    }

    private static double testAccuracy(Path run) throws IOException {
        return new ObjectMapper().readTree(run.resolve("metrics.json").toFile()).path("test").path("accuracy").asDouble(Double.NaN);
    }

    private static boolean contains(Path file, String text) {
        try {
            return Files.size(file) < 50_000_000 && new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1).contains(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
