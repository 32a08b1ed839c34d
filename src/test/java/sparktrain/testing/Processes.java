package sparktrain.testing;

import sparktrain.worker.JavaOpens;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Runs the sparktrain CLI in a JVM of its own, so a test can kill it for real or start it broken. */
public final class Processes {
    private Processes() {
    }

    /** With the --add-opens flags, as scripts/sparktrain starts it. */
    public static Process sparktrain(Path log, String... args) throws IOException {
        return sparktrain(log, List.of(), args);
    }

    /** With more JVM options, e.g. a -D that a test's Spark plugin or listener reads. */
    public static Process sparktrain(Path log, List<String> jvmOptions, String... args) throws IOException {
        List<String> jvm = new ArrayList<>(List.of("-Xmx3g"));
        jvm.addAll(jvmOptions);
        jvm.addAll(JavaOpens.OPTIONS);
        return start(log, jvm, Map.of(), args);
    }

    /** With exactly {@code jvmOptions} (add {@link JavaOpens#OPTIONS} for a sound JVM); output and errors go to {@code log}. */
    public static Process start(Path log, List<String> jvmOptions, Map<String, String> env, String... args) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-Dlog4j2.configurationFile=" + new File("conf/log4j2.properties").getAbsolutePath());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("sparktrain.jobs.Main");
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        pb.environment().putAll(env);
        return pb.start();
    }
}
