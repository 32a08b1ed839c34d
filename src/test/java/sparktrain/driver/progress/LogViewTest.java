package sparktrain.driver.progress;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

class LogViewTest {
    @Test
    void countedEpochsGiveMinibatchesAndRate() {
        LogView view = new LogView(3600);
        view.epochStarted("", 2, 100);
        view.update(40, 512, 0.25);
        String line = view.line();
        view.close();
        assertTrue(line.matches("epoch 2: 40% \\(40 of 100 minibatches\\), \\d+ s, 512 samples/s, loss 0\\.2500"), line);
    }

    /** Gradient sharing trains an epoch in one Spark job: no "0 minibatches, 0 samples/s" while it runs. */
    @Test
    void uncountedEpochsSayOnlyThatTheyTrain() {
        LogView view = new LogView(3600);
        view.epochStarted("t3", 1, 0);
        String line = view.line();
        view.close();
        assertTrue(line.matches("trial t3, epoch 1: training, \\d+ s"), line);
    }
}
