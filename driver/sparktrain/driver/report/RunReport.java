package sparktrain.driver.report;

import sparktrain.worker.report.Charts;
import sparktrain.worker.report.Report;

import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.api.Model;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.training.Session;
import sparktrain.worker.training.EpochStats;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A training run's report.html: the key facts, loss and validation metric per epoch, epoch time and
 * throughput, the test metrics, what the task adds (confusion matrix, sample, forecasts) and, when
 * collected, DL4J's per-phase training stats.
 *
 * @param strategy the training strategy's description
 * @param wallSeconds from the start of the command to the report (this session's, on a resumed run)
 * @param phases DL4J's training stats; empty when not collected
 */
public record RunReport(JobConfig job, String master, int workers, String strategy, long parameters,
                        List<EpochStats> history, String metric, int bestEpoch, boolean stoppedEarly,
                        Map<String, Object> test, double wallSeconds, boolean resumed, PhaseTimes phases) {

    public Report build(Session session, Model network) {
        Report report = new Report("sparktrain: " + job.name());
        report.facts(facts());

        report.section("Test metrics");
        Map<String, Object> numbers = new LinkedHashMap<>();
        test.forEach((k, v) -> {
            if (v instanceof Number n) {
                numbers.put(k, v instanceof Double ? String.format(Locale.ROOT, "%.4f", n.doubleValue()) : v);
            }
        });
        report.facts(numbers);

        report.section("Training");
        if (history.isEmpty()) {
            report.paragraph("no epoch was trained");
        } else {
            report.chart("loss", Charts.loss(history), "training loss (on training.loss-sample examples, after each"
                    + " epoch) and validation loss");
            if (history.stream().anyMatch(s -> Double.isFinite(s.validationMetric()))) {
                report.chart("validation", Charts.validationMetric(history, metric), "validation " + metric
                        + (bestEpoch > 0 ? ", best in epoch " + bestEpoch : ""));
            }
            report.chart("epoch-seconds", Charts.epochSeconds(history), "wall time of each epoch's training");
            report.chart("throughput", Charts.throughput(history), "training samples per second");
            report.html(historyTable());
        }

        session.report(report, network, test);

        if (job.monitor().collectStats()) {
            report.section("Where the time went (DL4J training stats)");
            if (phases.millisByWorker().isEmpty()) {
                report.paragraph("training.collect-stats = true, but the training master collected nothing: DL4J's"
                        + " SharedTrainingMaster (training.mode = sharing) keeps no training stats; parameter averaging does");
            } else {
                report.chart("phases", phases.chart(), "seconds per phase, summed over " + phases.masters()
                        + " epoch(s). Driver: creating the broadcast, counting and splitting the data, each averaging"
                        + " round's Spark job (which includes the workers' fitting) with its aggregation, applying the"
                        + " averaged parameters. Each worker thread: getting the broadcast, initialising, waiting for"
                        + " data, fitting");
                report.html(phaseTable());
            }
        }
        return report;
    }

    /** Builds the report and writes it, with its images, into {@code directory}. */
    public Path write(Path directory, Session session, Model network) {
        return build(session, network).writeTo(directory);
    }

    private Map<String, Object> facts() {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("job", job.name());
        f.put("model", job.model().type() + String.format(Locale.ROOT, " (%,d parameters)", parameters));
        f.put("data", job.data().type() + " " + job.data().path());
        f.put("mode", job.training().mode() + ": " + strategy);
        f.put("master", master);
        f.put("workers", workers);
        f.put("epochs", history.size() + " of " + job.training().epochs() + (stoppedEarly ? " (stopped early)" : ""));
        if (!history.isEmpty() && bestEpoch > 0) {
            f.put("best epoch", bestEpoch + String.format(Locale.ROOT, " (validation %s %.4f)", metric,
                    history.get(bestEpoch - 1).validationMetric()));
        }
        f.put("test", test.entrySet().stream().filter(e -> e.getValue() instanceof Double)
                .map(e -> e.getKey() + " " + String.format(Locale.ROOT, "%.4f", (Double) e.getValue()))
                .reduce((a, b) -> a + ", " + b).orElse("-"));
        double training = history.stream().mapToDouble(EpochStats::seconds).sum();
        f.put("wall time", String.format(Locale.ROOT, "%.1f s%s (training %.1f s over all epochs)", wallSeconds,
                resumed ? " since the resume" : "", training));
        f.put("optimiser", String.format(Locale.ROOT, "%s, learning rate %s, batch %d per worker", job.training().updater(),
                job.training().learningRate(), job.training().batchSize()));
        f.put("seed", job.seed());
        return f;
    }

    private String historyTable() {
        StringBuilder t = new StringBuilder("<table>\n<tr><th>epoch</th><th>samples</th><th>seconds</th><th>samples/s</th>"
                + "<th>training loss</th><th>validation loss</th><th>validation " + Report.escape(metric) + "</th></tr>\n");
        for (EpochStats s : history) {
            t.append(String.format(Locale.ROOT, "<tr><td class=\"num\">%d</td><td class=\"num\">%d</td><td class=\"num\">%.1f</td>"
                            + "<td class=\"num\">%.0f</td><td class=\"num\">%.4f</td><td class=\"num\">%s</td><td class=\"num\">%s</td></tr>\n",
                    s.epoch(), s.samples(), s.seconds(), s.samplesPerSecond(), s.trainLoss(),
                    number(s.validationLoss()), number(s.validationMetric())));
        }
        return t.append("</table>").toString();
    }

    private String phaseTable() {
        StringBuilder t = new StringBuilder("<table>\n<tr><th>DL4J stat</th><th>events</th><th>total seconds</th><th>mean ms</th></tr>\n");
        phases.byKey().forEach((key, v) -> t.append(String.format(Locale.ROOT,
                "<tr><td>%s</td><td class=\"num\">%d</td><td class=\"num\">%.2f</td><td class=\"num\">%.1f</td></tr>\n",
                Report.escape(key), v[0], v[1] / 1000.0, v[0] == 0 ? 0.0 : (double) v[1] / v[0])));
        return t.append("</table>").toString();
    }

    private static String number(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.4f", v) : "-";
    }
}
