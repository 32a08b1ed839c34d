package sparktrain.driver.bench;

/**
 * Predicts the time of one training epoch on {@code n} executors (one core each) from per-phase times
 * measured on one executor and the model's size. BENCHMARKS.md ("Beyond this machine") gives the formulas:
 *
 * <pre>
 * steps(n)  = ceil(N / (n b))                         minibatches each executor fits per epoch
 * rounds(n) = ceil(steps(n) / f)                      averaging rounds per epoch
 * averaging: T(n) = steps(n) b c + rounds(n) (o + n a + 2 n 4(P + S) / B)
 * sharing:   T(n) = steps(n) max(b c + e, (n - 1) s 4P / B)
 * speed-up S(n) = T(1) / T(n), efficiency E(n) = S(n) / n
 * </pre>
 *
 * N samples per epoch, b batch size per executor, f averaging frequency, P parameters (4 bytes each), S the
 * updater state averaged with them ({@code training.average-updaters}: Adam 2P, Nesterovs P, SGD 0),
 * B network bandwidth (bytes/s), c compute seconds per sample on one core, o the fixed cost of an
 * averaging round (Spark job, broadcast creation, splitting), a the driver's cost per executor per round
 * (aggregating and applying one executor's parameters), e the per-step cost of sharing beyond averaging's
 * compute (encoding, residuals, Aeron; negative when its updater is cheaper), s the encoded update's size as a fraction of the dense one.
 */
public final class CostModel {
    /** 10 Gbit/s in bytes per second. */
    public static final double TEN_GBIT = 10e9 / 8;
    /** In-process "network" of local mode: the bytes never leave the JVM. */
    public static final double IN_PROCESS = Double.POSITIVE_INFINITY;

    public enum Mode {
        AVERAGING, SHARING;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * What one epoch of a model asks for: the parameters, the updater state that parameter averaging ships with
     * them (0 when it does not), and the data it sweeps through.
     */
    public record Workload(String model, long parameters, long updaterState, long samples, int batchSize,
                           int averagingFrequency) {
        public Workload {
            if (parameters <= 0 || updaterState < 0 || samples <= 0 || batchSize <= 0 || averagingFrequency <= 0) {
                throw new IllegalArgumentException("workload " + model + ": parameters, samples, batch size and"
                        + " averaging frequency must all be > 0, the updater state >= 0");
            }
        }

        public Workload withSamples(long n) {
            return new Workload(model, parameters, updaterState, n, batchSize, averagingFrequency);
        }

        public double parameterBytes() {
            return 4.0 * parameters;
        }

        /** What one executor's copy moves each way per averaging round: parameters and updater state. */
        public double averagedBytes() {
            return 4.0 * (parameters + updaterState);
        }
    }

    /**
     * Per-phase costs measured on one executor: c (s/sample), o (s/round), a (s/executor/round),
     * e (s/step) and s (encoded bytes / dense bytes).
     */
    public record Calibration(double computeSecondsPerSample, double roundSeconds, double aggregateSecondsPerExecutor,
                              double stepOverheadSeconds, double encodedFraction) {
    }

    private CostModel() {
    }

    public static long steps(Workload w, int executors) {
        requireExecutors(executors);
        return ceilDiv(w.samples(), (long) executors * w.batchSize());
    }

    public static long rounds(Workload w, int executors) {
        return ceilDiv(steps(w, executors), w.averagingFrequency());
    }

    public static double seconds(Mode mode, Workload w, Calibration c, int executors, double bandwidth) {
        return mode == Mode.AVERAGING ? averagingSeconds(w, c, executors, bandwidth)
                : sharingSeconds(w, c, executors, bandwidth);
    }

    /**
     * Synchronous: each round every executor fits f minibatches, then the parameters and the updater state go
     * down and back up.
     */
    public static double averagingSeconds(Workload w, Calibration c, int n, double bandwidth) {
        double compute = steps(w, n) * w.batchSize() * c.computeSecondsPerSample();
        double perRound = c.roundSeconds() + n * c.aggregateSecondsPerExecutor()
                + 2.0 * n * w.averagedBytes() / bandwidth;
        return compute + rounds(w, n) * perRound;
    }

    /**
     * Asynchronous: every step each executor sends one encoded update and receives the other n - 1;
     * receiving overlaps computing, so a step takes the longer of the two.
     */
    public static double sharingSeconds(Workload w, Calibration c, int n, double bandwidth) {
        double compute = w.batchSize() * c.computeSecondsPerSample() + c.stepOverheadSeconds();
        double receive = (n - 1) * c.encodedFraction() * w.parameterBytes() / bandwidth;
        return steps(w, n) * Math.max(compute, receive);
    }

    /** S(n) / n: 1 when n executors are n times as fast as one. */
    public static double efficiency(Mode mode, Workload w, Calibration c, int n, double bandwidth) {
        return seconds(mode, w, c, 1, bandwidth) / (n * seconds(mode, w, c, n, bandwidth));
    }

    /**
     * Averaging calibrated from one executor's epoch: c from the workers' fit time, a from the driver's
     * aggregation time, o whatever else the epoch took, per round.
     */
    public static Calibration averaging(Workload measured, double epochSeconds, double workerFitSeconds,
                                        double aggregateSeconds) {
        long rounds = rounds(measured, 1);
        double c = workerFitSeconds / measured.samples();
        double a = aggregateSeconds / rounds;
        double o = Math.max(0, epochSeconds - workerFitSeconds - aggregateSeconds) / rounds;
        return new Calibration(c, o, a, 0, 1);
    }

    /**
     * Sharing calibrated from one executor's epoch, with c from the averaging run of the same model: e is what a
     * step costs beyond averaging's compute (encoding, residuals, Aeron; negative when a sharing job's updater is
     * cheaper than its averaging job's by more than that). b c + e is then the measured step time.
     */
    public static Calibration sharing(Workload measured, double epochSeconds, double computeSecondsPerSample,
                                      double encodedFraction) {
        double e = epochSeconds / steps(measured, 1) - measured.batchSize() * computeSecondsPerSample;
        return new Calibration(computeSecondsPerSample, 0, 0, e, encodedFraction);
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static void requireExecutors(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("executors = " + n + ": must be >= 1");
        }
    }
}
