package sparktrain.driver.bench;

import sparktrain.driver.sweep.SweepConfig;
import sparktrain.driver.sweep.SweepJob;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Part 5: the 8-trial LeNet grid of conf/sweep-lenet-fashion-mnist.conf (learning rate x dropout x batch size),
 * at a benchmark's budget and without early termination, trial-parallel and distributed: wall time each.
 */
public final class SweepsPart {
    public static final String SWEEP = "sweep-lenet-fashion-mnist.conf";

    record Run(String strategy, double seconds, SweepJob.Outcome outcome) {
    }

    private SweepsPart() {
    }

    public static String run(BenchContext ctx, Path outputs) {
        int images = ctx.size(4_000, 500);
        int epochs = 1;
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        List<Run> runs = new ArrayList<>();
        for (String strategy : SweepConfig.STRATEGIES) {
            SweepConfig sweep = SweepConfig.load(ctx.confDir().resolve(SWEEP).toString(), List.of(
                    "strategy=" + strategy, "data.train-limit=" + images, "training.epochs=" + epochs,
                    "early-termination.type=none", "spark.conf.\"spark.ui.enabled\"=false"));
            long start = System.nanoTime();
            SweepJob.Outcome outcome = SweepJob.run(sweep, BenchContext.MASTER,
                    outputs.resolve("sweep-" + strategy + "-" + stamp).toString());
            runs.add(new Run(strategy, (System.nanoTime() - start) / 1e9, outcome));
        }
        return render(ctx, images, epochs, runs);
    }

    static String render(BenchContext ctx, int images, int epochs, List<Run> runs) {
        List<List<String>> rows = new ArrayList<>();
        for (Run r : runs) {
            SweepJob.Outcome o = r.outcome();
            rows.add(List.of(r.strategy(), String.valueOf(o.trials()), Markdown.seconds(r.seconds()),
                    Markdown.f("%.1f s", r.seconds() / o.trials()),
                    o.best() == null ? "-" : Markdown.f("%s (%s): %.4f", o.best(), o.bestValues(), o.bestMetric())));
        }
        double ratio = runs.get(1).seconds() / runs.get(0).seconds();
        return ctx.header("Sweeps: trial-parallel against distributed", Markdown.f("8 trials, %,d training images, %d epoch%s"
                        + " each", images, epochs, epochs == 1 ? "" : "s"))
                + "\nThe grid of conf/" + SWEEP + " (learning rate x dropout x batch size over conf/lenet-fashion-mnist.conf),"
                + " here without early termination, on " + BenchContext.MASTER + ": trial-parallel trains each trial in one Spark task"
                + " (two at once), distributed trains each trial data-parallel on both workers, one after another. Wall"
                + " time of the whole sweep, including each trial's validation and the best trial's test evaluation.\n\n"
                + Markdown.table(List.of("strategy", "trials", "wall time", "per trial", "best trial: validation accuracy"), rows)
                + Markdown.f("%nTrial-parallel took %.2fx the time of distributed (%s against %s).%n", 1 / ratio,
                Markdown.seconds(runs.get(0).seconds()), Markdown.seconds(runs.get(1).seconds()));
    }
}
