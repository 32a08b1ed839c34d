package sparktrain.worker;

import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * Caps ND4J's OpenMP and BLAS threads in this JVM. Several Spark workers in one JVM (local[N]) each
 * running ND4J's default thread count oversubscribe the cores and slow every one of them down.
 */
public final class NativeThreads {
    private NativeThreads() {
    }

    public static void limit(int threads) {
        Nd4j.getEnvironment().setMaxThreads(threads);
        Nd4j.getEnvironment().setMaxMasterThreads(threads);
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
        Nd4j.factory().blas().setMaxThreads(threads);
    }
}
