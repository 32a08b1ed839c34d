package sparktrain.worker.report;

import org.apache.hadoop.fs.Path;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.internal.chartpart.Chart;
import sparktrain.worker.io.HadoopFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A static HTML page with charts: sections, tables, text and XChart charts rendered as PNG files that
 * the page shows by relative name. {@link #writeTo} writes the images and then report.html, each
 * atomically, into a directory that may be on any Hadoop file system.
 */
public final class Report {
    public static final String FILE = "report.html";
    /** Every image's name starts with this, so a run directory's listing keeps them together. */
    public static final String IMAGE_PREFIX = "report-";

    private static final String STYLE = """
            body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;margin:0;color:#222;background:#f6f7f9;line-height:1.4}
            main{max-width:1100px;margin:0 auto;padding:1.5rem 2rem 3rem}
            h1{font-size:1.6rem;margin:.2rem 0 1rem}h2{font-size:1.2rem;margin:2rem 0 .6rem;border-bottom:1px solid #ddd;padding-bottom:.3rem}
            table{border-collapse:collapse;background:#fff;font-size:.92rem}td,th{padding:.3rem .7rem;border:1px solid #e2e4e8;text-align:left}
            th{background:#eef0f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
            table.facts th{width:12rem}
            .charts{display:flex;flex-wrap:wrap;gap:1rem}
            figure{margin:0;background:#fff;border:1px solid #e2e4e8;padding:.5rem}figcaption{font-size:.85rem;color:#555;margin-top:.3rem}
            img{display:block;max-width:100%;height:auto}
            pre{background:#fff;border:1px solid #e2e4e8;padding:.8rem;white-space:pre-wrap;font-size:.9rem}
            p.note{color:#555;font-size:.9rem}
            """;

    private final String title;
    private final StringBuilder body = new StringBuilder();
    private final Map<String, byte[]> images = new LinkedHashMap<>();
    private final StringBuilder scripts = new StringBuilder();
    private boolean inCharts;

    public Report(String title) {
        this.title = title;
    }

    public Report section(String heading) {
        closeCharts();
        body.append("<h2>").append(escape(heading)).append("</h2>\n");
        return this;
    }

    /** A two-column table of names and values. */
    public Report facts(Map<String, ?> facts) {
        closeCharts();
        body.append("<table class=\"facts\">\n");
        facts.forEach((k, v) -> body.append("<tr><th>").append(escape(k)).append("</th><td>")
                .append(escape(String.valueOf(v))).append("</td></tr>\n"));
        body.append("</table>\n");
        return this;
    }

    public Report paragraph(String text) {
        closeCharts();
        body.append("<p class=\"note\">").append(escape(text)).append("</p>\n");
        return this;
    }

    public Report preformatted(String text) {
        closeCharts();
        body.append("<pre>").append(escape(text)).append("</pre>\n");
        return this;
    }

    /** Markup the caller built and escaped itself, e.g. a table. */
    public Report html(String markup) {
        closeCharts();
        body.append(markup).append('\n');
        return this;
    }

    /** A few lines of script at the end of the page. */
    public Report script(String javascript) {
        scripts.append(javascript).append('\n');
        return this;
    }

    /** Renders {@code chart} as {@code report-<name>.png}; consecutive charts sit side by side. */
    public Report chart(String name, Chart<?, ?> chart, String caption) {
        String file = IMAGE_PREFIX + name + ".png";
        try {
            images.put(file, BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot render chart " + file + ": " + e.getMessage(), e);
        }
        if (!inCharts) {
            body.append("<div class=\"charts\">\n");
            inCharts = true;
        }
        body.append("<figure><img src=\"").append(escape(file)).append("\" alt=\"").append(escape(caption))
                .append("\" width=\"").append(chart.getWidth()).append("\" height=\"").append(chart.getHeight())
                .append("\"><figcaption>").append(escape(caption)).append("</figcaption></figure>\n");
        return this;
    }

    private void closeCharts() {
        if (inCharts) {
            body.append("</div>\n");
            inCharts = false;
        }
    }

    public String html() {
        closeCharts();
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + escape(title)
                + "</title>\n<style>\n" + STYLE + "</style>\n</head>\n<body>\n<main>\n<h1>" + escape(title) + "</h1>\n"
                + body + "</main>\n" + (scripts.length() == 0 ? "" : "<script>\n" + scripts + "</script>\n")
                + "</body>\n</html>\n";
    }

    /** The PNG files, by name. */
    public Map<String, byte[]> images() {
        return images;
    }

    /** Writes the images, then report.html (so the page never names an image that is not there yet). */
    public Path writeTo(Path directory) {
        try {
            for (Map.Entry<String, byte[]> image : images.entrySet()) {
                byte[] bytes = image.getValue();
                HadoopFiles.writeAtomically(new Path(directory, image.getKey()), out -> out.write(bytes));
            }
            Path page = new Path(directory, FILE);
            byte[] html = html().getBytes(StandardCharsets.UTF_8);
            HadoopFiles.writeAtomically(page, out -> out.write(html));
            return page;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report into " + directory + ": " + e.getMessage(), e);
        }
    }

    public static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
