package sparktrain.worker.tasks;

import sparktrain.worker.config.JobConfig;

/** What the task a job file's data.type names measures, known before any data is read. */
public final class Tasks {
    private Tasks() {
    }

    /** A task's validation metric and which way is better. */
    public record Metric(String name, boolean higherIsBetter) {
    }

    public static Metric metric(JobConfig job) {
        return switch (job.data().type()) {
            case "text" -> new Metric(CharTextTask.METRIC, false);
            case "sine", "csv-sequences" -> new Metric(TimeSeriesTask.METRIC, false);
            default -> job.data().regression() ? new Metric(RegressionTask.METRIC, false)
                    : new Metric(ClassificationTask.METRIC, true);
        };
    }
}
