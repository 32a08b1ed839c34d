package sparktrain.driver;

import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.api.Model;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.output.RunOutputs;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.worker.tasks.TimeSeriesTask;

import java.io.IOException;
import java.util.Locale;

/**
 * {@code sparktrain predict}: forecasts of a timeseries-lstm model for the last step of every test
 * sequence of the job's data, with the actual value and the naive forecast, as CSV.
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
        TimeSeriesTask task = TimeSeriesTask.load(job);
        TimeSeriesTask.Forecasts f = TimeSeriesTask.lastStepForecasts(network,
                TimeSeriesTask.batches(task.data().test(), 256));
        StringBuilder csv = new StringBuilder("sequence,column,actual,forecast,naive\n");
        for (int i = 0; i < f.actual().length; i++) {
            for (int c = 0; c < f.actual()[i].length; c++) {
                csv.append(String.format(Locale.ROOT, "%d,%d,%.6g,%.6g,%.6g%n", i, c + 1, f.actual()[i][c],
                        f.forecast()[i][c], f.naive()[i][c]));
            }
        }
        Path target = HadoopFiles.path(output);
        try {
            HadoopFiles.writeAtomically(target, csv.toString());
        } catch (IOException e) {
            throw HadoopFiles.cannotWrite(target, e);
        }
        return f.actual().length;
    }
}
