package org.nd4j.nativeblas;

/**
 * A compatibility shim, not sparktrain code: it lives in ND4J's package because that is the name DL4J asks for.
 *
 * <p>What it answers: DL4J 1.0.0-M2.1 lets its oneDNN layer helpers (convolution, pooling, batch norm, LRN) run
 * only when {@code org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper.mklDnnEnabled()} says yes, and that
 * method asks {@code org.nd4j.nativeblas.Nd4jCpu$Environment.getInstance().isUseMKLDNN()} by reflection. ND4J
 * M2.1 moved that class to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu} and renamed the method
 * {@code isUseONEDNN}, so the lookup throws, DL4J swallows it, and every convolution falls back to DL4J's own
 * im2col path without a word. This class answers the old question with the moved class's answer.
 *
 * <p>Why: convolutions are 3-4x faster through oneDNN (docs/experiments.md "oneDNN": LeNet 165 to 62 ms per minibatch,
 * resnet-small 290 to 72). Nothing in sparktrain calls it; {@code sparktrain.worker.OneDnn} asks DL4J.
 *
 * <p>When to drop it: {@code OneDnnTest} fails when DL4J or ND4J is no longer 1.0.0-M2.1, or when ND4J ships a
 * class of this name itself (the shaded jar would then hold two, one silently winning). Check then whether
 * DL4J's lookup works without this class (the test {@code NetworkFactoryTest.convolutionsRunThroughOneDnn}
 * says whether layers get their oneDNN helpers), and delete this source root if it does.
 */
public final class Nd4jCpu {
    private Nd4jCpu() {
    }

    public static final class Environment {
        private static final Environment INSTANCE = new Environment();

        private Environment() {
        }

        public static Environment getInstance() {
            return INSTANCE;
        }

        /** False on a backend without ND4J's CPU natives (the CUDA build compiles without them). */
        public boolean isUseMKLDNN() {
            try {
                Class<?> environment = Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
                Object instance = environment.getMethod("getInstance").invoke(null);
                return (Boolean) environment.getMethod("isUseONEDNN").invoke(instance);
            } catch (ReflectiveOperationException | LinkageError e) {
                return false;
            }
        }
    }
}
