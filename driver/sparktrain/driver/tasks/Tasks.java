package sparktrain.driver.tasks;

import sparktrain.core.config.JobConfig;

/** The task a job file's data.type names. */
public final class Tasks {
    private Tasks() {
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
