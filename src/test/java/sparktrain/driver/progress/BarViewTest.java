package sparktrain.driver.progress;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The terminal view: what a terminal shows of its output, each epoch's bar with the epoch's summary line under it. */
class BarViewTest {
    private static final String FIRST = "epoch 1/2: 3600 samples in 4.1 s (878 samples/s), loss 0.6412, validation accuracy 0.7725";
    private static final String SECOND = "epoch 2/2: 3600 samples in 3.9 s (923 samples/s), loss 0.5120, validation accuracy 0.8050";

    /**
     * The lines a terminal shows for {@code output}: a carriage return goes back to the line's start, later text
     * overwrites earlier text. Cursor movements (escape sequences) are not expected at all.
     */
    static List<String> screen(String output) {
        assertFalse(output.contains("\u001b"), "no cursor movement expected: " + output);
        List<String> lines = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        int column = 0;
        for (char c : output.toCharArray()) {
            if (c == '\r') {
                column = 0;
            } else if (c == '\n') {
                lines.add(line.toString().stripTrailing());
                line.setLength(0);
                column = 0;
            } else {
                if (column < line.length()) {
                    line.setCharAt(column, c);
                } else {
                    line.append(c);
                }
                column++;
            }
        }
        if (!line.isEmpty()) {
            lines.add(line.toString().stripTrailing());
        }
        return lines;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void eachEpochsSummaryLineIsShownUnderItsFinishedBar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BarView view = new BarView(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        // epoch 1 as parameter averaging goes: the last round's end closes the bar, the summary follows
        view.epochStarted("", 1, 40);
        view.update(20, 850, Double.NaN);
        view.update(40, 878, 0.6530);
        view.epochEnded();
        view.epochSummary(FIRST);
        // epoch 2 as gradient sharing goes: no known total, the bar is still open when the summary comes
        view.epochStarted("", 2, 0);
        view.update(1, 0, 0.5230);
        sleep(600); // the library's scheduled redraws have begun
        // an interrupted thread: the library's close() returns at once and draws the bar later, on its own thread
        Thread.currentThread().interrupt();
        view.epochSummary(SECOND);
        Thread.interrupted();
        sleep(600);
        view.close();

        List<String> screen = screen(bytes.toString(StandardCharsets.UTF_8));
        assertEquals(4, screen.size(), String.join("\n", screen));
        assertTrue(screen.get(0).startsWith("epoch 1 100% [="), screen.get(0));
        assertTrue(screen.get(0).contains("40/40 batches"), screen.get(0));
        assertEquals(FIRST, screen.get(1));
        assertTrue(screen.get(2).startsWith("epoch 2 "), screen.get(2));
        assertTrue(screen.get(2).contains("1/? batches"), screen.get(2));
        assertEquals(SECOND, screen.get(3));
    }
}
