package sparktrain.driver.data;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.LongAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.config.DataConfig;
import sparktrain.worker.config.JobConfig;
import sparktrain.worker.data.ImagePixels;
import sparktrain.worker.data.ImageRows;
import sparktrain.worker.data.Row;
import sparktrain.worker.data.Split;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.worker.model.InputShape;
import sparktrain.worker.tasks.ClassificationTask;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A folder of images with one subdirectory per class ({@code data.type = images}): the driver lists the class
 * directories, the executors read and decode the files (Spark's {@code binaryFile} source, which skips names
 * starting with {@code .} or {@code _}, at any depth). Validation and test images come from their own folders
 * ({@code data.validation-path}, {@code data.test-path}) or are a seeded share of {@code data.path}'s, by the hash
 * of each image's path.
 */
final class ImageFolderInput {
    private static final Logger log = LoggerFactory.getLogger(ImageFolderInput.class);

    private ImageFolderInput() {
    }

    /** A folder as the driver lists it: its class directories' names, sorted. */
    record Folder(String location, String key, Path qualified, List<String> classes) {
        static Folder list(String location, String key) {
            Path root = HadoopFiles.path(location);
            FileSystem fs = HadoopFiles.fileSystem(root);
            try {
                if (!fs.getFileStatus(root).isDirectory()) {
                    throw SparktrainException.badData(location + ": not a directory (" + key + "): data.type = images"
                            + " reads a directory with one subdirectory of images per class");
                }
                List<String> classes = Arrays.stream(fs.listStatus(root)).filter(FileStatus::isDirectory)
                        .map(s -> s.getPath().getName()).filter(name -> !hidden(name)).sorted().toList();
                if (classes.isEmpty()) {
                    throw SparktrainException.badData(location + ": no images: no class directories (" + key
                            + "): data.type = images reads one subdirectory of images per class, named after its class");
                }
                return new Folder(location, key, fs.makeQualified(root), classes);
            } catch (FileNotFoundException e) {
                throw SparktrainException.badData(location + ": not found (" + key + ")");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot list " + location + " (" + key + "): " + e.getMessage(), e);
            }
        }

        /** What Hadoop's and Spark's file sources skip. */
        static boolean hidden(String name) {
            return name.startsWith(".") || name.startsWith("_");
        }

        String directory(String className) {
            return new Path(qualified, className).toString();
        }
    }

    static Data read(JobConfig job, JavaSparkContext sc) {
        DataConfig d = job.data();
        Folder folder = Folder.list(d.path(), "data.path");
        List<String> classes = folder.classes();
        if (classes.size() < 2) {
            throw SparktrainException.badData(d.path() + ": one class directory (" + classes.get(0)
                    + "): classification needs at least 2 (data.path)");
        }
        if (classes.size() > d.maxClasses()) {
            throw SparktrainException.badData(d.path() + ": " + classes.size() + " class directories, more than"
                    + " data.max-classes = " + d.maxClasses() + ": is every subdirectory a class? If so, raise data.max-classes");
        }
        Folder validationFolder = d.validationPath().isEmpty() ? null : sameClasses(Folder.list(d.validationPath(),
                "data.validation-path"), folder);
        Folder testFolder = d.testPath().isEmpty() ? null : sameClasses(Folder.list(d.testPath(), "data.test-path"), folder);

        LongAccumulator skipped = sc.sc().longAccumulator("sparktrain skipped images");
        SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
        List<JavaRDD<?>> cached = Data.cache();
        JavaRDD<Row> all = Data.keep(rows(sc, spark, folder, classes, d, skipped), cached);
        JavaRDD<Row> validationRows = validationFolder == null ? null
                : Data.keep(rows(sc, spark, validationFolder, classes, d, skipped), cached);
        JavaRDD<Row> testRows = testFolder == null ? null
                : Data.keep(rows(sc, spark, testFolder, classes, d, skipped), cached);
        double validationFraction = validationFolder == null ? d.validationFraction() : 0;
        double testFraction = testFolder == null ? d.testFraction() : 0;
        Split split = new Split(job.seed(), validationFraction, testFraction);
        JavaRDD<Row> train = Data.firstById(Data.of(all, split, Split.TRAIN), d.trainLimit());
        JavaRDD<Row> validation = validationRows == null ? Data.of(all, split, Split.VALIDATION) : validationRows;
        JavaRDD<Row> test = Data.firstById(testRows == null ? Data.of(all, split, Split.TEST) : testRows, d.testLimit());
        InputShape shape = new InputShape(d.imageHeight(), d.imageWidth(), d.imageChannels(), classes.size());
        return new Data(train, validation, test,
                j -> new ClassificationTask(shape, classes, j.model().loss().equals("mcxent"), j.data().augmentTestFlip(),
                        j.model().labelSmoothing(), null),
                data -> provenance(data, d, classes, skipped.value()),
                data -> {
                    long images = requireEveryClass(all, folder, classes, skipped);
                    if (validationRows != null) {
                        requireEveryClass(validationRows, validationFolder, classes, skipped);
                    }
                    if (testRows != null) {
                        requireEveryClass(testRows, testFolder, classes, skipped);
                    }
                    String leave = d.path() + ": " + images + " images leave none for ";
                    String after = " after data.validation-fraction = " + validationFraction + " and data.test-fraction = "
                            + testFraction;
                    if (data.trainRows() == 0) {
                        throw SparktrainException.badData(leave + "training" + after);
                    }
                    if (data.validationRows() == 0 && validationFraction > 0) {
                        throw SparktrainException.badData(leave + "validation" + after + " (or set data.validation-path)");
                    }
                    if (data.testRows() == 0) {
                        throw SparktrainException.badData(leave + "testing" + after + " (or set data.test-path)");
                    }
                    if (skipped.value() > 0) {
                        log.warn("skipped {} image(s) that cannot be decoded (data.skip-bad-files = true; the executors'"
                                + " log names each)", skipped.value());
                    }
                }, cached);
    }

    /**
     * Every image under data.path, at any depth, to score: (path, class directory or null, pixels) rows
     * ({@link ImagePixels#SCHEMA}), in the order of the files' partitions.
     */
    static Dataset<org.apache.spark.sql.Row> toScore(JobConfig job, SparkSession spark) {
        DataConfig d = job.data();
        Path root = HadoopFiles.path(d.path());
        FileSystem fs = HadoopFiles.fileSystem(root);
        try {
            if (!fs.getFileStatus(root).isDirectory()) {
                throw SparktrainException.badData(d.path() + ": not a directory of images (--input)");
            }
        } catch (FileNotFoundException e) {
            throw SparktrainException.badData(d.path() + ": not found (--input)");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + d.path() + ": " + e.getMessage(), e);
        }
        String folder = fs.makeQualified(root).toString();
        LongAccumulator skipped = spark.sparkContext().longAccumulator("sparktrain skipped images");
        JavaRDD<org.apache.spark.sql.Row> images = spark.read().format("binaryFile")
                .option("recursiveFileLookup", "true").load(globEscaped(folder)).select("path", "content").javaRDD()
                .coalesce(spark.sparkContext().defaultParallelism())
                .flatMap(new ImagePixels(folder, d.imageHeight(), d.imageWidth(), d.imageChannels(), d.skipBadFiles(),
                        skipped));
        return spark.createDataFrame(images, ImagePixels.SCHEMA);
    }

    /** Every image of data.path's class directories, each class one of {@code classes} (a model's). */
    static JavaRDD<Row> everyRow(JobConfig job, JavaSparkContext sc, List<String> classes) {
        DataConfig d = job.data();
        Folder folder = Folder.list(d.path(), "--input");
        for (String c : folder.classes()) {
            if (ImageRows.classIndex(classes, c) < 0) {
                throw SparktrainException.badData(folder.directory(c) + ": class " + c
                        + " is not one of the model's classes " + String.join(", ", classes) + " (labels.json)");
            }
        }
        LongAccumulator skipped = sc.sc().longAccumulator("sparktrain skipped images");
        SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
        return rows(sc, spark, folder, classes, d, skipped);
    }

    /**
     * The images of {@code folder}'s class directories, decoded by the executors. Spark's file source packs small
     * files 32 to a partition (it counts 4 MB to open each): one task per default parallelism reads them in a
     * fraction of the time a task per 32 images takes, and leaves the rows spread evenly.
     */
    private static JavaRDD<Row> rows(JavaSparkContext sc, SparkSession spark, Folder folder, List<String> classes,
                                     DataConfig d, LongAccumulator skipped) {
        String[] directories = folder.classes().stream().map(c -> globEscaped(folder.directory(c))).toArray(String[]::new);
        return spark.read().format("binaryFile").option("recursiveFileLookup", "true").load(directories)
                .select("path", "content").javaRDD().coalesce(sc.defaultParallelism())
                .flatMap(new ImageRows(folder.qualified().toString(), classes, d.imageHeight(), d.imageWidth(),
                        d.imageChannels(), d.skipBadFiles(), skipped));
    }

    /** Spark globs a path with any of these characters in it: a class named "a[1]" means itself. */
    static String globEscaped(String path) {
        return path.replaceAll("([\\\\{}\\[\\]*?])", "\\\\$1");
    }

    /** A validation or test folder's classes must be training classes (it need not have all). */
    private static Folder sameClasses(Folder other, Folder training) {
        for (String c : other.classes()) {
            if (Collections.binarySearch(training.classes(), c) < 0) {
                throw SparktrainException.badData(other.directory(c) + ": class " + c + " (" + other.key()
                        + ") has no directory in data.path " + training.location() + ", whose classes are "
                        + String.join(", ", training.classes()));
            }
        }
        return other;
    }

    /** Fails on a class directory without images; returns the number of images. */
    private static long requireEveryClass(JavaRDD<Row> rows, Folder folder, List<String> classes,
                                          LongAccumulator skipped) {
        Map<Integer, Long> counts = rows.map(new Row.Label()).countByValue();
        for (String c : folder.classes()) {
            if (counts.getOrDefault(ImageRows.classIndex(classes, c), 0L) == 0) {
                throw SparktrainException.badData(folder.directory(c) + ": an empty class directory: no images ("
                        + folder.key() + "; names starting with . or _ are skipped"
                        + (skipped.value() > 0 ? ", and " + skipped.value() + " undecodable file(s) were" : "") + ")");
            }
        }
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }

    private static Map<String, Object> provenance(Data data, DataConfig d, List<String> classes, long skipped) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("path", d.path());
        if (!d.validationPath().isEmpty()) {
            p.put("validationPath", d.validationPath());
        }
        if (!d.testPath().isEmpty()) {
            p.put("testPath", d.testPath());
        }
        p.put("classes", classes);
        p.put("train", data.trainRows());
        p.put("validation", data.validationRows());
        p.put("test", data.testRows());
        p.put("skippedBadFiles", skipped);
        return p;
    }
}
