package org.nd4j.nativeblas;

/**
 * DL4J 1.0.0-M2.1 decides whether its oneDNN layer helpers may run by calling
 * {@code org.nd4j.nativeblas.Nd4jCpu$Environment.getInstance().isUseMKLDNN()} by reflection, but ND4J
 * M2.1 moved that class to {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu} and renamed the
 * method {@code isUseONEDNN}: the lookup fails and every convolution falls back to DL4J's im2col path
 * (about 4x slower for resnet-small here). This class answers the old lookup with the new answer.
 * See {@link sparktrain.worker.OneDnn}.
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
