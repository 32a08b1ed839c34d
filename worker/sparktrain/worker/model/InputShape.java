package sparktrain.worker.model;

import java.io.Serializable;

/**
 * What the data looks like to the network: image size and channels, and the number of classes. Sequences
 * use the same record (see {@link #sequence}): width is the sequence length, channels the values per step.
 */
public record InputShape(int height, int width, int channels, int classes) implements Serializable {
    public int flatSize() {
        return height * width * channels;
    }

    /**
     * @param valuesPerStep inputs per time step: 1 for a character index, the number of columns of a series
     * @param outputs outputs per time step: the vocabulary size of a character model, the columns of a series
     */
    public static InputShape sequence(int length, int valuesPerStep, int outputs) {
        return new InputShape(1, length, valuesPerStep, outputs);
    }

    public int sequenceLength() {
        return width;
    }

    public int valuesPerStep() {
        return channels;
    }
}
