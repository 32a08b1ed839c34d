package sparktrain.jobs;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sparktrain.driver.data.MakeData;
import sparktrain.worker.ExitCode;
import sparktrain.worker.config.JobFiles;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "make-data", description = "Write an installed data set as a table or an image folder (DIR/train,"
        + " DIR/test) for data.type = table or images, with Spark's executors.")
final class MakeDataCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "DATA_SET", description = "fashion-mnist (read from data.path).")
    String dataSet;

    @Option(names = "--format", required = true, paramLabel = "FORMAT",
            description = "parquet, orc, json (columns pixels: 784 floats in [0, 1], label: the class name), csv"
                    + " (columns p0..p783, label) or images (one PNG per image in a directory per class).")
    String format;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Where to write; must be new or empty.")
    String output;

    @Option(names = "--copies", paramLabel = "N", defaultValue = "1",
            description = "Copies of the training set, each after the first shifted 1-2 pixels (default ${DEFAULT-VALUE}).")
    int copies;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "A job-file key: data.path (the IDX files), data.train-limit, data.test-limit, seed, spark.*."
                    + " Repeatable.")
    List<String> overrides = new ArrayList<>();

    @Mixin
    MasterOption master;

    @Mixin
    VerboseOption verbose;

    @Override
    public Integer call() {
        MakeData.Written written = MakeData.run(dataSet, format, output, copies,
                JobFiles.parse("", "make-data", overrides), master.url);
        spec.commandLine().getOut().printf("train %d rows, test %d rows%noutputs %s%n", written.train(), written.test(),
                written.output());
        spec.commandLine().getOut().flush();
        return ExitCode.OK.code;
    }
}
