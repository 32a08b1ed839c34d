package sparktrain.driver.sweep;

import sparktrain.worker.sweep.TrialRunner;

import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigSyntax;
import com.typesafe.config.ConfigValue;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.worker.ExitCode;
import sparktrain.worker.FatalErrors;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.JobFiles;
import sparktrain.driver.sweep.SweepConfig;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.driver.EvaluateJob;
import sparktrain.driver.SparkContexts;
import sparktrain.driver.training.TrainingSession;
import sparktrain.worker.output.Metrics;
import sparktrain.driver.doctor.Doctor;
import sparktrain.worker.output.RunOutputs;
import sparktrain.driver.progress.JobNames;
import sparktrain.driver.stall.StallWatchdog;
import sparktrain.worker.training.Watch;
import sparktrain.driver.report.SweepReport;
import sparktrain.worker.tasks.Tasks;
import sparktrain.worker.training.EpochStats;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * {@code sparktrain sweep}: plans every trial (and rejects a bad sweep before any training), then trains them
 * trial-parallel (one Spark task per trial segment) or distributed (one data-parallel Spark training per
 * segment), with ASHA promoting the better ones from rung to rung ({@link Asha}), writing each finished trial's
 * row to trials.csv. At the end the trials still waiting at a rung are recorded as paused, and the best trial is
 * measured on the test set and copied to best/.
 */
public final class SweepJob {
    private static final Logger log = LoggerFactory.getLogger(SweepJob.class);
    public static final String SWEEP_CONF = "sweep.conf";
    public static final String PLAN = "plan.json";
    public static final String SWEEP_JSON = "sweep.json";
    public static final String TRIALS = "trials";
    public static final String BEST = "best";
    static final String TRIAL_RESULT = "trial.json";

    private SweepJob() {
    }

    /** A trial with its job file as resolved HOCON: what plan.json holds, so a resumed sweep runs the same trials. */
    record Planned(Trial trial, String jobHocon, int epochs) {
    }

    record PlanEntry(String id, Map<String, String> values, String job) {
    }

    /** A finished trial, as trial.json in its run directory holds it. */
    record Final(String status, double metric, int epochs, double seconds, String reason) {
    }

    public record Outcome(String directory, int trials, Map<String, Integer> statuses, String best, String bestValues,
                          String metric, double bestMetric, Map<String, Object> test, int epochsRun, int epochBudget) {
        public String summary() {
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "trials %d: %s; %d of %d epochs trained%n", trials,
                    statuses.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                            .collect(java.util.stream.Collectors.joining(", ")), epochsRun, epochBudget));
            if (best != null) {
                s.append(String.format(Locale.ROOT, "best %s (%s): %s %.4f; test %s%n", best, bestValues, metric,
                        bestMetric, Metrics.summary(test)));
            }
            return s.append("outputs ").append(directory).toString();
        }
    }

    /** The metric trials are ranked by: validation.loss or the task's own validation metric. */
    record Ranking(String name, boolean higherIsBetter, boolean loss) {
        double value(EpochStats stats) {
            return loss ? stats.validationLoss() : stats.validationMetric();
        }

        /** The best value over the first {@code epochs} epochs; NaN when there is none. */
        double best(List<EpochStats> history, int epochs) {
            double best = Double.NaN;
            for (EpochStats s : history.subList(0, Math.min(epochs, history.size()))) {
                double v = value(s);
                if (!Double.isNaN(v) && (Double.isNaN(best) || (higherIsBetter ? v > best : v < best))) {
                    best = v;
                }
            }
            return best;
        }
    }

    public static Outcome run(SweepConfig sweep, String master, String output) {
        return run(sweep, master, output, false);
    }

    /** @param doctor first run the checks of {@code sparktrain doctor} for the base job */
    public static Outcome run(SweepConfig sweep, String master, String output, boolean doctor) {
        List<Planned> plan = plan(sweep);
        String location = output != null ? output : !sweep.outputDir().isBlank() ? sweep.outputDir()
                : "runs/sweep-" + JobFiles.parse(plan.get(0).jobHocon(), "trial", List.of()).name() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        if (doctor) {
            Doctor.preflight(JobFiles.parse(plan.get(0).jobHocon(), "trial", List.of()), master, location);
        }
        RunOutputs dir = RunOutputs.create(location);
        dir.writeText(SWEEP_CONF, sweep.resolvedHocon());
        dir.writeJson(PLAN, plan.stream().map(p -> new PlanEntry(p.trial().id(), rendered(p.trial()), p.jobHocon())).toList());
        Ranking ranking = ranking(sweep, JobFiles.parse(plan.get(0).jobHocon(), "trial", List.of()));
        log.info("sweep: {} trials, {}, best {} is {}, {}; base {}", plan.size(), sweep.strategy(), ranking.name(),
                ranking.higherIsBetter() ? "highest" : "lowest", sweep.asha() == null ? "no early termination"
                        : "ASHA from epoch " + sweep.asha().graceEpochs() + ", promoting the top 1/"
                        + sweep.asha().reductionFactor() + " of each rung", sweep.base());
        return execute(sweep, plan, dir, master);
    }

    /** Runs the trials of the sweep in {@code directory} that did not finish; finished ones stay as they are. */
    public static Outcome resume(String directory, String master) {
        RunOutputs dir = RunOutputs.openToResume(directory, SWEEP_CONF, "sweep");
        String conf = HadoopFiles.readText(dir.file(SWEEP_CONF).toString(), "sweep.conf of --resume " + directory);
        SweepConfig sweep = SweepConfig.from(ConfigFactory.parseString(conf, ConfigParseOptions.defaults()
                .setSyntax(ConfigSyntax.CONF).setOriginDescription(directory + "/" + SWEEP_CONF)),
                directory + "/" + SWEEP_CONF, List.of());
        List<Planned> plan = new ArrayList<>();
        try {
            PlanEntry[] entries = TrialRunner.JSON.readValue(HadoopFiles.readText(dir.file(PLAN).toString(),
                    "plan.json of --resume " + directory), PlanEntry[].class);
            for (PlanEntry e : entries) {
                Map<String, ConfigValue> values = new LinkedHashMap<>();
                e.values().forEach((k, v) -> values.put(k, ConfigFactory.parseString("v = " + v).getValue("v")));
                plan.add(new Planned(new Trial(e.id(), values), e.job(),
                        JobFiles.parse(e.job(), "trial " + e.id(), List.of()).training().epochs()));
            }
        } catch (IOException e) {
            throw SparktrainException.usage("--resume " + directory + ": unreadable " + PLAN + ": " + e.getMessage());
        }
        return execute(sweep, plan, dir, master);
    }

    /**
     * Every trial's job file, validated before anything trains: a bad value in any trial is a usage error
     * naming the trial and the key; one every trial shares (the base job or a --set) is named once.
     */
    static List<Planned> plan(SweepConfig sweep) {
        List<Trial> trials = SearchSpace.trials(sweep);
        List<Planned> plan = new ArrayList<>();
        Map<String, List<Trial>> trialsByProblem = new LinkedHashMap<>();
        for (Trial trial : trials) {
            List<String> sets = new ArrayList<>(sweep.jobSets());
            sets.addAll(trial.overrides());
            try {
                JobConfig job = JobFiles.load(sweep.base(), sets);
                ranking(sweep, job);
                plan.add(new Planned(trial, job.resolvedHocon(), job.training().epochs()));
            } catch (SparktrainException e) {
                if (e.exitCode() != ExitCode.USAGE) {
                    throw e;
                }
                e.problems().forEach(p -> trialsByProblem.computeIfAbsent(p, k -> new ArrayList<>()).add(trial));
            }
        }
        List<String> problems = new ArrayList<>();
        Set<String> ofTheBase = trialsByProblem.isEmpty() ? Set.of() : problemsWithoutTrialValues(sweep);
        trialsByProblem.forEach((problem, failed) -> {
            if (ofTheBase.contains(problem) && failed.size() == trials.size()) {
                problems.add(problem);
                return;
            }
            // the trial's values reach the job file as --set overrides: name the trial instead
            String message = problem.startsWith("--set: ") ? problem.substring("--set: ".length()) : problem;
            failed.forEach(t -> problems.add(sweep.origin() + ": trial " + t.id() + " (" + t.describe() + "): " + message));
        });
        if (!problems.isEmpty()) {
            List<String> shown = new ArrayList<>(problems.subList(0, Math.min(5, problems.size())));
            if (problems.size() > 5) {
                shown.add("and " + (problems.size() - 5) + " more");
            }
            throw new SparktrainException(ExitCode.USAGE, shown);
        }
        return plan;
    }

    /** The problems of the base job with the --set values alone: every trial has them, named once. */
    private static Set<String> problemsWithoutTrialValues(SweepConfig sweep) {
        try {
            ranking(sweep, JobFiles.load(sweep.base(), sweep.jobSets()));
            return Set.of();
        } catch (SparktrainException e) {
            return e.exitCode() == ExitCode.USAGE ? Set.copyOf(e.problems()) : Set.of();
        }
    }

    static Ranking ranking(SweepConfig sweep, JobConfig job) {
        Tasks.Metric task = Tasks.metric(job);
        String name = sweep.metric().isEmpty() ? "validation." + task.name() : sweep.metric();
        boolean loss = name.equals("validation.loss");
        if (!loss && !name.equals("validation." + task.name())) {
            throw SparktrainException.usage(sweep.origin() + ": metric = " + name + ": data.type " + job.data().type()
                    + " reports validation." + task.name() + " and validation.loss");
        }
        boolean higher = sweep.goal().isEmpty() ? !loss && task.higherIsBetter() : sweep.goal().equals("max");
        return new Ranking(name, higher, loss);
    }

    private static Map<String, String> rendered(Trial trial) {
        Map<String, String> out = new LinkedHashMap<>();
        trial.values().forEach((k, v) -> out.put(k, v.render(ConfigRenderOptions.concise())));
        return out;
    }

    /** Where a trial stands on the driver. */
    private static final class Progress {
        final Planned planned;
        List<EpochStats> history;
        double seconds;

        Progress(Planned planned, List<EpochStats> history) {
            this.planned = planned;
            this.history = history;
            this.seconds = history.stream().mapToDouble(EpochStats::seconds).sum();
        }

        String id() {
            return planned.trial().id();
        }
    }

    /**
     * The trials of a sweep and what is left to train: trials that were training (resumed, or just promoted) go
     * first, then ASHA's best promotable trial, then new trials in plan order.
     */
    private static final class Queue {
        final Map<String, Progress> trials = new LinkedHashMap<>();
        final Deque<Progress> started = new ArrayDeque<>();
        final Deque<Progress> fresh = new ArrayDeque<>();
        final Map<String, Final> finals = new TreeMap<>();
        final Asha asha;
        final RungsFile rungs;

        Queue(Asha asha, RungsFile rungs) {
            this.asha = asha;
            this.rungs = rungs;
        }

        /** The next trial to train, or null; a promotion is recorded in rungs.csv before its trial trains. */
        Progress next(Set<String> running) {
            if (!started.isEmpty()) {
                return started.pollFirst();
            }
            if (asha != null) {
                Optional<Asha.Event> up = asha.next(id -> !finals.containsKey(id) && !running.contains(id));
                if (up.isPresent()) {
                    Asha.Event e = up.get();
                    log.info("ASHA promotes trial {} from epoch {} ({})", e.trial(), e.rung(), asha.standing(e.trial(), e.rung()));
                    asha.promote(e.trial(), e.rung());
                    rungs.write(asha.events());
                    return trials.get(e.trial());
                }
            }
            return fresh.pollFirst();
        }

        boolean hasWork() {
            return !started.isEmpty() || !fresh.isEmpty()
                    || (asha != null && asha.next(id -> !finals.containsKey(id)).isPresent());
        }
    }

    private static Outcome execute(SweepConfig sweep, List<Planned> plan, RunOutputs dir, String master) {
        long begin = System.nanoTime();
        JobConfig base = JobFiles.parse(plan.get(0).jobHocon(), "trial " + plan.get(0).trial().id(), List.of());
        Ranking ranking = ranking(sweep, base);
        TrialsTable table = new TrialsTable(dir.directory(), sweep.keys());
        table.load();
        Asha asha = sweep.asha() == null ? null
                : new Asha(sweep.asha().graceEpochs(), sweep.asha().reductionFactor(), ranking.higherIsBetter());
        Queue queue = new Queue(asha, new RungsFile(dir.directory()));
        if (asha != null) {
            queue.rungs.replay(asha);
        }
        int recorded = asha == null ? 0 : asha.events().size();
        Map<String, Final> earlier = new HashMap<>();
        for (Planned p : plan) {
            // every trial.json read before anything is written: an unreadable one stops the sweep here
            Final done = readFinal(dir, trialDirectory(dir, p.trial().id()));
            if (done != null) {
                earlier.put(p.trial().id(), done);
            }
        }
        for (Planned p : plan) {
            Path trialDir = trialDirectory(dir, p.trial().id());
            Final done = earlier.get(p.trial().id());
            Progress progress = new Progress(p, readHistoryQuietly(new Path(trialDir, RunOutputs.HISTORY)));
            queue.trials.put(p.trial().id(), progress);
            if (done != null) {
                queue.finals.put(p.trial().id(), done);
                if (!table.has(p.trial().id())) {
                    table.add(p.trial(), done.status(), done.metric(), done.epochs(), done.seconds(), done.reason());
                }
            } else if (progress.history.isEmpty()) {
                queue.fresh.add(progress);
            } else if (asha == null || !waiting(asha, catchUp(asha, progress, ranking), progress)) {
                queue.started.add(progress);
            }
        }
        if (asha != null && asha.events().size() > recorded) {
            // rungs a trial reached after the last record (killed at a rung, or a sweep from before rungs.csv): in
            // plan order, after every recorded one
            queue.rungs.write(asha.events());
        }
        if (!queue.finals.isEmpty()) {
            log.info("resuming: {} of {} trials finished earlier", queue.finals.size(), plan.size());
        }
        // a fatal error on another thread names how to go on
        FatalErrors.resumeHint(() -> "finished trials are kept: continue the sweep with sweep --resume " + dir.location());
        try (JavaSparkContext sc = SparkContexts.start(base, master);
             SweepData data = new SweepData(sc, dir.directory())) {
            if (queue.hasWork()) {
                train(sweep, dir, sc, data, queue, ranking, table);
            }
            for (Progress p : queue.trials.values()) {
                if (!queue.finals.containsKey(p.id())) {
                    if (asha == null) {
                        throw new IllegalStateException("trial " + p.id() + " neither finished nor waits at a rung");
                    }
                    // the search is over: what waits at a rung was never promoted
                    int rung = p.history.size();
                    queue.finals.put(p.id(), finish(dir, table, p, ranking, "paused", "ASHA: waiting at epoch " + rung
                            + " (" + asha.standing(p.id(), rung) + ")"));
                }
            }
            return conclude(sweep, plan, dir, ranking, queue.finals, asha, (System.nanoTime() - begin) / 1e9, sc, data);
        }
    }

    /**
     * Records the rungs an unfinished trial's history reached that rungs.csv lacks: its metric at each, and a
     * promotion from each it trained past. Returns the highest rung it reached, 0 if none.
     */
    private static int catchUp(Asha asha, Progress p, Ranking ranking) {
        int highest = 0;
        for (int rung = 1; rung <= p.history.size(); rung++) {
            if (asha.isRung(rung, p.planned.epochs())) {
                if (!asha.arrived(p.id(), rung)) {
                    asha.arrive(p.id(), rung, ranking.value(p.history.get(rung - 1)));
                }
                if (p.history.size() > rung && !asha.promoted(p.id(), rung)) {
                    asha.promote(p.id(), rung);
                }
                highest = rung;
            }
        }
        return highest;
    }

    /** Whether the trial waits at a rung for a promotion (else it was promoted and is on its way to the next). */
    private static boolean waiting(Asha asha, int rung, Progress p) {
        return rung > 0 && rung == p.history.size() && !asha.promoted(p.id(), rung);
    }

    private static void train(SweepConfig sweep, RunOutputs dir, JavaSparkContext sc, SweepData data, Queue queue,
                              Ranking ranking, TrialsTable table) {
        boolean trialParallel = sweep.strategy().equals("trial-parallel");
        int parallelism = sweep.parallelism() > 0 ? sweep.parallelism() : trialParallel ? sc.defaultParallelism() : 1;
        JobConfig base = JobFiles.parse(queue.trials.values().iterator().next().planned.jobHocon(), "trial", List.of());
        int threads = base.training().threadsPerWorker() > 0 ? base.training().threadsPerWorker()
                : sc.isLocal() ? Math.max(1, Runtime.getRuntime().availableProcessors() / parallelism) : 1;
        log.info("sweep: {} trials to start, {} to continue, {} at a time{}", queue.fresh.size(), queue.started.size(),
                parallelism, trialParallel ? ", " + threads + " ND4J thread(s) each" : "");
        Asha asha = queue.asha;
        ExecutorService pool = Executors.newFixedThreadPool(parallelism);
        ExecutorCompletionService<TrialRunner.Result> results = new ExecutorCompletionService<>(pool);
        Map<String, Progress> running = new HashMap<>();
        try {
            while (true) {
                while (running.size() < parallelism) {
                    Progress p = queue.next(running.keySet());
                    if (p == null) {
                        break;
                    }
                    int until = asha == null ? p.planned.epochs() : asha.nextStop(p.history.size(), p.planned.epochs());
                    TrialRunner.Segment segment = new TrialRunner.Segment(p.id(), p.planned.jobHocon(),
                            trialDirectory(dir, p.id()).toString(), until, threads);
                    String description = String.format("sweep trial %s (%s): epochs %d-%d", p.id(),
                            p.planned.trial().describe(), p.history.size() + 1, until);
                    running.put(p.id(), p);
                    results.submit(() -> runSegment(sc, data, segment, description, trialParallel));
                }
                if (running.isEmpty()) {
                    break;
                }
                TrialRunner.Result r = results.take().get();
                Progress p = running.remove(r.trial());
                p.history = r.history();
                p.seconds += r.seconds();
                int epochs = p.history.size();
                if (r.failure() != null) {
                    queue.finals.put(p.id(), finish(dir, table, p, ranking, "failed", r.failure()));
                } else if (r.finished()) {
                    queue.finals.put(p.id(), finish(dir, table, p, ranking, "done", null));
                } else if (asha != null && asha.isRung(epochs, p.planned.epochs())) {
                    double metric = ranking.value(p.history.get(epochs - 1));
                    asha.arrive(p.id(), epochs, metric);
                    queue.rungs.write(asha.events());
                    log.info("trial {} reached epoch {} with {} {} ({}): waits for a promotion", p.id(), epochs,
                            ranking.name(), String.format(Locale.ROOT, "%.4f", metric), asha.standing(p.id(), epochs));
                } else {
                    queue.started.addFirst(p);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("sweep interrupted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("sweep scheduler failed: " + e.getCause().getMessage(), e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * One segment, as a one-task Spark job (trial-parallel) or a data-parallel training from this thread. Either is
     * watched for stalls: a stalled trial fails with the watchdog's reason and the sweep goes on.
     */
    private static TrialRunner.Result runSegment(JavaSparkContext sc, SweepData data, TrialRunner.Segment segment,
                                                 String description, boolean trialParallel) {
        sc.setJobGroup("sweep-" + segment.trial(), description, true);
        sc.setLocalProperty(JobNames.TRIAL_PROPERTY, segment.trial());
        log.info("{}", description);
        Watch watch = Watch.NONE;
        try {
            if (trialParallel) {
                JobConfig job = JobFiles.parse(segment.jobHocon(), "trial " + segment.trial(), List.of());
                String json = TrialRunner.JSON.writeValueAsString(
                        segment.withData(data.data(job).task(job), data.prepared(job, new Path(segment.runDirectory()))));
                CollectionAccumulator<String> steps = sc.sc().collectionAccumulator("sparktrain: trial " + segment.trial());
                watch = StallWatchdog.start(sc, job.monitor(), new Path(segment.runDirectory()), steps.id());
                String result = sc.parallelize(List.of(json), 1).map(new TrialRunner.OnExecutor(steps)).collect().get(0);
                return TrialRunner.JSON.readValue(result, TrialRunner.Result.class);
            }
            return TrialRunner.run(segment, job -> TrainingSession.open(job, sc, data.data(job)));
        } catch (Exception e) { // IOException, and Spark's SparkException, which Scala throws unchecked
            // the executor died (out of memory, killed) more often than Spark retries, Spark itself failed, or the
            // trial stalled and its job was cancelled
            Throwable root = watch.stalled() != null ? watch.stalled() : e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return new TrialRunner.Result(segment.trial(), readHistoryQuietly(new Path(segment.runDirectory(),
                    RunOutputs.HISTORY)), true, TrialRunner.oneLine(root), 0);
        } finally {
            watch.close();
        }
    }

    private static Final finish(RunOutputs dir, TrialsTable table, Progress p, Ranking ranking, String status, String reason) {
        Final f = new Final(status, ranking.best(p.history, p.history.size()), p.history.size(), p.seconds, reason);
        Path trialDir = trialDirectory(dir, p.id());
        try {
            HadoopFiles.writeAtomically(new Path(trialDir, TRIAL_RESULT), TrialRunner.JSON.writeValueAsString(f));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + trialDir + "/" + TRIAL_RESULT + ": " + e.getMessage(), e);
        }
        table.add(p.planned.trial(), status, f.metric(), f.epochs(), f.seconds(), reason);
        log.info("trial {} {} after {} epochs ({}): {} {}{}", p.id(), status, f.epochs(), p.planned.trial().describe(),
                ranking.name(), String.format(Locale.ROOT, "%.4f", f.metric()), reason == null ? "" : "; " + reason);
        return f;
    }

    private static Outcome conclude(SweepConfig sweep, List<Planned> plan, RunOutputs dir, Ranking ranking,
                                    Map<String, Final> finals, Asha asha, double seconds, JavaSparkContext sc,
                                    SweepData data) {
        Planned best = null;
        for (Planned p : plan) {
            Final f = finals.get(p.trial().id());
            if (f != null && !f.status().equals("failed") && !Double.isNaN(f.metric())
                    && (best == null || better(ranking, f.metric(), finals.get(best.trial().id()).metric()))) {
                best = p;
            }
        }
        Map<String, Object> test = Map.of();
        if (best != null) {
            test = saveBest(dir, best, finals.get(best.trial().id()), ranking, sc, data);
        }
        Map<String, Integer> statuses = new TreeMap<>();
        finals.values().forEach(f -> statuses.merge(f.status(), 1, Integer::sum));
        int epochsRun = finals.values().stream().mapToInt(Final::epochs).sum();
        int budget = plan.stream().mapToInt(Planned::epochs).sum();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("base", sweep.base());
        json.put("strategy", sweep.strategy());
        json.put("metric", ranking.name());
        json.put("goal", ranking.higherIsBetter() ? "max" : "min");
        json.put("keys", sweep.keys());
        for (String part : List.of("grid", "random", "early-termination", "parallelism")) {
            json.put(part, sweep.resolved().getValue(part).unwrapped());
        }
        json.put("trials", plan.size());
        json.put("statuses", statuses);
        if (asha != null) {
            List<Map<String, Integer>> rungs = new ArrayList<>();
            asha.summary().forEach((epoch, counts) -> rungs.add(Map.of("epoch", epoch, "reached", counts[0],
                    "promoted", counts[1])));
            json.put("rungs", rungs);
        }
        json.put("epochsRun", epochsRun);
        json.put("epochBudget", budget);
        json.put("seconds", seconds);
        json.put("finishedAt", Instant.now().toString());
        if (best != null) {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("trial", best.trial().id());
            b.put("values", rendered(best.trial()));
            b.put(ranking.name(), finals.get(best.trial().id()).metric());
            b.put("test", test);
            json.put("best", b);
        }
        dir.writeJson(SWEEP_JSON, json);
        try {
            log.info("report: {}", SweepReport.write(dir.directory().toString()));
        } catch (RuntimeException | LinkageError e) {
            log.warn("report.html not written: {}: {}", e.getClass().getSimpleName(), e.getMessage());
        }
        return new Outcome(dir.directory().toString(), plan.size(), statuses, best == null ? null : best.trial().id(),
                best == null ? null : best.trial().describe(), ranking.name(),
                best == null ? Double.NaN : finals.get(best.trial().id()).metric(), test, epochsRun, budget);
    }

    private static boolean better(Ranking ranking, double a, double b) {
        return ranking.higherIsBetter() ? a > b : a < b;
    }

    /** The best trial's model measured on the test set, with its files, in best/ (replaced whole). */
    private static Map<String, Object> saveBest(RunOutputs dir, Planned best, Final result, Ranking ranking,
                                                JavaSparkContext sc, SweepData data) {
        JobConfig job = JobFiles.parse(best.jobHocon(), "trial " + best.trial().id(), List.of());
        Path trialDir = trialDirectory(dir, best.trial().id());
        Model model = RunOutputs.readModel(new Path(trialDir, RunOutputs.MODEL).toString());
        Map<String, Object> test;
        try (TrainingSession session = TrainingSession.open(job, sc, data.data(job))) {
            test = session.test(model);
        }
        log.info("best trial {} ({}): {} {}; test {}", best.trial().id(), best.trial().describe(), ranking.name(),
                String.format(Locale.ROOT, "%.4f", result.metric()), Metrics.summary(test));
        Path target = dir.file(BEST);
        Path tmp = dir.file(".tmp-best-" + UUID.randomUUID());
        FileSystem fs = HadoopFiles.fileSystem(target);
        try {
            RunOutputs out = RunOutputs.create(tmp.toString());
            for (String name : List.of(RunOutputs.MODEL, RunOutputs.JOB, RunOutputs.HISTORY)) {
                FileUtil.copy(fs, new Path(trialDir, name), fs, out.file(name), false, fs.getConf());
            }
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("trial", best.trial().id());
            metrics.put("values", rendered(best.trial()));
            metrics.put("test", test);
            metrics.put(ranking.name(), result.metric());
            metrics.put("epochs", result.epochs());
            out.writeJson(RunOutputs.METRICS, metrics);
            data.data(job).task(job).besideModel().forEach(out::writeText);
            if (fs.exists(target)) {
                fs.delete(target, true);
            }
            if (!fs.rename(tmp, target)) {
                throw new IOException("cannot rename " + tmp + " to " + target);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        return test;
    }

    static Path trialDirectory(RunOutputs dir, String trial) {
        return new Path(dir.file(TRIALS), trial);
    }

    /** A finished trial's trial.json; null if it has none. One that cannot be read is a usage error naming it. */
    private static Final readFinal(RunOutputs dir, Path trialDir) {
        Path file = new Path(trialDir, TRIAL_RESULT);
        if (!HadoopFiles.exists(file.toString())) {
            return null;
        }
        try {
            Final f = TrialRunner.JSON.readValue(HadoopFiles.readText(file.toString(), "trial result"), Final.class);
            if (f == null || f.status() == null) {
                throw new IOException("no status");
            }
            return f;
        } catch (IOException e) {
            throw SparktrainException.usage(file + ": not a trial result (" + e.getMessage().lines().findFirst().orElse("")
                    + "); the sweep in " + dir.directory() + " cannot tell whether that trial finished: restore the file,"
                    + " or delete it to have --resume finish the trial from its checkpoint");
        }
    }

    private static List<EpochStats> readHistoryQuietly(Path historyCsv) {
        try {
            return HadoopFiles.exists(historyCsv.toString()) ? RunOutputs.readHistory(historyCsv) : List.of();
        } catch (IOException | RuntimeException e) {
            log.warn("cannot read {}: {}", historyCsv, e.getMessage());
            return List.of();
        }
    }
}
