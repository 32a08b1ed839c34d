package sparktrain.driver;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.UserDefinedType;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.api.Model;
import sparktrain.driver.data.Data;
import sparktrain.driver.data.Inputs;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.data.TableColumns;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.worker.model.Networks;
import sparktrain.worker.output.RunOutputs;
import sparktrain.driver.training.ExecutorScoring;
import sparktrain.worker.inference.PredictRows;
import sparktrain.worker.tasks.Task;
import sparktrain.worker.tasks.TimeSeriesTask;

import java.io.IOException;
import java.util.ArrayList;
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

    /** The output formats of {@link #everyRow}. */
    public static final List<String> OUTPUT_FORMATS = List.of("parquet", "csv");
    private static final String INDEX = "__sparktrain_index";
    private static final String PROBABILITY = "__sparktrain_probability";

    /**
     * {@code predict --input}: every row of the model's job's data.path scored by the executors (the network
     * broadcast once, each partition in minibatches) and written by them to {@code output} (new or empty) as
     * {@code format}: the input's scalar columns (an image's path and class directory), then {@code prediction}
     * (the class name; a regression's value), {@code prediction_index} and {@code probability} (an array; in CSV
     * {@code confidence}, the predicted class's probability). Each output file holds one input partition's rows in
     * their order. Returns the rows written.
     */
    public static long everyRow(SavedModel model, String output, String format) {
        requireWritable(output, format);
        try (JavaSparkContext sc = SparkContexts.start(model.job(), null)) {
            return SparkContexts.withLocalThreadShares(sc, () -> everyRow(SparkSession.builder().sparkContext(sc.sc())
                    .getOrCreate(), model, output, format));
        }
    }

    /** {@link #everyRow(SavedModel, String, String)} on a session that is already running (it is left running). */
    public static long everyRow(SparkSession spark, SavedModel model, String output, String format) {
        requireWritable(output, format);
        JobConfig job = model.job();
        boolean csv = format.equals("csv");
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        Broadcast<byte[]> network = null;
        try {
            Dataset<Row> input = Inputs.toScore(job, spark);
            TableColumns columns = job.data().type().equals("images")
                    ? new TableColumns(List.of("pixels"), true, List.of(), "")
                    : TableColumns.forScoring(input.schema(), job.data(), job.data().path());
            List<String> outputs = model.classes() == null ? List.of("prediction")
                    : List.of("prediction", "prediction_index", csv ? "confidence" : "probability");
            for (String name : outputs) {
                if (List.of(input.schema().fieldNames()).contains(name)) {
                    throw SparktrainException.badData(job.data().path() + ": column " + name
                            + ": the input has a column of the name predict writes: rename it");
                }
            }
            List<String> passed = new ArrayList<>();
            for (StructField f : input.schema().fields()) {
                if (!(f.dataType() instanceof ArrayType || f.dataType() instanceof MapType
                        || f.dataType() instanceof StructType || f.dataType() instanceof BinaryType
                        || f.dataType() instanceof UserDefinedType)) {
                    passed.add(f.name());
                }
            }
            Task task = model.task(Inputs.width(input, columns, job.data().path()));
            network = sc.broadcast(model.network());
            LongAccumulator rows = sc.sc().longAccumulator("predictions");
            Dataset<Row> written = scored(input, job.data().path(), columns, task, network, model.classes(), passed, csv,
                    rows);
            HadoopFiles.writeDirectoryAtomically(HadoopFiles.path(output), SparkContexts.settled(sc, tmp -> {
                var writer = written.write().mode("overwrite").format(format);
                (csv ? writer.option("header", "true") : writer).save(tmp.toString());
            }));
            return rows.value();
        } catch (IOException e) {
            throw HadoopFiles.cannotWrite(output, e);
        } finally {
            if (network != null) {
                network.destroy();
            }
        }
    }

    private static void requireWritable(String output, String format) {
        if (!OUTPUT_FORMATS.contains(format)) {
            throw SparktrainException.usage("--output-format " + format + ": must be one of "
                    + String.join(", ", OUTPUT_FORMATS));
        }
        RunOutputs.requireFresh(output);
    }

    /**
     * {@code input} scored by the executors ({@link PredictRows}): the {@code passed} columns, then the outputs. Only
     * the passed and feature columns are read; {@code counted} adds up the rows scored.
     */
    private static Dataset<Row> scored(Dataset<Row> input, String where, TableColumns columns, Task task,
                                       Broadcast<byte[]> network, List<String> classes, List<String> passed,
                                       boolean csv, LongAccumulator counted) {
        List<String> read = new ArrayList<>(passed);
        columns.features().stream().filter(c -> !passed.contains(c)).forEach(read::add);
        Dataset<Row> rows = input.select(read.stream().map(PredictJob::column).toArray(Column[]::new));
        int[] features = columns.features().stream().mapToInt(read::indexOf).toArray();
        StructType schema = classes == null ? rows.schema().add("prediction", DataTypes.DoubleType, false)
                : rows.schema().add(INDEX, DataTypes.DoubleType, false).add(PROBABILITY, SQLDataTypes.VectorType(), false);
        Dataset<Row> scored = ExecutorScoring.predicted(rows, new PredictRows(task, network, features,
                columns.features(), PredictRows.types(rows.schema(), features), where, "data.features", counted), schema);
        List<Column> out = new ArrayList<>(passed.stream().map(PredictJob::column).toList());
        if (classes == null) {
            out.add(functions.col("prediction"));
        } else {
            Column index = functions.col(INDEX).cast("int");
            Column probability = org.apache.spark.ml.functions.vector_to_array(functions.col(PROBABILITY), "float64");
            out.add(functions.element_at(functions.array(classes.stream().map(functions::lit).toArray(Column[]::new)),
                    index.plus(1)).as("prediction"));
            out.add(index.as("prediction_index"));
            out.add(csv ? functions.array_max(probability).as("confidence") : probability.as("probability"));
        }
        return scored.select(out.toArray(Column[]::new));
    }

    /** A column by name, taken literally (dots and all). */
    private static Column column(String name) {
        return functions.col("`" + name.replace("`", "``") + "`");
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
