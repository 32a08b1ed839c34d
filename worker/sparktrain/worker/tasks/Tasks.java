package sparktrain.worker.tasks;

import sparktrain.worker.config.JobConfig;

/** The task a job file's data.type names. */
public final class Tasks {
    private Tasks() {
    }

    /** A task's validation metric and which way is better. */
    public record Metric(String name, boolean higherIsBetter) {
    }

    /** The validation metric of the task a job names, known before any data is read. */
    public static Metric metric(JobConfig job) {
        return switch (job.data().type()) {
            case "fashion-mnist" -> new Metric(FashionMnistTask.METRIC, true);
            case "text" -> new Metric(CharTextTask.METRIC, false);
            default -> new Metric(TimeSeriesTask.METRIC, false);
        };
    }

    public static Task load(JobConfig job) {
        return switch (job.data().type()) {
            case "fashion-mnist" -> FashionMnistTask.load(job);
            case "text" -> CharTextTask.load(job);
            case "sine", "csv-sequences" -> TimeSeriesTask.load(job);
            default -> throw new IllegalArgumentException("unknown data.type " + job.data().type());
        };
    }
}
