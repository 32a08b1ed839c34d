package sparktrain.worker.report;

import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import sparktrain.worker.training.EpochStats;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** The report's XChart charts, all in one look: white plot, light grid, legend inside. */
public final class Charts {
    public static final int WIDTH = 520;
    public static final int HEIGHT = 340;

    private Charts() {
    }

    /** A line chart with one series per named column of values, x from 1. */
    public static XYChart lines(String title, String xTitle, String yTitle) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setMarkerSize(6);
        chart.getStyler().setYAxisDecimalPattern("#,##0.####");
        return chart;
    }

    /** Training and validation loss per epoch (validation only when measured). */
    public static XYChart loss(List<EpochStats> history) {
        XYChart chart = lines("Loss per epoch", "epoch", "loss");
        addEpochSeries(chart, "training", history, EpochStats::trainLoss);
        addEpochSeries(chart, "validation", history, EpochStats::validationLoss);
        return chart;
    }

    public static XYChart validationMetric(List<EpochStats> history, String metric) {
        XYChart chart = lines("Validation " + metric + " per epoch", "epoch", metric);
        addEpochSeries(chart, metric, history, EpochStats::validationMetric);
        chart.getStyler().setLegendVisible(false);
        return chart;
    }

    /** Seconds per epoch as bars. */
    public static CategoryChart epochSeconds(List<EpochStats> history) {
        CategoryChart chart = bars("Time per epoch", "epoch", "seconds");
        chart.addSeries("seconds", history.stream().map(s -> (Object) s.epoch()).toList(),
                history.stream().map(s -> (Number) s.seconds()).toList());
        chart.getStyler().setLegendVisible(false);
        return chart;
    }

    public static XYChart throughput(List<EpochStats> history) {
        XYChart chart = lines("Throughput per epoch", "epoch", "samples/s");
        addEpochSeries(chart, "samples/s", history, EpochStats::samplesPerSecond);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setYAxisMin(0.0);
        return chart;
    }

    private static void addEpochSeries(XYChart chart, String name, List<EpochStats> history,
                                       ToDoubleFunction<EpochStats> value) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (EpochStats s : history) {
            double v = value.applyAsDouble(s);
            if (Double.isFinite(v)) {
                x.add((double) s.epoch());
                y.add(v);
            }
        }
        if (!x.isEmpty()) {
            XYSeries series = chart.addSeries(name, x, y);
            series.setMarker(SeriesMarkers.CIRCLE);
        }
        chart.getStyler().setXAxisDecimalPattern("#");
    }

    public static CategoryChart bars(String title, String xTitle, String yTitle) {
        return bars(title, xTitle, yTitle, WIDTH);
    }

    public static CategoryChart bars(String title, String xTitle, String yTitle, int width) {
        CategoryChart chart = new CategoryChartBuilder().width(width).height(HEIGHT).title(title).xAxisTitle(xTitle)
                .yAxisTitle(yTitle).build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        return chart;
    }

    /** Counts[actual][predicted] as a heat map, actual classes top to bottom, each cell labelled. */
    public static HeatMapChart confusion(int[][] counts, List<String> classes) {
        int n = classes.size();
        HeatMapChart chart = new HeatMapChartBuilder().width(760).height(620).title("Test confusion matrix")
                .xAxisTitle("predicted").yAxisTitle("actual").build();
        chart.getStyler().setChartBackgroundColor(Color.WHITE);
        chart.getStyler().setShowValue(true);
        chart.getStyler().setValueFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
        chart.getStyler().setValueFontColor(Color.BLACK);
        chart.getStyler().setHeatMapValueDecimalPattern("#");
        chart.getStyler().setXAxisLabelRotation(40);
        chart.getStyler().setPlotContentSize(1.0);
        chart.getStyler().setRangeColors(new Color[] {new Color(0xf7fbff), new Color(0x9ecae1), new Color(0x4292c6)});
        chart.getStyler().setLegendVisible(true);
        List<String> reversed = new ArrayList<>(classes);
        java.util.Collections.reverse(reversed);
        List<Number[]> cells = new ArrayList<>();
        int max = 1;
        for (int actual = 0; actual < n; actual++) {
            for (int predicted = 0; predicted < n; predicted++) {
                cells.add(new Number[] {predicted, n - 1 - actual, counts[actual][predicted]});
                max = Math.max(max, counts[actual][predicted]);
            }
        }
        chart.getStyler().setMin(0).setMax(max);
        chart.addSeries("test", classes, reversed, cells);
        return chart;
    }

    /**
     * Several sequences, each its actual values (line) and the model's one-step-ahead forecasts (dashed,
     * markers) against the time step.
     */
    public static XYChart forecasts(String title, List<double[]> actual, List<double[]> forecast) {
        XYChart chart = new XYChartBuilder().width(760).height(HEIGHT + 60).title(title).xAxisTitle("time step")
                .yAxisTitle("value").build();
        style(chart.getStyler());
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setMarkerSize(3);
        chart.getStyler().setXAxisTickMarkSpacingHint(60);
        chart.getStyler().setXAxisDecimalPattern("#");
        Color[] colors = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0x9467bd)};
        for (int i = 0; i < actual.size(); i++) {
            Color color = colors[i % colors.length];
            XYSeries a = chart.addSeries("#" + (i + 1) + " actual", steps(actual.get(i).length, 0), actual.get(i));
            a.setMarker(SeriesMarkers.NONE);
            a.setLineColor(color);
            // the forecast made after step t is for step t + 1
            XYSeries f = chart.addSeries("#" + (i + 1) + " forecast", steps(forecast.get(i).length, 1),
                    forecast.get(i));
            f.setMarker(SeriesMarkers.CIRCLE);
            f.setMarkerColor(color);
            f.setLineColor(color);
            f.setLineStyle(new BasicStroke(1.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {4f, 3f}, 0f));
        }
        return chart;
    }

    private static double[] steps(int n, int first) {
        double[] x = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = first + i;
        }
        return x;
    }

    public static void style(org.knowm.xchart.style.AxesChartStyler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotGridLinesColor(new Color(0xe5e5e5));
        styler.setPlotBorderVisible(false);
        styler.setLegendBorderColor(new Color(0xdddddd));
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        styler.setChartTitleBoxVisible(false);
    }
}
