package sparktrain.worker.data;

import java.io.Serializable;

/** One data file as read: where it was, how big it is as stored, and its SHA-256 (empty when not read whole). */
public record DataFile(String path, long bytes, String sha256) implements Serializable {
}
