package sparktrain.driver.data;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.stat.Summarizer;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.DataConfig;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.data.Preprocessing;
import sparktrain.worker.data.Row;
import sparktrain.worker.data.Split;
import sparktrain.worker.data.TableColumns;
import sparktrain.worker.data.TableRows;
import sparktrain.worker.model.InputShape;
import sparktrain.worker.tasks.ClassificationTask;
import sparktrain.worker.tasks.RegressionTask;
import sparktrain.worker.tasks.Task;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * A table in any Spark SQL source (data.type = table): Parquet, ORC, CSV or JSON, read by the executors
 * through Spark SQL and turned into rows there ({@link TableRows}). The driver holds the schema, the resolved
 * columns, the class names (one bounded distinct) and the normalisation statistics (one {@code Summarizer}
 * pass over the training rows). Rows are split by a seeded hash of their id, unless data.validation-path or
 * data.test-path name separate tables of the same format.
 */
final class TableInput {
    private static final Dataset<org.apache.spark.sql.Row> NONE = null;

    private final JobConfig job;
    private final SparkSession spark;
    private final TableColumns columns;
    private final int width;
    private final List<String> classes;
    private final List<String> files;
    private final JavaRDD<Row> all;
    private final JavaRDD<Row> train;
    private final boolean heldOutTest;
    private Preprocessing[] statistics;

    private TableInput(JobConfig job, SparkSession spark, TableColumns columns, int width, List<String> classes,
                       List<String> files, JavaRDD<Row> all, JavaRDD<Row> train, boolean heldOutTest) {
        this.job = job;
        this.heldOutTest = heldOutTest;
        this.spark = spark;
        this.columns = columns;
        this.width = width;
        this.classes = classes;
        this.files = files;
        this.all = all;
        this.train = train;
    }

    static Data read(JobConfig job, JavaSparkContext sc) {
        DataConfig d = job.data();
        SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
        Dataset<org.apache.spark.sql.Row> table = load(spark, d, d.path(), "data.path");
        Dataset<org.apache.spark.sql.Row> validation = d.validationPath().isEmpty() ? NONE
                : load(spark, d, d.validationPath(), "data.validation-path");
        Dataset<org.apache.spark.sql.Row> test = d.testPath().isEmpty() ? NONE
                : load(spark, d, d.testPath(), "data.test-path");
        TableColumns columns;
        try {
            columns = TableColumns.resolve(table.schema(), d, d.path());
        } catch (SparktrainException e) {
            if (table.isEmpty()) { // a CSV file with only a header has string columns, an empty JSON file none
                throw SparktrainException.badData(d.path() + ": no rows (data.path)");
            }
            throw e;
        }
        for (Dataset<org.apache.spark.sql.Row> other : new Dataset[] {validation, test}) {
            if (other != null) {
                String location = other == validation ? d.validationPath() : d.testPath();
                TableColumns theirs = TableColumns.resolve(other.schema(), d, location);
                if (!theirs.equals(columns)) {
                    throw SparktrainException.badData(location + ": the features are " + theirs.features()
                            + ", but " + columns.features() + " in data.path " + d.path());
                }
            }
        }
        List<Dataset<org.apache.spark.sql.Row>> tables = new ArrayList<>(List.of(table));
        List<String> locations = new ArrayList<>(List.of(d.path()));
        if (validation != null) {
            tables.add(validation);
            locations.add(d.validationPath());
        }
        if (test != null) {
            tables.add(test);
            locations.add(d.testPath());
        }
        List<String> classes = d.regression() ? List.of() : classes(d, tables, locations);
        return read(job, spark, columns, tables, validation, test, classes, d.regression() ? null : index(classes), true);
    }

    /**
     * A DataFrame as a job's training table (data.features and data.label name its columns): each row trains or
     * validates (data.validation-fraction), none is held out for a test. A classification's label column holds
     * the class indices 0..k-1 as integers; {@code classes} names them.
     */
    static Data ofDataFrame(JobConfig job, Dataset<org.apache.spark.sql.Row> table, List<String> classes) {
        DataConfig d = job.data();
        TableColumns columns = TableColumns.resolve(table.schema(), d, d.path());
        Map<String, Integer> index = d.regression() ? null
                : index(java.util.stream.IntStream.range(0, classes.size()).mapToObj(Integer::toString).toList());
        return read(job, table.sparkSession(), columns, List.of(table), NONE, NONE, classes, index, false);
    }

    /** Every row of data.path (predict's and evaluate's --input), as its Spark SQL source reads it. */
    static Dataset<org.apache.spark.sql.Row> table(JobConfig job, SparkSession spark) {
        return load(spark, job.data(), job.data().path(), "--input");
    }

    /** Every row of data.path as our rows, the label as an index of {@code classes} (none for a regression). */
    static JavaRDD<Row> everyRow(JobConfig job, SparkSession spark, List<String> classes) {
        DataConfig d = job.data();
        Dataset<org.apache.spark.sql.Row> table = table(job, spark);
        TableColumns columns = TableColumns.resolve(table.schema(), d, d.path());
        return rows(table, columns, Inputs.width(table, columns, d.path()), d.regression() ? null : index(classes),
                d.path());
    }

    /** Each label value (as text) to its class index, its position in {@code values}. */
    private static Map<String, Integer> index(List<String> values) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < values.size(); i++) {
            index.put(values.get(i), i);
        }
        return index;
    }

    /** @param tables the training table first, then the validation and test tables that are given */
    private static Data read(JobConfig job, SparkSession spark, TableColumns columns,
                             List<Dataset<org.apache.spark.sql.Row>> tables, Dataset<org.apache.spark.sql.Row> validation,
                             Dataset<org.apache.spark.sql.Row> test, List<String> classes, Map<String, Integer> index,
                             boolean heldOutTest) {
        DataConfig d = job.data();
        Dataset<org.apache.spark.sql.Row> table = tables.get(0);
        int width = Inputs.width(table, columns, d.path());
        if (d.imageHeight() > 0 && d.imageHeight() * d.imageWidth() * d.imageChannels() != width) {
            throw SparktrainException.badData(d.path() + ": data.features " + columns.features() + " hold " + width
                    + " values per row, but data.image.* is " + d.imageHeight() + "x" + d.imageWidth() + "x"
                    + d.imageChannels() + " = " + d.imageHeight() * d.imageWidth() * d.imageChannels());
        }
        List<JavaRDD<?>> cached = Data.cache();
        JavaRDD<Row> all = Data.keep(rows(table, columns, width, index, d.path()), cached);
        Split split = new Split(job.seed(), validation == null ? d.validationFraction() : 0,
                test == null ? d.testFraction() : 0);
        JavaRDD<Row> trainRows = Data.firstById(Data.of(all, split, Split.TRAIN), d.trainLimit());
        JavaRDD<Row> validationRows = validation == null ? Data.of(all, split, Split.VALIDATION)
                : Data.keep(rows(validation, columns, width, index, d.validationPath()), cached);
        JavaRDD<Row> testRows = Data.firstById(test == null ? Data.of(all, split, Split.TEST)
                : Data.keep(rows(test, columns, width, index, d.testPath()), cached), d.testLimit());
        List<String> files = new ArrayList<>();
        tables.forEach(t -> files.addAll(Arrays.asList(t.inputFiles())));
        TableInput input = new TableInput(job, spark, columns, width, classes, files, all, trainRows, heldOutTest);
        return new Data(trainRows, validationRows, testRows, input::task, input::provenance, input::check, cached);
    }

    /** {@code location} through the Spark SQL source data.format; a path that is missing or not of it is bad data. */
    private static Dataset<org.apache.spark.sql.Row> load(SparkSession spark, DataConfig d, String location,
                                                          String key) {
        DataFrameReader reader = spark.read().format(d.format());
        if (d.format().equals("csv")) {
            reader = reader.option("header", d.csvHeader()).option("sep", d.csvDelimiter())
                    .option("inferSchema", true);
        }
        try {
            return reader.load(location);
        } catch (Exception e) { // Scala throws AnalysisException, a checked exception, undeclared
            String message = String.valueOf(e.getMessage());
            String problem = !(e instanceof AnalysisException) ? "cannot read as " + d.format() + " (data.format): "
                    + firstLine(e)
                    : message.contains("PATH_NOT_FOUND") || message.contains("Path does not exist") ? "not found (" + key + ")"
                    : message.contains("UNABLE_TO_INFER_SCHEMA") ? "no " + d.format() + " files (" + key
                            + (key.equals("--input") ? "; --format names what it holds: parquet, orc, csv, json or images"
                            : "") + ")"
                    : "cannot read as " + d.format() + " (data.format): " + firstLine(e);
            throw SparktrainException.badData(location + ": " + problem, e);
        }
    }

    private static String firstLine(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse("");
    }

    /** A column by name, taken literally (dots and all). */
    private static Column column(String name) {
        return functions.col("`" + name.replace("`", "``") + "`");
    }

    /**
     * The label's classes in sorted order (numerically for integers), from one distinct over every table that
     * comes to the driver bounded by data.max-classes; a null label is bad data naming its file.
     */
    private static List<String> classes(DataConfig d, List<Dataset<org.apache.spark.sql.Row>> tables,
                                        List<String> locations) {
        String label = d.label().get(0);
        boolean integers = TableColumns.integerLabel(tables.get(0).schema(), label);
        Dataset<org.apache.spark.sql.Row> values = null;
        for (Dataset<org.apache.spark.sql.Row> t : tables) {
            Dataset<org.apache.spark.sql.Row> these = t.select(column(label).cast(integers ? "long" : "string"));
            values = values == null ? these : values.union(these);
        }
        List<org.apache.spark.sql.Row> distinct = values.distinct().limit(d.maxClasses() + 1).collectAsList();
        TreeSet<Object> sorted = new TreeSet<>();
        for (org.apache.spark.sql.Row r : distinct) {
            if (r.isNullAt(0)) {
                for (int i = 0; i < tables.size(); i++) {
                    List<org.apache.spark.sql.Row> file = tables.get(i).filter(column(label).isNull())
                            .select(functions.input_file_name()).takeAsList(1);
                    if (!file.isEmpty()) {
                        String where = file.get(0).getString(0).isEmpty() ? locations.get(i) : file.get(0).getString(0);
                        throw SparktrainException.badData(where + ": column " + label
                                + ": null (a row without a label) (data.label)");
                    }
                }
            } else {
                sorted.add(r.get(0));
            }
        }
        List<String> names = sorted.stream().map(Object::toString).toList();
        if (names.size() > d.maxClasses()) {
            throw SparktrainException.badData(d.path() + ": column " + label + " has more than " + d.maxClasses()
                    + " classes (data.max-classes = " + d.maxClasses() + ")" + (integers
                    ? "; to learn a numeric value set data.task = regression" : ""));
        }
        if (names.size() == 1) {
            throw SparktrainException.badData(d.path() + ": column " + label + " has one class, " + names.get(0)
                    + ": classification needs at least two (data.label)");
        }
        return names;
    }

    /** The length of the vector or array in the first row that has one (every row must match it). */
    static int width(Dataset<org.apache.spark.sql.Row> table, TableColumns columns, String location) {
        String name = columns.features().get(0);
        List<org.apache.spark.sql.Row> first = table.select(column(name)).filter(column(name).isNotNull())
                .takeAsList(1);
        if (first.isEmpty()) {
            return 0; // no rows: the checks say so
        }
        Object value = first.get(0).get(0);
        return value instanceof Vector v ? v.size() : first.get(0).getList(0).size();
    }

    /** A table's rows, converted by the executors: the id hash, the features, the labels and the file. */
    private static JavaRDD<Row> rows(Dataset<org.apache.spark.sql.Row> table, TableColumns columns, int width,
                                     Map<String, Integer> classes, String location) {
        List<Column> selected = new ArrayList<>();
        List<Column> hashed = new ArrayList<>();
        for (String name : columns.id().isEmpty() ? columns.selected() : List.of(columns.id())) {
            hashed.add(column(name));
        }
        selected.add(functions.xxhash64(hashed.toArray(Column[]::new)));
        columns.selected().forEach(name -> selected.add(column(name)));
        selected.add(functions.input_file_name());
        return table.select(selected.toArray(Column[]::new)).javaRDD()
                .map(new TableRows(columns, width, classes, location));
    }

    /**
     * Reads every row now (a bad value stops the run here, before anything is written), checks that each split
     * has rows, and computes the statistics.
     */
    private void check(Data data) {
        DataConfig d = job.data();
        long rows = all.count();
        if (rows == 0) {
            throw SparktrainException.badData(d.path() + ": no rows (data.path)");
        }
        long train = data.trainRows();
        long validation = data.validationRows();
        long test = data.testRows();
        if (!d.validationPath().isEmpty() && validation == 0) {
            throw SparktrainException.badData(d.validationPath() + ": no rows (data.validation-path)");
        }
        if (!d.testPath().isEmpty() && test == 0) {
            throw SparktrainException.badData(d.testPath() + ": no rows (data.test-path)");
        }
        String fractions = " after data.validation-fraction = " + (d.validationPath().isEmpty() ? d.validationFraction()
                : 0) + " and data.test-fraction = " + (d.testPath().isEmpty() ? d.testFraction() : 0);
        if (train == 0) {
            throw SparktrainException.badData(d.path() + ": " + rows + " rows leave none for training" + fractions);
        }
        if (d.validationPath().isEmpty() && d.validationFraction() > 0 && validation == 0) {
            throw SparktrainException.badData(d.path() + ": " + rows + " rows leave none for validation" + fractions
                    + ": raise data.validation-fraction, set it to 0 (no validation) or give data.validation-path");
        }
        if (test == 0 && heldOutTest) {
            throw SparktrainException.badData(d.path() + ": " + rows + " rows leave none for the test metrics"
                    + fractions + ": raise data.test-fraction or give data.test-path");
        }
        statistics();
    }

    /** data.normalize's statistics of the inputs and a regression's of the targets, in one pass: [inputs, targets]. */
    private Preprocessing[] statistics() {
        if (statistics != null) {
            return statistics;
        }
        DataConfig d = job.data();
        String method = d.normalize().equals("auto") ? (d.imageHeight() > 0 ? "none" : "standard") : d.normalize();
        statistics = new Preprocessing[2];
        if (method.equals("none") && !d.regression()) {
            return statistics;
        }
        Dataset<org.apache.spark.sql.Row> vectors = spark.createDataFrame(train.map(new TableRows.AsVectors()),
                TableRows.AsVectors.SCHEMA);
        org.apache.spark.sql.Row summary = vectors.select(
                Summarizer.metrics("mean", "std", "min", "max").summary(functions.col("x")),
                Summarizer.metrics("mean", "std").summary(functions.col("y"))).first();
        org.apache.spark.sql.Row x = summary.getStruct(0);
        org.apache.spark.sql.Row y = summary.getStruct(1);
        if (method.equals("standard")) {
            statistics[0] = Preprocessing.standard(x.<Vector>getAs("mean").toArray(), x.<Vector>getAs("std").toArray());
        } else if (method.equals("minmax")) {
            statistics[0] = Preprocessing.minmax(x.<Vector>getAs("min").toArray(), x.<Vector>getAs("max").toArray());
        }
        if (d.regression()) {
            statistics[1] = Preprocessing.standard(y.<Vector>getAs("mean").toArray(), y.<Vector>getAs("std").toArray());
        }
        return statistics;
    }

    private Task task(JobConfig j) {
        DataConfig d = j.data();
        Preprocessing[] s = statistics();
        if (d.regression()) {
            return new RegressionTask(new InputShape(1, width, 1, columns.labels().size()), columns.labels(), s[0], s[1]);
        }
        InputShape shape = d.imageHeight() > 0
                ? new InputShape(d.imageHeight(), d.imageWidth(), d.imageChannels(), classes.size())
                : new InputShape(1, width, 1, classes.size());
        return new ClassificationTask(shape, classes, j.model().loss().equals("mcxent"), d.augmentTestFlip(),
                j.model().labelSmoothing(), s[0]);
    }

    private Map<String, Object> provenance(Data data) {
        DataConfig d = job.data();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("format", d.format());
        p.put("path", d.path());
        if (!d.validationPath().isEmpty()) {
            p.put("validationPath", d.validationPath());
        }
        if (!d.testPath().isEmpty()) {
            p.put("testPath", d.testPath());
        }
        p.put("features", columns.features());
        p.put("inputs", width);
        p.put("labels", columns.labels());
        if (!d.regression()) {
            p.put("classes", classes.size());
        }
        p.put("train", data.trainRows());
        p.put("validation", data.validationRows());
        p.put("test", data.testRows());
        p.put("files", files.stream().sorted(Comparator.naturalOrder()).toList());
        return p;
    }
}
