package sparktrain.driver;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.api.Model;
import sparktrain.driver.data.Data;
import sparktrain.driver.data.Inputs;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.worker.model.Networks;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.tasks.TimeSeriesTask;

import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * {@code sparktrain predict}: forecasts of a timeseries-lstm model for the last step of every test
 * sequence of the job's data, with the actual value and the naive forecast, as CSV. The executors forecast;
 * the driver writes the forecasts (one line per sequence and column).
 */
public final class PredictJob {
    private PredictJob() {
    }

    /** Writes the CSV to {@code output} and returns the number of sequences forecast. */
    public static int run(JobConfig job, String modelLocation, String output) {
        if (!job.model().type().equals("timeseries-lstm")) {
            throw SparktrainException.usage("predict: model.type = " + job.model().type()
                    + ": predict takes a timeseries-lstm job (data.type sine or csv-sequences)");
        }
        Model network = RunOutputs.readModel(modelLocation);
        List<TimeSeriesTask.LastStep> steps;
        try (JavaSparkContext sc = SparkContexts.start(job, null);
             Data data = Inputs.read(job, sc)) {
            TimeSeriesTask task = (TimeSeriesTask) data.task(job);
            Broadcast<byte[]> bytes = sc.broadcast(Networks.toBytes(network));
            steps = data.test().mapPartitions(new TimeSeriesTask.LastSteps(task, bytes)).collect();
            bytes.destroy();
        }
        StringBuilder csv = new StringBuilder("sequence,column,actual,forecast,naive\n");
        steps.stream().sorted(Comparator.comparingLong(TimeSeriesTask.LastStep::id)).forEach(s -> {
            for (int c = 0; c < s.actual().length; c++) {
                csv.append(String.format(Locale.ROOT, "%d,%d,%.6g,%.6g,%.6g%n", s.id(), c + 1, s.actual()[c],
                        s.forecast()[c], s.naive()[c]));
            }
        });
        Path target = HadoopFiles.path(output);
        try {
            HadoopFiles.writeAtomically(target, csv.toString());
        } catch (IOException e) {
            throw HadoopFiles.cannotWrite(target, e);
        }
        return steps.size();
    }
}
