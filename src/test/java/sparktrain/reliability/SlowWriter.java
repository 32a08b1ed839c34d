package sparktrain.reliability;

import sparktrain.worker.io.HadoopFiles;

/**
 * Writes {@code MB} megabytes of a repeating pattern to {@code TARGET} through HadoopFiles.writeAtomically,
 * one megabyte every {@code PAUSE_MS}, printing "wrote N MB" after each, so a test can kill it midway.
 * Usage: SlowWriter TARGET MB PAUSE_MS
 */
public final class SlowWriter {
    private SlowWriter() {
    }

    public static void main(String[] args) throws Exception {
        String target = args[0];
        int megabytes = Integer.parseInt(args[1]);
        long pause = Long.parseLong(args[2]);
        byte[] chunk = new byte[1 << 20];
        for (int i = 0; i < chunk.length; i++) {
            chunk[i] = (byte) ('a' + i % 26);
        }
        HadoopFiles.writeAtomically(HadoopFiles.path(target), out -> {
            for (int mb = 1; mb <= megabytes; mb++) {
                out.write(chunk);
                out.flush();
                System.out.println("wrote " + mb + " MB");
                System.out.flush();
                sleep(pause);
            }
        });
        System.out.println("done");
    }

    private static void sleep(long millis) throws java.io.InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            throw new java.io.InterruptedIOException("interrupted");
        }
    }
}
