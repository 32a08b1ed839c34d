package sparktrain.core.model;

import java.io.Serializable;

/** What the data looks like to the network: image size and channels, and the number of classes. */
public record InputShape(int height, int width, int channels, int classes) implements Serializable {
    public int flatSize() {
        return height * width * channels;
    }
}
