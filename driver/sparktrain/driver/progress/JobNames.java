package sparktrain.driver.progress;

import org.apache.spark.api.java.JavaSparkContext;

import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Spark job descriptions that name the epoch, and the trial when a sweep runs several trainings: a sweep
 * sets {@link #TRIAL_PROPERTY} as a local property in the thread that trains a trial
 * ({@code sc.setLocalProperty(JobNames.TRIAL_PROPERTY, "t003")}), and every job of that trial's epochs is
 * then described "sparktrain: trial t003, epoch 2" in the Spark UI, and the progress listener tells trials apart.
 */
public final class JobNames {
    public static final String TRIAL_PROPERTY = "sparktrain.trial";
    /** Spark's own local property behind setJobDescription. */
    public static final String DESCRIPTION_PROPERTY = "spark.job.description";
    private static final Pattern EPOCH = Pattern.compile("^sparktrain: (?:trial (\\S+), )?epoch (\\d+)$");

    private JobNames() {
    }

    public static String epoch(String trial, int epoch) {
        return "sparktrain: " + (trial == null || trial.isBlank() ? "" : "trial " + trial + ", ") + "epoch " + epoch;
    }

    /** The description for {@code epoch} in the calling thread (which may carry a trial). */
    public static String epoch(JavaSparkContext sc, int epoch) {
        return epoch(sc.getLocalProperty(TRIAL_PROPERTY), epoch);
    }

    /**
     * Whether a job of an epoch only counts its data: DL4J counts the RDD before it splits it into rounds, and that
     * job trains nothing. Spark names a job after its result stage (the last one), "count at FILE:LINE".
     */
    public static boolean countsOnly(String resultStageName) {
        return resultStageName.startsWith("count at ");
    }

    /** The trial ("" for none) and epoch a job's properties name, or null when the job is not a training epoch's. */
    public static Epoch of(Properties jobProperties) {
        if (jobProperties == null) {
            return null;
        }
        return of(jobProperties.getProperty(DESCRIPTION_PROPERTY));
    }

    /** The trial ("" for none) and epoch a job's description names, or null when it is not a training epoch's. */
    public static Epoch of(String description) {
        if (description == null) {
            return null;
        }
        Matcher m = EPOCH.matcher(description);
        return m.matches() ? new Epoch(m.group(1) == null ? "" : m.group(1), Integer.parseInt(m.group(2))) : null;
    }

    public record Epoch(String trial, int epoch) {
    }
}
