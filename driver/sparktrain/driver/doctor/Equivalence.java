package sparktrain.driver.doctor;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValueFactory;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.api.Model;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.DataConfig;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.config.ModelConfig;
import sparktrain.worker.config.TrainingConfig;
import sparktrain.worker.model.NetworkFactory;
import sparktrain.worker.model.Networks;
import sparktrain.driver.SparkContexts;
import sparktrain.driver.training.TrainingSession;
import sparktrain.worker.training.TrainingStrategy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * {@code sparktrain check-equivalence}: the first {@code steps} minibatches of the job, from the same
 * initial network, trained in one JVM (DL4J alone) and with the job's Spark strategy on one worker.
 * With parameter averaging every step and plain SGD the two must agree to float rounding (DL4J's
 * TestCompareParameterAveragingSparkVsSingleMachine); other settings show how far they drift. What is random
 * per step (dropout masks, augmentation) is switched off for the comparison: each JVM would draw its own.
 */
public final class Equivalence {
    private static final Logger log = LoggerFactory.getLogger(Equivalence.class);
    public static final double DEFAULT_TOLERANCE = 1e-3;

    /** One comparison point, after {@code step} minibatches: both losses on the slice and the parameter gap. */
    public record Point(int step, double singleLoss, double sparkLoss, double maxAbsDifference) {
    }

    /**
     * @param maxAbsDifference the largest |single − spark| over all parameters
     * @param relativeDifference that, divided by the largest parameter change of the single-JVM run
     */
    public record Result(String setup, String switchedOff, int steps, List<Point> curve, double maxAbsDifference,
                         double largestChange, double relativeDifference, double tolerance, String conditions) {
        public boolean agrees() {
            return relativeDifference <= tolerance;
        }

        public String report() {
            StringBuilder out = new StringBuilder();
            out.append(setup).append('\n');
            if (!switchedOff.isEmpty()) {
                out.append(switchedOff).append('\n');
            }
            out.append(String.format(Locale.ROOT, "%6s  %16s  %16s  %14s%n", "step", "single-JVM loss", "spark loss",
                    "max |dparam|"));
            for (Point p : curve) {
                out.append(String.format(Locale.ROOT, "%6d  %16.6f  %16.6f  %14.3e%n", p.step(), p.singleLoss(),
                        p.sparkLoss(), p.maxAbsDifference()));
            }
            out.append(String.format(Locale.ROOT, "largest parameter difference %.3e absolute, %.3e relative "
                            + "(to the largest parameter change, %.3e); tolerance %.1e%n",
                    maxAbsDifference, relativeDifference, largestChange, tolerance));
            if (agrees()) {
                out.append("equivalent: one Spark worker trains like one JVM\n");
            } else {
                out.append("NOT equivalent: the Spark run differs by ").append(String.format(Locale.ROOT, "%.3e", relativeDifference))
                        .append(" relative, above the tolerance. ").append(conditions).append('\n');
            }
            return out.toString();
        }
    }

    private Equivalence() {
    }

    public static Result run(JobConfig asGiven, String masterOverride, int steps, double tolerance) {
        if (steps < 1) {
            throw SparktrainException.usage("--steps = " + steps + ": must be >= 1");
        }
        if (!(tolerance > 0)) {
            throw SparktrainException.usage("--tolerance = " + tolerance + ": must be > 0");
        }
        List<RandomSetting> switchedOff = randomSettings(asGiven);
        JobConfig job = withoutRandomness(asGiven);
        TrainingConfig t = job.training();
        List<Point> curve = new ArrayList<>();
        String setup;
        Model single;
        Model spark;
        INDArray initial;
        try (JavaSparkContext sc = SparkContexts.start(job, masterOverride);
             TrainingSession session = TrainingSession.open(job, sc)) {
            List<DataSet> slice = session.firstMinibatches(steps);
            if (slice.size() < steps) {
                throw SparktrainException.usage("--steps = " + steps + ": the training data gives only " + slice.size()
                        + " minibatches of " + t.batchSize() + "; lower --steps or raise data.train-limit");
            }
            single = NetworkFactory.build(job.model(), t, job.seed(), session.shape());
            spark = Networks.copy(single);
            initial = single.params().dup();
            // one averaging round per comparison point; gradient sharing keeps one master (one Aeron mesh) throughout
            int chunk = session.mode() == TrainingSession.Mode.AVERAGING ? t.averagingFrequency() : steps;
            String described = null;
            for (int from = 0; from < steps; from += chunk) {
                List<DataSet> part = new ArrayList<>(slice.subList(from, Math.min(steps, from + chunk)));
                session.singleJvm(single, part).fitEpoch(1);
                try (TrainingStrategy strategy = session.strategy(spark, from, from + part.size(), 1)) {
                    strategy.fitEpoch(1);
                    spark = strategy.network();
                    described = strategy.describe();
                }
                Point p = new Point(from + part.size(), meanLoss(single, slice), meanLoss(spark, slice),
                        maxAbs(single.params(), spark.params()));
                log.info("after {} steps: single JVM loss {}, spark loss {}, max |dparam| {}", p.step(), p.singleLoss(),
                        p.sparkLoss(), p.maxAbsDifference());
                curve.add(p);
            }
            setup = String.format(Locale.ROOT, "%d steps of %d examples, seed %d, %s: single JVM vs %s on %s",
                    steps, t.batchSize(), job.seed(), job.model().type(), described, sc.master());
        }
        double difference = maxAbs(single.params(), spark.params());
        double change = maxAbs(single.params(), initial);
        return new Result(setup, switchedOffLine(switchedOff), steps, curve, difference, change,
                change == 0 ? difference : difference / change, tolerance, conditions(t, switchedOff));
    }

    /** A job-file key that draws something random at each step, with its value in the job and its off value. */
    record RandomSetting(String key, Object value) {
        Object off() {
            return value instanceof Boolean ? false : 0;
        }

        @Override
        public String toString() {
            return key + " " + value + " -> " + off();
        }
    }

    /**
     * The job's settings that are random per step, in job-file order: dropout masks differ from JVM to JVM, and the
     * comparison trains the minibatches as they are, without augmentation.
     */
    static List<RandomSetting> randomSettings(JobConfig job) {
        ModelConfig m = job.model();
        DataConfig d = job.data();
        return Stream.of(new RandomSetting("model.dropout", m.dropout()),
                        new RandomSetting("model.feature-dropout", m.featureDropout()),
                        new RandomSetting("data.augment.horizontal-flip", d.augmentFlip()),
                        new RandomSetting("data.augment.max-shift", d.augmentShift()),
                        new RandomSetting("data.augment.cutout", d.augmentCutout()))
                .filter(r -> !r.value().equals(false) && !(r.value() instanceof Number n && n.doubleValue() == 0))
                .toList();
    }

    /** The report's line on what was switched off and why; empty when nothing was. */
    static String switchedOffLine(List<RandomSetting> switchedOff) {
        List<String> why = new ArrayList<>();
        if (switchedOff.stream().anyMatch(r -> r.key().startsWith("model."))) {
            why.add("dropout masks are random, drawn differently in each JVM");
        }
        if (switchedOff.stream().anyMatch(r -> r.key().startsWith("data."))) {
            why.add("both sides train the images as they are, unaugmented");
        }
        return switchedOff.isEmpty() ? "" : listed(switchedOff) + " for the comparison: " + String.join("; ", why);
    }

    /** The job with its {@link #randomSettings} off. */
    static JobConfig withoutRandomness(JobConfig job) {
        Config c = job.resolved();
        for (RandomSetting r : randomSettings(job)) {
            c = c.withValue(r.key(), ConfigValueFactory.fromAnyRef(r.off()));
        }
        return JobConfig.fromConfig(c);
    }

    /**
     * Why the two may differ in this configuration. On one worker an averaging round loses nothing when the
     * updater has no state (sgd) or its state is averaged too; gradient sharing's encoding is lossy.
     */
    static String conditions(TrainingConfig t, List<RandomSetting> switchedOff) {
        List<String> departures = new ArrayList<>();
        if (TrainingSession.Mode.of(t) != TrainingSession.Mode.AVERAGING) {
            departures.add("training.mode = " + t.mode() + " (threshold-encoded updates are lossy)");
        }
        if (!t.updater().equals("sgd") && !t.averageUpdaters()) {
            departures.add("training.updater = " + t.updater() + " with training.average-updaters = false (its state"
                    + " is reset every " + t.averagingFrequency() + " step(s), at each averaging round)");
        }
        String random = switchedOff.isEmpty() ? "The job has no dropout or augmentation. "
                : "The job's random settings were off for the comparison (" + listed(switchedOff) + "). ";
        return random + (departures.isEmpty()
                ? "On one worker they must agree here (averaging, and sgd or averaged updater state): suspect the Spark"
                + " set-up or nondeterministic native ops (a looser --tolerance shows how far they drift)."
                : "On one worker they agree only with training.mode = averaging and either training.updater = sgd or"
                + " training.average-updaters = true; this job has " + String.join(", ", departures) + ".");
    }

    private static String listed(List<RandomSetting> settings) {
        return String.join(", ", settings.stream().map(RandomSetting::toString).toList());
    }

    /** Mean loss per example over {@code batches}, as DL4J reports it. */
    static double meanLoss(Model network, List<DataSet> batches) {
        double total = 0;
        long count = 0;
        for (DataSet batch : batches) {
            total += Networks.score(network, batch) * batch.numExamples();
            count += batch.numExamples();
        }
        return total / count;
    }

    static double maxAbs(INDArray a, INDArray b) {
        return Transforms.abs(a.sub(b), false).maxNumber().doubleValue();
    }
}
