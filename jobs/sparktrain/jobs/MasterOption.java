package sparktrain.jobs;

import picocli.CommandLine.Option;

/** {@code --master} for the commands whose master overrides the job file's spark.master. */
final class MasterOption {
    @Option(names = "--master", paramLabel = "URL", description = "Spark master; overrides spark-submit and spark.master.")
    String url;
}
