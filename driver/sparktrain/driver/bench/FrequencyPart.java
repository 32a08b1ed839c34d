package sparktrain.driver.bench;

import sparktrain.worker.SparktrainException;
import sparktrain.worker.training.EpochStats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Part 6 (not in the default five): {@code training.averaging-frequency = auto} against a small sweep of fixed
 * frequencies. scripts/bench trains the same LeNet job once per frequency and once with auto, on local[2] and on
 * the 2-worker standalone cluster, into {@code RUNS/<where>/f<frequency>/}; this part reads their history.csv.
 * The target is the lowest best validation accuracy among the runs (so every run reaches it); the time to it is
 * the training seconds up to the first epoch at or above it.
 */
public final class FrequencyPart {
    record Run(String label, List<EpochStats> history) {
        boolean auto() {
            return label.equals("auto");
        }

        double bestAccuracy() {
            return history.stream().mapToDouble(EpochStats::validationMetric).max().orElse(Double.NaN);
        }

        double totalSeconds() {
            return history.stream().mapToDouble(EpochStats::seconds).sum();
        }

        /** Training seconds until the first epoch whose validation accuracy reaches {@code target}; NaN if none. */
        double secondsTo(double target) {
            double seconds = 0;
            for (EpochStats e : history) {
                seconds += e.seconds();
                if (e.validationMetric() >= target) {
                    return seconds;
                }
            }
            return Double.NaN;
        }

        int epochsTo(double target) {
            return history.stream().filter(e -> e.validationMetric() >= target).mapToInt(EpochStats::epoch).min().orElse(0);
        }

        String frequencies() {
            return history.stream().map(e -> String.valueOf(e.averagingFrequency())).collect(Collectors.joining(", "));
        }
    }

    /** What one place (local[2] or the cluster) showed. */
    record Outcome(String where, List<Run> runs, double target, Run bestFixed, Run auto) {
        double ratio() {
            return auto.secondsTo(target) / bestFixed.secondsTo(target);
        }
    }

    private FrequencyPart() {
    }

    public static String run(BenchContext ctx, Path runs, String sizes) {
        List<Outcome> outcomes = new ArrayList<>();
        for (String where : List.of("local", "cluster")) {
            Path dir = runs.resolve(where);
            if (Files.isDirectory(dir)) {
                outcomes.add(outcome(where, read(dir)));
            }
        }
        if (outcomes.isEmpty()) {
            throw SparktrainException.usage("bench frequency: " + runs + " holds no local/ or cluster/ runs");
        }
        return render(ctx, sizes, outcomes);
    }

    static List<Run> read(Path dir) {
        try (Stream<Path> runs = Files.list(dir)) {
            List<Run> read = new ArrayList<>();
            for (Path run : runs.filter(Files::isDirectory).toList()) {
                read.add(new Run(run.getFileName().toString().replaceFirst("^f", ""), RunHistory.read("frequency", run)));
            }
            read.sort(Comparator.comparing(Run::auto).thenComparingInt(r -> r.auto() ? 0 : Integer.parseInt(r.label())));
            return read;
        } catch (IOException e) {
            throw SparktrainException.usage(dir + ": cannot read the frequency runs: " + e.getMessage());
        }
    }

    static Outcome outcome(String where, List<Run> runs) {
        Run auto = runs.stream().filter(Run::auto).findFirst().orElseThrow(() ->
                SparktrainException.usage("bench frequency: no auto run under " + where));
        double target = runs.stream().mapToDouble(Run::bestAccuracy).min().orElseThrow();
        Run bestFixed = runs.stream().filter(r -> !r.auto()).min(Comparator.comparingDouble(r -> r.secondsTo(target)))
                .orElseThrow(() -> SparktrainException.usage("bench frequency: no fixed-frequency run under " + where));
        return new Outcome(where, runs, target, bestFixed, auto);
    }

    static String render(BenchContext ctx, String sizes, List<Outcome> outcomes) {
        StringBuilder s = new StringBuilder(ctx.header("Adaptive averaging frequency against fixed ones", sizes));
        s.append("\nThe same LeNet job (conf/lenet-fashion-mnist.conf, parameter averaging, 2 workers) with a fixed")
                .append(" `training.averaging-frequency` and with `auto` (communication under 10% of the epoch, first")
                .append(" epoch at 10). Time to target: training seconds (the epochs' fit time, as history.csv records")
                .append(" it) up to the first epoch whose validation accuracy reaches the target, the lowest best")
                .append(" validation accuracy of the runs, so every run reaches it.\n");
        for (Outcome o : outcomes) {
            s.append(Markdown.f("%n### %s%n%n", o.where().equals("local") ? "Spark local[2]"
                    : "2-worker standalone cluster (1 core each)"));
            List<List<String>> rows = new ArrayList<>();
            for (Run r : o.runs()) {
                rows.add(List.of(r.auto() ? "auto" : r.label(), r.frequencies(), Markdown.f("%.4f", r.bestAccuracy()),
                        Markdown.seconds(r.totalSeconds()), String.valueOf(r.epochsTo(o.target())),
                        Markdown.seconds(r.secondsTo(o.target()))));
            }
            s.append(Markdown.table(List.of("frequency", "per epoch", "best validation accuracy", "training time",
                    "epochs to target", "time to target"), rows));
            s.append(Markdown.f("%nTarget %.4f. Best fixed frequency: %s (%s to target); auto: %s, **%.2fx** the best"
                            + " fixed frequency's time (goal: at most 1.1x).%n", o.target(), o.bestFixed().label(),
                    Markdown.seconds(o.bestFixed().secondsTo(o.target())), Markdown.seconds(o.auto().secondsTo(o.target())),
                    o.ratio()));
        }
        return s.toString();
    }
}
