package sparktrain.driver.bench;

import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.api.Updater;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingMasterStats;
import org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingWorkerStats;
import org.deeplearning4j.spark.stats.EventStats;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.driver.SparkContexts;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.model.NetworkFactory;
import sparktrain.worker.data.FashionMnist;
import sparktrain.driver.bench.OverheadBenchmark.Measurement;
import sparktrain.driver.bench.CostModel.Calibration;
import sparktrain.driver.bench.CostModel.Mode;
import sparktrain.driver.bench.CostModel.Workload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Part 4: per-phase times of one epoch on 1 and 2 executors (one core each) for LeNet and resnet-small, in both
 * modes, on the 2-worker standalone cluster (scripts/bench submits this part to it); the cost model calibrated on 1
 * executor, checked against 2, and its prediction for 2 to 64 executors on a 10 Gbit/s network, plotted where the
 * check holds.
 */
public final class ScalingPart {
    private static final Logger log = LoggerFactory.getLogger(ScalingPart.class);
    public static final int[] EXECUTORS = {1, 2, 4, 8, 16, 32, 64};
    static final String PLOT = "scaling.png";
    /** A curve is published only when the model calibrated on 1 executor predicts the measured 2 within this. */
    static final double CHECK_TOLERANCE = 0.15;

    static final int REPEATS = FairTiming.MIN_REPEATS;

    /** One averaging epoch's phases from DL4J's training stats (seconds). */
    record Phases(double epoch, double workerFit, double broadcast, double aggregate, double processParams) {
        /**
         * The median of each phase over {@code runs}: robust to one run slowed by the machine's other load, at the
         * price of phases that may come from different runs.
         */
        static Phases median(List<Phases> runs) {
            return new Phases(median(runs, Phases::epoch), median(runs, Phases::workerFit), median(runs, Phases::broadcast),
                    median(runs, Phases::aggregate), median(runs, Phases::processParams));
        }

        private static double median(List<Phases> runs, ToDoubleFunction<Phases> phase) {
            return new Spread(runs.stream().map(phase::applyAsDouble).toList()).median();
        }
    }

    /** What was measured for one model and mode on 1 and 2 executors, and the calibration it gave. */
    record Row(String model, Mode mode, Workload measured, Spread seconds1, Spread seconds2, Phases phases1,
               Calibration calibration) {
        double predicted2() {
            return CostModel.seconds(mode, measured, calibration, 2, CostModel.IN_PROCESS);
        }

        /** (predicted - measured) / measured on 2 executors, against the median measured. */
        double error() {
            return (predicted2() - seconds2.median()) / seconds2.median();
        }

        boolean predicted() {
            return Math.abs(error()) <= CHECK_TOLERANCE;
        }

        String notPredicted() {
            return Markdown.f("not predicted: the model calibrated on 1 executor missed the measured 2-executor epoch"
                    + " by %+.1f%%", 100 * error());
        }
    }

    /** A mode on 1 or 2 executors of one core. */
    record Config(Mode mode, int executors, JobConfig job) {
        @Override
        public String toString() {
            return job.name() + ", " + mode.label() + " on " + executors + " executor" + (executors == 1 ? "" : "s");
        }
    }

    private ScalingPart() {
    }

    /** Measures on {@code master}: the 2-worker cluster (scripts/bench), or local[2] where it is not a cluster. */
    public static String run(BenchContext ctx, String master) {
        List<Row> rows = new ArrayList<>();
        rows.addAll(measure(ctx, master, "LeNet-5", "lenet-fashion-mnist.conf", "lenet-fashion-mnist-sharing.conf",
                ctx.size(6_000, 640)));
        rows.addAll(measure(ctx, master, "resnet-small", "resnet-fashion-mnist.conf", "resnet-fashion-mnist.conf",
                ctx.size(3_000, 320)));
        Path plot = ctx.figuresDir().resolve(PLOT);
        chart(rows.stream().filter(Row::predicted).toList(), plot);
        return render(ctx, master, rows, plot);
    }

    /**
     * Averaging and sharing on 1 and 2 executors of one core each, every run an application of its own (a warm-up
     * epoch, then the timed one), in {@link FairTiming}'s alternating rounds.
     */
    static List<Row> measure(BenchContext ctx, String master, String model, String averagingConf, String sharingConf,
                             int images) {
        JobConfig base = ctx.job(averagingConf, "training.threads-per-worker=1");
        Model network = NetworkFactory.build(base.model(), base.training(), base.seed(), FashionMnist.SHAPE);
        Workload w = new Workload(model, network.numParams(), updaterState(network, base.training().averageUpdaters()),
                images, base.training().batchSize(), base.training().averagingFrequency());
        List<Config> configs = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            for (int n = 1; n <= 2; n++) {
                configs.add(new Config(mode, n, ctx.job(mode == Mode.AVERAGING ? averagingConf : sharingConf,
                        executors(master, n, "training.mode=" + mode.label()))));
            }
        }
        Map<Config, List<Measurement>> runs = new HashMap<>();
        Map<Config, List<Phases>> phases = new HashMap<>();
        List<Spread> seconds = FairTiming.rounds(configs, REPEATS, c -> {
            Measurement m = run(c, images, master, phases.computeIfAbsent(c, k -> new ArrayList<>()));
            runs.computeIfAbsent(c, k -> new ArrayList<>()).add(m);
            return m.seconds();
        });
        Phases p1 = Phases.median(phases.get(configs.get(0)));
        double aggregate = Math.max(0, p1.aggregate() + p1.processParams() - p1.workerFit());
        Calibration ca = CostModel.averaging(w, p1.epoch(), p1.workerFit(), aggregate);
        Calibration cs = CostModel.sharing(w, seconds.get(2).median(), ca.computeSecondsPerSample(),
                sentFraction(runs.get(configs.get(2))));
        log.info("{}: averaging {} / {}, sharing {} / {} seconds on 1 / 2 executors", model, seconds.get(0),
                seconds.get(1), seconds.get(2), seconds.get(3));
        return List.of(new Row(model, Mode.AVERAGING, w, seconds.get(0), seconds.get(1), p1, ca),
                new Row(model, Mode.SHARING, w, seconds.get(2), seconds.get(3), null, cs));
    }

    /**
     * The settings for {@code n} executors of one core: {@code n} workers of one ND4J thread; on a cluster an
     * application of {@code n} cores that starts once all {@code n} executors have registered.
     */
    static String[] executors(String master, int n, String... more) {
        List<String> sets = new ArrayList<>(List.of("training.threads-per-worker=1", "training.workers=" + n));
        if (!SparkContexts.localMode(master)) {
            sets.add("spark.conf.\"spark.cores.max\"=" + n);
            sets.add("spark.conf.\"spark.scheduler.minRegisteredResourcesRatio\"=1.0");
        }
        sets.addAll(List.of(more));
        return sets.toArray(String[]::new);
    }

    /**
     * One run of {@code c} on its executors: its timed epoch, and for averaging its phases from DL4J's training stats
     * (added to {@code phases}), which are the timed epoch's alone since every epoch has a training master of its
     * own. The stats' clock is the system's: DL4J's default asks pool.ntp.org, which fails without Internet access
     * (the executors get the same -D from conf/spark-defaults.conf). Sharing gets a controller port of its own each
     * run, where no executor of an earlier run can still be sending.
     */
    static Measurement run(Config c, int images, String master, List<Phases> phases) {
        SparkTrainingStats[] collected = new SparkTrainingStats[1];
        JobConfig job = c.mode() == Mode.SHARING
                ? c.job().with("training.sharing.controller-port = " + BenchContext.freeUdpPort()) : c.job();
        Measurement m = OverheadBenchmark.spark(job, images, master, SparkContexts.localMode(master) ? 0 : c.executors(),
                strategy -> strategy.collectStats(stats -> collected[0] = stats));
        if (c.mode() == Mode.AVERAGING) {
            SparkTrainingStats stats = collected[0];
            phases.add(new Phases(m.seconds(),
                    seconds(stats, ParameterAveragingTrainingWorkerStats.PARAMETER_AVERAGING_WORKER_FIT_TIMES_MS) / c.executors(),
                    seconds(stats, ParameterAveragingTrainingMasterStats.PARAMETER_AVERAGING_MASTER_BROADCAST_CREATE_TIMES_MS),
                    seconds(stats, ParameterAveragingTrainingMasterStats.PARAMETER_AVERAGING_MASTER_AGGREGATE_TIMES_MS),
                    seconds(stats, ParameterAveragingTrainingMasterStats.PARAMETER_AVERAGING_MASTER_PROCESS_PARAMS_UPDATER_TIMES_MS)));
        }
        return m;
    }

    /**
     * s: what sharing's runs on one executor sent (Aeron's bytes and Spark's, as history.csv counts them) over the
     * dense bytes of the same updates; 0.01 when none was counted.
     */
    static double sentFraction(List<Measurement> sharing) {
        long bytes = 0;
        long dense = 0;
        for (Measurement m : sharing) {
            bytes += m.traffic().bytes();
            dense += m.traffic().denseBytes();
        }
        return dense > 0 ? (double) bytes / dense : 0.01;
    }

    /**
     * The updater state DL4J's parameter averaging ships and averages with the parameters every round when
     * {@code training.average-updaters} is on: Adam's two moments, Nesterovs' momentum, nothing for SGD.
     */
    static long updaterState(Model network, boolean averageUpdaters) {
        if (!averageUpdaters) {
            return 0;
        }
        Updater updater = network instanceof MultiLayerNetwork m ? m.getUpdater() : ((ComputationGraph) network).getUpdater();
        INDArray state = updater == null ? null : updater.getStateViewArray();
        return state == null ? 0 : state.length();
    }

    /** The summed durations of {@code key} in the stats or the stats nested in them (worker stats), in seconds. */
    static double seconds(SparkTrainingStats stats, String key) {
        for (SparkTrainingStats s = stats; s != null; ) {
            if (s.getKeySet().contains(key)) {
                long ms = 0;
                for (EventStats e : s.getValue(key)) {
                    ms += e.getDurationMs();
                }
                return ms / 1000.0;
            }
            if (s instanceof ParameterAveragingTrainingMasterStats m && m.getWorkerStats() != null && m.getWorkerStats() != s) {
                double inWorker = seconds(m.getWorkerStats(), key);
                if (inWorker > 0) {
                    return inWorker;
                }
            }
            SparkTrainingStats nested = s.getNestedTrainingStats();
            s = nested == s ? null : nested;
        }
        return 0;
    }

    static String render(BenchContext ctx, String master, List<Row> rows, Path plot) {
        boolean cluster = !SparkContexts.localMode(master);
        List<List<String>> check = new ArrayList<>();
        for (Row r : rows) {
            Calibration c = r.calibration();
            String phases = r.phases1() == null ? Markdown.f("c %.2f ms/sample, e %+.1f ms/step, s %.4f",
                    1e3 * c.computeSecondsPerSample(), 1e3 * c.stepOverheadSeconds(), c.encodedFraction())
                    : Markdown.f("fit %s, broadcast %s, aggregate %s, apply %s of %s; c %.2f ms/sample, o %.0f ms, a %.0f ms",
                    Markdown.seconds(r.phases1().workerFit()), Markdown.seconds(r.phases1().broadcast()),
                    Markdown.seconds(r.phases1().aggregate()), Markdown.seconds(r.phases1().processParams()),
                    Markdown.seconds(r.phases1().epoch()), 1e3 * c.computeSecondsPerSample(), 1e3 * c.roundSeconds(),
                    1e3 * c.aggregateSecondsPerExecutor());
            check.add(List.of(r.model(), r.mode() == Mode.SHARING && !cluster ? "sharing (local mode: one model in one JVM)"
                            : r.mode().label(), Markdown.f("%,d + %,d", r.measured().parameters(),
                            r.mode() == Mode.AVERAGING ? r.measured().updaterState() : 0), phases,
                    r.seconds1().format("%.1f") + " s", r.seconds2().format("%.1f") + " s",
                    Markdown.seconds(r.predicted2()), Markdown.f("%+.1f%%", 100 * r.error())));
        }
        List<String> batches = new ArrayList<>();
        for (Row r : rows) {
            String b = r.model() + " " + r.measured().batchSize();
            if (!batches.contains(b)) {
                batches.add(b);
            }
        }
        String where = cluster
                ? "Where it ran: " + master + ", `scripts/cluster start --workers 2` (two worker JVMs of one core each on"
                + " this machine, the driver in a third), every run an application of its own with executors of its own"
                + " (`spark.cores.max` 1 or 2). Averaging's 2 executors each fit their copy of the model on one ND4J thread"
                + " and send it to the driver every f minibatches; sharing's 2 executors are two JVMs that each train"
                + " their model and exchange threshold-encoded updates over Aeron, through the driver (DL4J's mesh has"
                + " it as its root)."
                : "Where it ran: one JVM (" + master + "). Averaging's 2 executors are two Spark tasks at once, each"
                + " fitting its own copy of the model on one ND4J thread, averaged every f minibatches. Sharing's \"2"
                + " executors\" are not two workers: in local mode GradientSharing coalesces the data to one partition and"
                + " tells DL4J one worker, so one Spark task trains one model in that JVM on 2 ND4J threads instead of 1,"
                + " applying its own threshold-encoded updates. A sharing check on real workers needs the 2-worker"
                + " cluster (scripts/bench scaling).";
        Row first = rows.get(0);
        return ctx.header("Beyond this machine: a cost model for 2 to 64 executors",
                Markdown.f("%,d LeNet and %,d resnet-small training images per measured epoch, %d runs per"
                                + " configuration; predictions for a full %,d-image epoch", rows.get(0).measured().samples(),
                        rows.get(2).measured().samples(), first.seconds1().values().size(), CommunicationPart.FULL_EPOCH))
                + "\nOne epoch on 1 and on 2 executors of one core each (`training.workers` 1 or 2, one ND4J thread per"
                + " worker), batch per executor " + String.join(", ", batches) + ", averaging frequency "
                + first.measured().averagingFrequency() + "; averaging with each model's job file"
                + " (conf/lenet-fashion-mnist.conf, conf/resnet-fashion-mnist.conf), sharing with"
                + " conf/lenet-fashion-mnist-sharing.conf and the resnet job with `training.mode = sharing` (the same"
                + " models and updater, Adam). Each configuration ran " + first.seconds1().values().size() + " times, in"
                + " rounds that alternate the order (forward, backward, ...); each run trains a warm-up epoch, then the"
                + " timed one. Times: the median with the min-max. Averaging's phases come from DL4J's training stats"
                + " (`setCollectTrainingStats`) of the timed epoch: the workers' fit time, the driver's broadcast"
                + " creation, the aggregation (DL4J's treeAggregate, which also waits for the workers) and applying the"
                + " averaged parameters; the calibration takes each phase's median over the runs on 1 executor. Sharing"
                + " is timed as a whole; its bytes are measured as in history.csv (what Aeron sent, plus what Spark"
                + " moved).\n\n"
                + where + "\n\n"
                + "The model (CostModel.java), with N samples per epoch, n executors, b batch per executor, f averaging"
                + " frequency, P parameters and S updater state of 4 bytes each, B = 10 Gbit/s:\n\n"
                + "```\n"
                + "steps(n)  = ceil(N / (n b))               rounds(n) = ceil(steps(n) / f)\n"
                + "averaging T(n) = steps(n) b c + rounds(n) (o + n a + 2 n 4(P + S) / B)\n"
                + "sharing   T(n) = steps(n) max(b c + e, (n - 1) s 4P / B)\n"
                + "efficiency E(n) = T(1) / (n T(n))\n"
                + "```\n\n"
                + "S is the updater state DL4J's parameter averaging ships and averages with the parameters every round"
                + " (`training.average-updaters = true`, the default): the length of the network's updater state array,"
                + " 2P for Adam, P for Nesterovs, 0 for SGD, less where a parameter has no updater (batch-norm running"
                + " statistics); sharing sends updates only, so no S there."
                + " Calibrated on one executor: c = the workers' fit time / samples; a = (aggregation + apply - fit) / rounds,"
                + " the driver's cost of one executor's parameters per round (charged per executor: the driver receives and"
                + " sums each one); o = the rest of the epoch / rounds (Spark jobs, broadcast, splitting); under sharing"
                + " c from averaging, e = epoch / steps - b c (encoding, residuals, Aeron), s = the bytes measured (Aeron's"
                + " and Spark's, as in history.csv) / the dense bytes of the same updates."
                + " Assumed: averaging is synchronous and every byte passes the driver's link (broadcast down, results up);"
                + " sharing overlaps receiving the other executors' updates with computing, every executor receives every"
                + " update (DL4J's mesh), and applying a sparse update costs nothing next to encoding one. Not modelled:"
                + " stragglers, the Spark scheduler's cost growing with n, and TorrentBroadcast spreading the broadcast"
                + " over the executors (the model is pessimistic there).\n\n"
                + "The check: the model calibrated on 1 executor predicts the epoch on 2, with B = infinity (the 4(P + S)"
                + " term 0): on one machine the bytes cross " + (cluster ? "the loopback interface, whose cost is already in"
                + " the measured a and e" : "no network") + ". A curve is published only where this check is within ±"
                + Markdown.f("%.0f%%", 100 * CHECK_TOLERANCE) + " of the median measured.\n\n"
                + Markdown.table(List.of("model", "mode", "parameters P + updater state S", "1 executor: median phases and calibration",
                "measured, 1 executor", "measured, 2 executors", "predicted, 2 executors", "error"), check)
                + "\n" + prediction(ctx, rows, plot);
    }

    /** The prediction table and plot for the rows whose check passed, or why there is none. */
    static String prediction(BenchContext ctx, List<Row> rows, Path plot) {
        if (rows.stream().noneMatch(Row::predicted)) {
            StringBuilder none = new StringBuilder(Markdown.f("No curve is predicted: no 2-executor check is within ±%.0f%%.\n\n",
                    100 * CHECK_TOLERANCE));
            for (Row r : rows) {
                none.append("- ").append(r.model()).append(", ").append(r.mode().label()).append(": ")
                        .append(r.notPredicted()).append(".\n");
            }
            return none.toString();
        }
        List<String> header = new ArrayList<>(List.of("model", "mode"));
        for (int n : EXECUTORS) {
            header.add(n + " executor" + (n == 1 ? "" : "s"));
        }
        List<List<String>> prediction = new ArrayList<>();
        for (Row r : rows) {
            Workload full = r.measured().withSamples(CommunicationPart.FULL_EPOCH);
            List<String> cells = new ArrayList<>(List.of(r.model(), r.mode().label()));
            for (int n : EXECUTORS) {
                cells.add(!r.predicted() ? (n == 1 ? r.notPredicted() : "")
                        : Markdown.f("%s (%.0f%%)", Markdown.seconds(CostModel.seconds(r.mode(), full, r.calibration(), n,
                        CostModel.TEN_GBIT)), 100 * CostModel.efficiency(r.mode(), full, r.calibration(), n, CostModel.TEN_GBIT)));
            }
            prediction.add(cells);
        }
        return "Predicted epoch time (efficiency) for a full epoch at 10 Gbit/s:\n\n"
                + Markdown.table(header, prediction)
                + "\n![predicted scaling efficiency](" + ctx.figuresDir().getFileName() + "/" + plot.getFileName()
                + ")\n";
    }

    /** The predicted efficiency of {@code rows}; with none, no plot (an older one is removed). */
    static void chart(List<Row> rows, Path file) {
        if (rows.isEmpty()) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException e) {
                throw sparktrain.worker.SparktrainException.usage(file + ": cannot remove the old plot (" + e.getMessage() + ")");
            }
            return;
        }
        XYChart chart = new XYChartBuilder().width(800).height(500)
                .title("Predicted scaling efficiency, full Fashion-MNIST epoch, 10 Gbit/s")
                .xAxisTitle("executors").yAxisTitle("efficiency T(1) / (n T(n))").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.05);
        double[] x = new double[EXECUTORS.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = EXECUTORS[i];
        }
        for (Row r : rows) {
            Workload full = r.measured().withSamples(CommunicationPart.FULL_EPOCH);
            double[] y = new double[EXECUTORS.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = CostModel.efficiency(r.mode(), full, r.calibration(), EXECUTORS[i], CostModel.TEN_GBIT);
            }
            chart.addSeries(r.model() + ", " + r.mode().label(), x, y);
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] png = BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
            sparktrain.worker.io.HadoopFiles.writeAtomically(
                    sparktrain.worker.io.HadoopFiles.path(file.toAbsolutePath().toString()), out -> out.write(png));
        } catch (IOException e) {
            throw sparktrain.worker.SparktrainException.usage(file + ": cannot write the plot (" + e.getMessage() + ")");
        }
    }
}
