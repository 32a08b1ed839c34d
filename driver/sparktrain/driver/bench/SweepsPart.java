package sparktrain.driver.bench;

import sparktrain.driver.sweep.SweepConfig;
import sparktrain.driver.sweep.SweepJob;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Part 5: the 8-trial LeNet grid of conf/sweep-lenet-fashion-mnist.conf (learning rate x dropout x batch size),
 * at a benchmark's budget and without early termination, trial-parallel and distributed: the whole sweep's wall
 * time in {@link FairTiming}'s alternating rounds, after a warm-up sweep of each on fewer images.
 */
public final class SweepsPart {
    public static final String SWEEP = "sweep-lenet-fashion-mnist.conf";
    static final int REPEATS = FairTiming.MIN_REPEATS;

    /** One strategy's timed sweeps: their wall times and, round by round, what each found. */
    record Timing(String strategy, Spread seconds, List<SweepJob.Outcome> outcomes) {
    }

    private SweepsPart() {
    }

    public static String run(BenchContext ctx, Path outputs) {
        int images = ctx.size(4_000, 500);
        int warmUpImages = ctx.size(500, 100);
        int epochs = 1;
        Path dir = outputs.resolve("sweeps-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        List<String> strategies = SweepConfig.STRATEGIES;
        List<List<SweepJob.Outcome>> outcomes = new ArrayList<>();
        strategies.forEach(s -> outcomes.add(new ArrayList<>()));
        AtomicInteger runs = new AtomicInteger();
        List<Spread> seconds = FairTiming.compare(strategies, REPEATS,
                strategy -> sweep(ctx, dir, strategy, warmUpImages, epochs, "warm-up-" + runs.incrementAndGet()),
                strategy -> {
                    long start = System.nanoTime();
                    SweepJob.Outcome o = sweep(ctx, dir, strategy, images, epochs, "run-" + runs.incrementAndGet());
                    outcomes.get(strategies.indexOf(strategy)).add(o);
                    return (System.nanoTime() - start) / 1e9;
                });
        List<Timing> timings = new ArrayList<>();
        for (int i = 0; i < strategies.size(); i++) {
            timings.add(new Timing(strategies.get(i), seconds.get(i), outcomes.get(i)));
        }
        return render(ctx, images, warmUpImages, epochs, timings);
    }

    private static SweepJob.Outcome sweep(BenchContext ctx, Path outputs, String strategy, int images, int epochs,
                                          String name) {
        SweepConfig sweep = SweepConfig.load(ctx.confDir().resolve(SWEEP).toString(), List.of(
                "strategy=" + strategy, "data.train-limit=" + images, "training.epochs=" + epochs,
                "early-termination.type=none", "spark.conf.\"spark.ui.enabled\"=false"));
        return SweepJob.run(sweep, BenchContext.MASTER, outputs.resolve("sweep-" + strategy + "-" + name).toString());
    }

    static String render(BenchContext ctx, int images, int warmUpImages, int epochs, List<Timing> timings) {
        List<List<String>> rows = new ArrayList<>();
        for (Timing t : timings) {
            int trials = t.outcomes().get(0).trials();
            rows.add(List.of(t.strategy(), String.valueOf(trials), t.seconds().format("%.0f") + " s",
                    t.seconds().map(s -> s / trials).format("%.1f") + " s", best(t.outcomes())));
        }
        Spread ratio = timings.get(0).seconds().over(timings.get(1).seconds());
        return ctx.header("Sweeps: trial-parallel against distributed", Markdown.f("8 trials, %,d training images, %d epoch%s"
                        + " each", images, epochs, epochs == 1 ? "" : "s"))
                + "\nThe grid of conf/" + SWEEP + " (learning rate x dropout x batch size over conf/lenet-fashion-mnist.conf),"
                + " here without early termination, on " + BenchContext.MASTER + ": trial-parallel trains each trial in one Spark task"
                + " (two at once), distributed trains each trial data-parallel on both workers, one after another. Wall"
                + " time of the whole sweep, including each trial's validation and the best trial's test evaluation."
                + Markdown.f(" Each strategy first sweeps %,d images untimed (its warm-up), then both run %d times in rounds"
                + " that alternate the order; the median with the min-max.%n%n", warmUpImages, timings.get(0).outcomes().size())
                + Markdown.table(List.of("strategy", "trials", "wall time", "per trial", "best trial: validation accuracy"), rows)
                + Markdown.f("%nTrial-parallel took **%.2fx** the time of distributed (round by round %s; %s against %s).%n",
                ratio.median(), ratio.format("%.2f"), timings.get(0).seconds().format("%.0f") + " s",
                timings.get(1).seconds().format("%.0f") + " s");
    }

    /** The rounds' best trial and its validation accuracy, the range where rounds differ; each trial once. */
    static String best(List<SweepJob.Outcome> outcomes) {
        Map<String, List<Double>> metrics = new LinkedHashMap<>();
        Map<String, String> values = new LinkedHashMap<>();
        for (SweepJob.Outcome o : outcomes) {
            if (o.best() != null) {
                values.put(o.best(), o.bestValues());
                metrics.computeIfAbsent(o.best(), k -> new ArrayList<>()).add(o.bestMetric());
            }
        }
        if (metrics.isEmpty()) {
            return "-";
        }
        List<String> found = new ArrayList<>();
        metrics.forEach((trial, m) -> {
            Spread metric = new Spread(m);
            found.add(Markdown.f("%s (%s): %s", trial, values.get(trial), metric.min() == metric.max()
                    ? Markdown.f("%.4f", metric.min()) : Markdown.f("%.4f-%.4f", metric.min(), metric.max()))
                    + (outcomes.size() > 1 ? Markdown.f(" (%d of %d rounds)", m.size(), outcomes.size()) : ""));
        });
        return String.join("; ", found);
    }
}
