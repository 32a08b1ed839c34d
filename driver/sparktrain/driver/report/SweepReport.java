package sparktrain.driver.report;

import sparktrain.worker.report.Charts;
import sparktrain.worker.report.Report;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.hadoop.fs.Path;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.io.HadoopFiles;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A sweep's report.html: a leaderboard of its trials (click a column to sort) and the metric plotted
 * against each swept key. Reads {@code dir/trials.csv} (header {@code trial,<key>...,status,metric,epochs,
 * seconds,reason}) and {@code dir/sweep.json} ({@code metric}, {@code goal} max|min, {@code keys},
 * {@code strategy}, {@code best.trial}), both as the sweep command writes them.
 */
public final class SweepReport {
    public static final String TRIALS = "trials.csv";
    public static final String SWEEP = "sweep.json";
    static final List<String> FIXED = List.of("trial", "status", "metric", "epochs", "seconds", "reason");
    static final List<String> STATUSES = List.of("done", "stopped", "running", "failed");

    private static final String SORT_SCRIPT = """
            document.querySelectorAll('table.sortable th').forEach((th, column) => th.addEventListener('click', () => {
              const table = th.closest('table'), body = table.tBodies[0];
              const up = th.dataset.order !== 'asc';
              table.querySelectorAll('th').forEach(h => delete h.dataset.order);
              th.dataset.order = up ? 'asc' : 'desc';
              const key = row => { const c = row.cells[column]; return c.dataset.value !== undefined ? c.dataset.value : c.textContent; };
              const rows = [...body.rows].sort((a, b) => {
                const x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
                if (x === '' || y === '') return (x === '') - (y === '');
                const order = !isNaN(nx) && !isNaN(ny) ? nx - ny : x.localeCompare(y);
                return up ? order : -order;
              });
              rows.forEach(r => body.appendChild(r));
            }));
            """;
    /**
     * The leaderboard is as wide as the page, and its reasons take the width the other columns leave, cut to two lines
     * (the whole text on hover): it fits a 1280 px window.
     */
    private static final String TABLE_STYLE = "<style>table.sortable th{cursor:pointer;user-select:none}"
            + "table.sortable th[data-order=asc]::after{content:' \\25B2'}table.sortable th[data-order=desc]::after{content:' \\25BC'}"
            + "tr.best td{background:#e8f5e9;font-weight:600}td.failed{color:#b00020}"
            + "table.sortable{width:100%}table.sortable td,table.sortable th{padding:.3rem .5rem}td.reason{width:100%;max-width:0}"
            + "td.reason div{display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:2;line-clamp:2;overflow:hidden}</style>";
    /** Significant digits of the swept values and of the metric. */
    static final int VALUE_DIGITS = 3;
    static final int METRIC_DIGITS = 4;

    private SweepReport() {
    }

    /** One trial: its id, its value of each swept key, and the columns the sweep fills in. */
    record Trial(String id, Map<String, String> values, String status, Double metric, String epochs, String seconds,
                 String reason) {
    }

    /** Reads dir/trials.csv and dir/sweep.json and writes dir/report.html with its charts; returns the page. */
    public static Path write(String dir) {
        Path directory = HadoopFiles.path(dir);
        Map<String, Object> sweep = readSweep(dir);
        List<String> keys = stringList(sweep.get("keys"));
        List<Trial> trials = readTrials(dir, HadoopFiles.readText(new Path(directory, TRIALS).toString(), "sweep trials"), keys);
        return build(sweep, keys, trials).writeTo(directory);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> readSweep(String dir) {
        String location = new Path(HadoopFiles.path(dir), SWEEP).toString();
        try {
            return new ObjectMapper().readValue(HadoopFiles.readText(location, "sweep description"), Map.class);
        } catch (IOException e) {
            throw SparktrainException.badData(location + ": not valid JSON (" + e.getMessage().lines().findFirst().orElse("")
                    + "); expected {\"metric\": ..., \"goal\": \"max\"|\"min\", \"keys\": [...], ...}");
        }
    }

    private static List<String> stringList(Object value) {
        List<String> out = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(v -> out.add(String.valueOf(v)));
        }
        return out;
    }

    static List<Trial> readTrials(String location, String csv, List<String> sweptKeys) {
        List<List<String>> rows = Csv.parse(csv);
        if (rows.isEmpty()) {
            throw SparktrainException.badData(location + "/" + TRIALS + ": empty; expected the header "
                    + "trial,<swept keys>,status,metric,epochs,seconds,reason");
        }
        List<String> header = rows.get(0);
        for (String column : FIXED) {
            if (!header.contains(column)) {
                throw SparktrainException.badData(location + "/" + TRIALS + ": the header " + String.join(",", header)
                        + " lacks the column " + column + "; expected trial,<swept keys>,status,metric,epochs,seconds,reason");
            }
        }
        List<String> keys = new ArrayList<>(sweptKeys);
        header.stream().filter(h -> !FIXED.contains(h) && !keys.contains(h)).forEach(keys::add);
        List<Trial> trials = new ArrayList<>();
        for (int r = 1; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            if (row.size() == 1 && row.get(0).isBlank()) {
                continue;
            }
            if (row.size() != header.size()) {
                throw SparktrainException.badData(location + "/" + TRIALS + ": line " + (r + 1) + " has " + row.size()
                        + " cells but the header has " + header.size());
            }
            Map<String, String> cells = new LinkedHashMap<>();
            for (int c = 0; c < header.size(); c++) {
                cells.put(header.get(c), row.get(c));
            }
            Map<String, String> values = new LinkedHashMap<>();
            keys.stream().filter(cells::containsKey).forEach(k -> values.put(k, cells.get(k)));
            String metric = cells.get("metric").trim();
            Double value = null;
            if (!metric.isEmpty()) {
                try {
                    value = Double.parseDouble(metric);
                } catch (NumberFormatException e) {
                    throw SparktrainException.badData(location + "/" + TRIALS + ": line " + (r + 1) + ": metric = "
                            + metric + ": must be a number or empty");
                }
            }
            trials.add(new Trial(cells.get("trial"), values, cells.get("status"), value, cells.get("epochs"),
                    cells.get("seconds"), cells.get("reason")));
        }
        return trials;
    }

    static Report build(Map<String, Object> sweep, List<String> keys, List<Trial> trials) {
        String metric = String.valueOf(sweep.getOrDefault("metric", "metric"));
        boolean max = !"min".equals(String.valueOf(sweep.getOrDefault("goal", "max")));
        String best = sweep.get("best") instanceof Map<?, ?> b && b.get("trial") != null ? String.valueOf(b.get("trial")) : null;
        List<String> columns = new ArrayList<>(keys);
        trials.forEach(t -> t.values().keySet().stream().filter(k -> !columns.contains(k)).forEach(columns::add));

        Report report = new Report("sparktrain sweep: " + metric);
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("metric", metric + " (" + (max ? "higher" : "lower") + " is better)");
        facts.put("strategy", sweep.getOrDefault("strategy", "-"));
        facts.put("swept keys", String.join(", ", columns));
        Map<String, Long> byStatus = new LinkedHashMap<>();
        trials.forEach(t -> byStatus.merge(t.status(), 1L, Long::sum));
        facts.put("trials", trials.size() + " (" + byStatus.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .reduce((a, b) -> a + ", " + b).orElse("none") + ")");
        trials.stream().filter(t -> t.id().equals(best)).findFirst().ifPresent(t -> facts.put("best",
                t.id() + ": " + metric + " " + format(t.metric()) + " with " + t.values().entrySet().stream()
                        .map(e -> e.getKey() + " = " + value(e.getValue())).reduce((a, b) -> a + ", " + b).orElse("")));
        report.facts(facts);

        report.section("Leaderboard").paragraph("best first; click a column to sort by it");
        List<Trial> ranked = new ArrayList<>(trials);
        Comparator<Trial> byMetric = Comparator.comparing(t -> t.metric() == null ? Double.NaN : (max ? -t.metric() : t.metric()));
        ranked.sort(Comparator.comparing((Trial t) -> t.metric() == null).thenComparing(byMetric));
        report.html(TABLE_STYLE + leaderboard(ranked, columns, metric, best));
        report.script(SORT_SCRIPT);

        report.section(metric + " against each swept key");
        for (int i = 0; i < columns.size(); i++) {
            String key = columns.get(i);
            report.chart("sweep-" + (i + 1), chart(key, metric, trials, best), metric + " of each trial against " + key);
        }
        if (columns.isEmpty()) {
            report.paragraph("the sweep names no keys");
        }
        return report;
    }

    private static String leaderboard(List<Trial> trials, List<String> columns, String metric, String best) {
        StringBuilder t = new StringBuilder("<table class=\"sortable\">\n<thead><tr><th>rank</th><th>trial</th>");
        columns.forEach(c -> t.append("<th>").append(breakable(c)).append("</th>"));
        t.append("<th>status</th><th>").append(breakable(metric)).append("</th><th>epochs</th><th>seconds</th><th>reason</th></tr></thead>\n<tbody>\n");
        int rank = 0;
        for (Trial trial : trials) {
            rank++;
            t.append(trial.id().equals(best) ? "<tr class=\"best\">" : "<tr>");
            t.append("<td class=\"num\">").append(trial.metric() == null ? "" : rank).append("</td>");
            t.append("<td>").append(Report.escape(trial.id())).append("</td>");
            columns.forEach(c -> t.append(valueCell(trial.values().getOrDefault(c, ""))));
            t.append("<td").append("failed".equals(trial.status()) ? " class=\"failed\"" : "").append(">")
                    .append(Report.escape(trial.status())).append("</td>");
            t.append("<td class=\"num\" data-value=\"").append(trial.metric() == null ? "" : trial.metric()).append("\">")
                    .append(format(trial.metric())).append("</td>");
            String reason = Report.escape(trial.reason());
            t.append(cell(trial.epochs())).append(cell(trial.seconds())).append("<td class=\"reason\" title=\"")
                    .append(reason).append("\"><div>").append(reason).append("</div></td></tr>\n");
        }
        return t.append("</tbody></table>").toString();
    }

    private static String cell(String value) {
        return (isNumber(value) ? "<td class=\"num\">" : "<td>") + Report.escape(value) + "</td>";
    }

    /** A swept value: a number to {@link #VALUE_DIGITS} significant digits (sorted by its exact value), else as it is. */
    private static String valueCell(String value) {
        if (!isNumber(value) || value.equals(value(value))) {
            return cell(value);
        }
        return "<td class=\"num\" data-value=\"" + Report.escape(value.trim()) + "\">" + value(value) + "</td>";
    }

    private static String value(String value) {
        return isNumber(value) && !value.trim().matches("-?\\d+") ? significant(Double.parseDouble(value), VALUE_DIGITS) : value;
    }

    private static String format(Double v) {
        return v == null ? "" : significant(v, METRIC_DIGITS);
    }

    /**
     * {@code x} to {@code digits} significant digits: plainly between 0.001 and 10,000 ({@code 0.0100}, {@code 0.853},
     * {@code 41.2}), else in scientific notation with a short exponent ({@code 2.30e-4}, {@code 1.50e6}).
     */
    static String significant(double x, int digits) {
        double a = Math.abs(x);
        if (x == 0 || !Double.isFinite(x)) {
            return x == 0 ? "0" : String.valueOf(x);
        }
        if (a >= 1e-3 && a < 1e4) {
            return new BigDecimal(x).round(new MathContext(digits, RoundingMode.HALF_EVEN)).toPlainString();
        }
        return String.format(Locale.ROOT, "%." + (digits - 1) + "e", x).replaceFirst("e([+-])0*(\\d)", "e$1$2").replace("e+", "e");
    }

    /** A column name that may wrap after each dot ("training.learning-rate"). */
    private static String breakable(String name) {
        return Report.escape(name).replace(".", ".<wbr>");
    }

    static boolean isNumber(String s) {
        try {
            Double.parseDouble(s.trim());
            return !s.isBlank();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Numeric keys on a numeric axis (logarithmic when the values span more than two decades), others as categories. */
    static org.knowm.xchart.internal.chartpart.Chart<?, ?> chart(String key, String metric, List<Trial> trials, String best) {
        List<Trial> measured = trials.stream().filter(t -> t.metric() != null && t.values().containsKey(key)).toList();
        boolean numeric = !measured.isEmpty() && measured.stream().allMatch(t -> isNumber(t.values().get(key)));
        Set<String> statuses = new LinkedHashSet<>();
        STATUSES.forEach(s -> {
            if (measured.stream().anyMatch(t -> s.equals(t.status()) && !t.id().equals(best))) {
                statuses.add(s);
            }
        });
        measured.stream().map(Trial::status).filter(s -> !STATUSES.contains(s)).forEach(statuses::add);
        if (numeric) {
            XYChart chart = new XYChartBuilder().width(Charts.WIDTH).height(Charts.HEIGHT).title(metric + " by " + key)
                    .xAxisTitle(key).yAxisTitle(metric).build();
            Charts.style(chart.getStyler());
            chart.getStyler().setDefaultSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
            chart.getStyler().setMarkerSize(9);
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
            chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
            double lo = measured.stream().mapToDouble(t -> Double.parseDouble(t.values().get(key))).min().orElse(1);
            double hi = measured.stream().mapToDouble(t -> Double.parseDouble(t.values().get(key))).max().orElse(1);
            chart.getStyler().setXAxisLogarithmic(lo > 0 && hi / lo > 100);
            for (String status : statuses) {
                List<Trial> these = measured.stream().filter(t -> status.equals(t.status()) && !t.id().equals(best)).toList();
                addXY(chart, status, these, key).setMarker(SeriesMarkers.CIRCLE);
            }
            List<Trial> top = measured.stream().filter(t -> t.id().equals(best)).toList();
            if (!top.isEmpty()) {
                XYSeries s = addXY(chart, "best (" + best + ")", top, key);
                s.setMarker(SeriesMarkers.DIAMOND);
                s.setMarkerColor(new java.awt.Color(0x2e7d32));
            }
            if (measured.isEmpty()) {
                chart.addSeries("no trial has a " + metric + " yet", new double[] {0}, new double[] {0});
            }
            return chart;
        }
        List<String> categories = new ArrayList<>(new LinkedHashSet<>(measured.stream().map(t -> t.values().get(key)).toList()));
        CategoryChart chart = Charts.bars(metric + " by " + key, key, metric);
        chart.getStyler().setDefaultSeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(9);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setYAxisDecimalPattern("#,##0.####");
        if (measured.isEmpty()) {
            chart.addSeries("no trial has a " + metric + " yet", List.of("-"), List.of(0));
            return chart;
        }
        // a category chart takes one y per category and series: one series per trial rank within its category
        Map<String, List<Trial>> byCategory = new LinkedHashMap<>();
        categories.forEach(c -> byCategory.put(c, new ArrayList<>()));
        measured.forEach(t -> byCategory.get(t.values().get(key)).add(t));
        int depth = byCategory.values().stream().mapToInt(List::size).max().orElse(0);
        for (int i = 0; i < depth; i++) {
            List<Number> ys = new ArrayList<>();
            for (String c : categories) {
                List<Trial> in = byCategory.get(c);
                ys.add(i < in.size() ? in.get(i).metric() : null);
            }
            CategorySeries s = chart.addSeries(i == 0 ? "trials" : "trials " + (i + 1), categories, ys);
            s.setMarker(SeriesMarkers.CIRCLE);
            s.setMarkerColor(new java.awt.Color(0x1f77b4));
            s.setShowInLegend(i == 0);
        }
        return chart;
    }

    private static XYSeries addXY(XYChart chart, String name, List<Trial> trials, String key) {
        double[] x = trials.stream().mapToDouble(t -> Double.parseDouble(t.values().get(key))).toArray();
        double[] y = trials.stream().mapToDouble(Trial::metric).toArray();
        if (x.length == 0) {
            return chart.addSeries(name, new double[] {Double.NaN}, new double[] {Double.NaN});
        }
        return chart.addSeries(name, x, y);
    }

    /** RFC 4180 CSV: quoted fields may hold commas, quotes ("") and line breaks. */
    static final class Csv {
        private Csv() {
        }

        static List<List<String>> parse(String text) {
            List<List<String>> rows = new ArrayList<>();
            List<String> row = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        field.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    row.add(field.toString());
                    field.setLength(0);
                } else if (c == '\n' || c == '\r') {
                    if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                        i++;
                    }
                    row.add(field.toString());
                    field.setLength(0);
                    rows.add(row);
                    row = new ArrayList<>();
                } else {
                    field.append(c);
                }
            }
            if (field.length() > 0 || !row.isEmpty()) {
                row.add(field.toString());
                rows.add(row);
            }
            return rows;
        }
    }
}
