package sparktrain.worker.training;

/** Bytes of parameter or update traffic in one epoch, and what the same traffic would take dense. */
public record Communication(long bytes, long denseBytes) {
    public static final Communication NONE = new Communication(0, 0);

    /** Dense bytes per byte actually sent; 1 for uncompressed traffic, NaN when nothing was sent. */
    public double compressionRatio() {
        return bytes == 0 ? Double.NaN : (double) denseBytes / bytes;
    }
}
