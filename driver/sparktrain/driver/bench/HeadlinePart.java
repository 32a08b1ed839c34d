package sparktrain.driver.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.training.EpochStats;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IntSummaryStatistics;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The headline figures: each committed job file trained with seeds 1, 2 and 3 from start to end, its test metric
 * read once at the end of each run. scripts/bench trains them into {@code RUNS/<job>/s<seed>/} (the log beside as
 * {@code s<seed>.log}, the command's wall seconds in {@code s<seed>.wall}, the command itself in {@code command});
 * this part reads them and gives each job's median with the min-max, and the commit the runs' run.json records.
 */
public final class HeadlinePart {
    private static final Pattern SEED_DIR = Pattern.compile("s(\\d+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * A headline job: its directory name under RUNS, its job file in conf/, the test metric in metrics.json and its
     * baseline there.
     */
    record Job(String name, String file, String metric, String label, String baseline, String baselineLabel,
               String format) {
    }

    /** The jobs in the order the block shows them (scripts/bench's HEADLINE_JOBS names the same). */
    static final List<Job> JOBS = List.of(
            new Job("lenet-averaging", "lenet-fashion-mnist.conf", "accuracy", "test accuracy", null, null, "%.4f"),
            new Job("lenet-sharing", "lenet-fashion-mnist-sharing.conf", "accuracy", "test accuracy", null, null, "%.4f"),
            new Job("resnet", "resnet-fashion-mnist.conf", "accuracy", "test accuracy", null, null, "%.4f"),
            new Job("char-lstm", "char-lstm-fortunes.conf", "bitsPerChar", "bits per character", "unigramBitsPerChar",
                    "a unigram model", "%.3f"),
            new Job("timeseries", "timeseries-lstm-sine.conf", "rmse", "RMSE", "naiveRmse", "the naive forecast", "%.4f"));

    /** A row of the table: measured by this run, or kept from the block before for a job this run did not train. */
    record Row(Job job, List<String> cells, double median, double wallMedian, String commit, boolean measured) {
    }

    private static final String SHARING_GAP = "LeNet on the cluster:";
    private static final String QUICK = "(quick run at small sizes";
    private static final Logger log = LoggerFactory.getLogger(HeadlinePart.class);
    private static final Pattern FIRST_NUMBER = Pattern.compile("(\\d+(?:\\.\\d+)?)");

    /**
     * One seed's run: its test metric, the baseline's (NaN when the job has none), wall seconds, the epochs, and the
     * commit its run.json records ("abcdef0123 (dirty tree)" when tracked files differed, no tree when not recorded).
     */
    record Run(int seed, double metric, double baseline, double wallSeconds, List<EpochStats> epochs, String commit) {
    }

    /** A job's runs, by seed, the command that ran them (with SEED for the seed) and the commit they ran at. */
    record Result(Job job, String command, String commit, List<Run> runs) {
        Spread metric() {
            return new Spread(runs.stream().map(Run::metric).toList());
        }

        /** The epochs the runs trained: "6", or "5-6" when early stopping ended some sooner. */
        String epochs() {
            IntSummaryStatistics n = runs.stream().mapToInt(r -> r.epochs().size()).summaryStatistics();
            return n.getMin() == n.getMax() ? String.valueOf(n.getMin()) : n.getMin() + "-" + n.getMax();
        }

        Spread wall() {
            return new Spread(runs.stream().map(Run::wallSeconds).toList());
        }
    }

    private HeadlinePart() {
    }

    /**
     * The block for the jobs trained under {@code runs}; the other jobs keep their rows of {@code previousBlock} (the
     * block as BENCHMARKS.md holds it, "" when none), so that naming some jobs never drops the others' figures.
     */
    public static String run(BenchContext ctx, Path runs, String previousBlock) {
        // quick rows and full ones never share a block
        String earlier = ctx.quick() || previousBlock.contains(QUICK) ? "" : previousBlock;
        List<Row> rows = new ArrayList<>();
        boolean measured = false;
        for (Job job : JOBS) {
            Path dir = runs.resolve(job.name());
            if (Files.isDirectory(dir)) {
                rows.add(row(read(job, dir)));
                measured = true;
            } else {
                kept(earlier, job).ifPresent(rows::add);
            }
        }
        earlier.lines().filter(line -> line.startsWith("| `")
                        && JOBS.stream().noneMatch(job -> namesJobFile(line, job)))
                .forEach(line -> log.warn("bench headline: BENCHMARKS.md's row names none of the job files {}; dropped: {}",
                        JOBS.stream().map(Job::file).toList(), line));
        if (!measured) {
            throw SparktrainException.usage("bench headline: " + runs + " holds none of the jobs "
                    + JOBS.stream().map(Job::name).toList());
        }
        return render(ctx, rows, earlier);
    }

    /** The job's row of an earlier block: its command names the job file. */
    static Optional<Row> kept(String previousBlock, Job job) {
        return previousBlock.lines()
                .filter(line -> line.startsWith("| `") && namesJobFile(line, job))
                .findFirst()
                .map(line -> {
                    String inner = line.strip().substring(1);
                    inner = inner.endsWith("|") ? inner.substring(0, inner.length() - 1) : inner;
                    List<String> cells = List.of(inner.strip().split("\\s+\\|\\s+", -1));
                    double median = cells.size() == 7 ? firstNumber(cells.get(2)) : Double.NaN;
                    double wall = cells.size() == 7 ? firstNumber(cells.get(4)) : Double.NaN;
                    if (Double.isNaN(median) || Double.isNaN(wall)) {
                        throw SparktrainException.badData("BENCHMARKS.md: the headline block's row of " + job.file()
                                + " is not 7 cells with the median and the wall time in the 3rd and 5th: " + line
                                + "; mend it or delete it (its job then has no row until it is run again)");
                    }
                    return new Row(job, cells, median, wall, cells.get(1), false);
                });
    }

    private static boolean namesJobFile(String line, Job job) {
        return line.contains(" conf/" + job.file() + " ");
    }

    private static double firstNumber(String cell) {
        Matcher m = FIRST_NUMBER.matcher(cell);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static Row row(Result r) {
        Job job = r.job();
        String baseline = job.baseline() == null ? "-"
                : new Spread(r.runs().stream().map(Run::baseline).toList()).format(job.format())
                + " (" + job.baselineLabel() + ")";
        List<String> cells = List.of("`" + r.command() + "`", r.commit(), job.label() + " " + r.metric().format(job.format()),
                baseline, r.wall().format("%.0f") + " s", r.epochs(),
                String.join(", ", r.runs().stream().map(run -> "seed " + run.seed() + ": "
                        + Markdown.f(job.format(), run.metric())).toList()));
        return new Row(job, cells, r.metric().median(), r.wall().median(), r.commit(), true);
    }

    static Result read(Job job, Path dir) {
        try {
            List<Run> runs = new ArrayList<>();
            try (var seeds = Files.list(dir)) {
                for (Path run : seeds.filter(Files::isDirectory).sorted().toList()) {
                    Matcher m = SEED_DIR.matcher(run.getFileName().toString());
                    if (m.matches()) {
                        runs.add(run(job, run, Integer.parseInt(m.group(1))));
                    }
                }
            }
            if (runs.size() < 3) {
                throw SparktrainException.usage("bench headline: " + dir + " holds " + runs.size()
                        + " finished runs (s<seed>/ with metrics.json); need 3");
            }
            Set<String> commits = runs.stream().map(Run::commit).collect(Collectors.toCollection(TreeSet::new));
            if (commits.size() > 1) {
                throw SparktrainException.usage("bench headline: " + dir + ": its seeds ran at different commits "
                        + commits + " (run.json); re-run them together: scripts/bench --jobs=" + job.name() + " headline");
            }
            return new Result(job, Files.readString(dir.resolve("command")).strip(), commits.iterator().next(), runs);
        } catch (IOException e) {
            throw SparktrainException.usage("bench headline: " + dir + ": " + e.getMessage());
        }
    }

    private static Run run(Job job, Path run, int seed) throws IOException {
        Path metrics = run.resolve("metrics.json");
        if (!Files.isRegularFile(metrics)) {
            throw SparktrainException.usage("bench headline: " + metrics + ": missing; did that training fail? See "
                    + run + ".log");
        }
        JsonNode test = JSON.readTree(metrics.toFile()).path("test");
        if (!test.path(job.metric()).isNumber()) {
            throw SparktrainException.usage("bench headline: " + metrics + ": no test." + job.metric());
        }
        double baseline = job.baseline() == null ? Double.NaN : test.path(job.baseline()).asDouble(Double.NaN);
        double wall = Double.parseDouble(Files.readString(run.resolveSibling(run.getFileName() + ".wall")).strip());
        JsonNode versions = JSON.readTree(run.resolve(RunOutputs.RUN).toFile()).path("versions");
        String commit = versions.path("gitCommit").asText("unknown");
        commit = commit.substring(0, Math.min(10, commit.length()));
        if (versions.path("gitDirty").isBoolean()) {
            commit += versions.path("gitDirty").asBoolean() ? " (dirty tree)" : " (clean tree)";
        }
        return new Run(seed, test.path(job.metric()).asDouble(), baseline, wall, RunHistory.read("headline", run),
                commit);
    }

    static String render(BenchContext ctx, List<Row> rows, String previousBlock) {
        StringBuilder s = new StringBuilder(ctx.header("Headline figures: seeds 1, 2, 3",
                "each job file as committed, trained from start to end once per seed"));
        s.append("\nEach committed job file trained three times, with `--set seed=1`, `2` and `3` (the seed draws the")
                .append(" initial weights, the validation and test split where the job hashes one, the shuffling and")
                .append(" DL4J's training master), in rounds (seed 1 of every job, then seed 2, ...). The test set is read")
                .append(" once, at the end of each run. Wall time: the whole command, from")
                .append(" start to exit (data load, Spark start, training, test evaluation). Figures: the median with")
                .append(" the min-max over the three seeds. `cluster`: `scripts/submit` on `scripts/cluster start")
                .append(" --workers 2`, two executor JVMs of one core each on this machine. A job's three seeds ran")
                .append(" at one commit, its row's, as their run.json records it (`scripts/bench --jobs=...` re-runs")
                .append(" only the jobs it names and keeps the others' rows; the header gives the last such run).\n\n");
        s.append(Markdown.table(List.of("command (SEED = 1, 2, 3)", "commit", "test metric, median (min-max)", "baseline",
                "wall time", "epochs", "each seed"), rows.stream().map(Row::cells).toList()));
        Row averaging = find(rows, "lenet-averaging");
        Row sharing = find(rows, "lenet-sharing");
        Optional<String> keptGap = previousBlock.lines().filter(l -> l.startsWith(SHARING_GAP)).findFirst();
        if (averaging != null && sharing != null && !averaging.measured() && !sharing.measured() && keptGap.isPresent()) {
            // from the exact medians then, not the rounded ones in the kept rows
            s.append("\n").append(keptGap.get()).append("\n");
        } else if (averaging != null && sharing != null) {
            double gap = 100 * (sharing.median() - averaging.median());
            s.append(Markdown.f("%n" + SHARING_GAP + " gradient sharing's median test accuracy is **%+.2f points**"
                            + " from parameter averaging's (goal: within 0.5), in %.2fx averaging's median wall time%s.%n",
                    gap, sharing.wallMedian() / averaging.wallMedian(),
                    shortCommit(sharing.commit()).equals(shortCommit(averaging.commit())) ? ""
                            : " (run at different commits: " + sharing.commit() + ", " + averaging.commit() + ")"));
        }
        return s.toString();
    }

    /** The commit without its tree's state: a kept row may not record it. */
    private static String shortCommit(String commit) {
        return commit.substring(0, Math.min(10, commit.length()));
    }

    private static Row find(List<Row> rows, String name) {
        return rows.stream().filter(r -> r.job().name().equals(name)).findFirst().orElse(null);
    }
}
