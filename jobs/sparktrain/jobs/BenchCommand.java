package sparktrain.jobs;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import sparktrain.worker.ExitCode;
import sparktrain.worker.SparktrainException;
import sparktrain.driver.SparkContexts;
import sparktrain.driver.bench.BenchContext;
import sparktrain.driver.bench.BenchmarksFile;
import sparktrain.driver.bench.CommunicationPart;
import sparktrain.driver.bench.FrequencyPart;
import sparktrain.driver.bench.HeadlinePart;
import sparktrain.driver.bench.InferencePart;
import sparktrain.driver.bench.ScalePart;
import sparktrain.driver.bench.Machine;
import sparktrain.driver.bench.MllibPart;
import sparktrain.driver.bench.OverheadPart;
import sparktrain.driver.bench.ScalingPart;
import sparktrain.driver.bench.SweepsPart;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "bench", description = "Run one benchmark part and rewrite its block of BENCHMARKS.md (scripts/bench runs them all).")
final class BenchCommand implements Callable<Integer> {
    static final List<String> PARTS = List.of("overhead", "mllib", "communication", "scaling", "sweeps", "frequency", "scale", "inference", "headline");

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "PART", description = "overhead, mllib, communication, scaling, sweeps, frequency, scale, inference or headline.")
    String part;

    @Option(names = "--file", defaultValue = "BENCHMARKS.md", description = "The file to rewrite (default ${DEFAULT-VALUE}).")
    Path file;

    @Option(names = "--conf-dir", defaultValue = "conf", description = "Where the job files are (default ${DEFAULT-VALUE}).")
    Path confDir;

    @Option(names = "--quick", description = "Small sizes, to see that the part works; the block says so.")
    boolean quick;

    @Option(names = "--cluster-result", paramLabel = "FILE",
            description = "overhead: the JSON bench-overhead --json wrote on the standalone cluster.")
    Path clusterResult;

    @Option(names = "--outputs", defaultValue = "target/bench", description = "sweeps: where the sweeps write (default ${DEFAULT-VALUE});"
            + " communication: its two cluster runs, in communication/averaging/ and communication/sharing/;"
            + " frequency: where scripts/bench's trainings wrote, in frequency/local/ and frequency/cluster/;"
            + " scale: its runs, in scale/c<N>/; inference: its data, models and outputs, in inference/;"
            + " headline: its runs, in headline/<job>/s<seed>/.")
    Path outputs;

    @Option(names = "--sizes", paramLabel = "TEXT", description = "communication, frequency, scale: the trainings' sizes, as scripts/bench ran them.")
    String sizes;

    @Option(names = "--command", paramLabel = "TEXT", description = "The command to record in the file (default: scripts/bench PART).")
    String command;

    @Mixin
    VerboseOption verbose;

    @Option(names = "--master", paramLabel = "URL", description = "scaling: where to measure 1 and 2 executors (default:"
            + " spark-submit's master, else local[2]; scripts/bench submits it to the 2-worker cluster).")
    String master;

    @Override
    public Integer call() {
        if (!PARTS.contains(part)) {
            throw SparktrainException.usage("bench " + part + ": unknown part; use one of " + String.join(", ", PARTS));
        }
        String cmd = command != null ? command : "scripts/bench " + (quick ? "--quick " : "") + part;
        Path figures = file.toAbsolutePath().getParent().resolve("docs");
        BenchContext ctx = new BenchContext(confDir, quick, figures, Machine.detect(), cmd);
        String body = switch (part) {
            case "overhead" -> OverheadPart.run(ctx, clusterResult);
            case "mllib" -> MllibPart.run(ctx);
            case "communication" -> CommunicationPart.run(ctx, outputs.resolve("communication"), sizes == null ? "" : sizes);
            case "scaling" -> ScalingPart.run(ctx, master != null ? master : SparkContexts.submittedMaster(BenchContext.MASTER));
            case "frequency" -> FrequencyPart.run(ctx, outputs.resolve("frequency"), sizes == null ? "" : sizes);
            case "scale" -> ScalePart.run(ctx, outputs.resolve("scale"), sizes == null ? "" : sizes);
            case "inference" -> InferencePart.run(ctx, outputs.resolve("inference"));
            case "headline" -> HeadlinePart.run(ctx, outputs.resolve("headline"), BenchmarksFile.block(file, "headline"));
            default -> SweepsPart.run(ctx, outputs);
        };
        BenchmarksFile.update(file, part, body, ctx.machine(), cmd);
        spec.commandLine().getOut().println(body);
        spec.commandLine().getOut().println("rewrote the " + part + " block of " + file);
        spec.commandLine().getOut().flush();
        return ExitCode.OK.code;
    }
}
