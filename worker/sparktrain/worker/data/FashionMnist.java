package sparktrain.worker.data;

import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.input.PortableDataStream;
import org.apache.spark.util.CollectionAccumulator;
import scala.Tuple2;
import sparktrain.worker.SparktrainException;
import sparktrain.worker.io.HadoopFiles;
import sparktrain.worker.model.InputShape;

import java.util.Iterator;
import java.util.List;

/** The Fashion-MNIST data set (Xiao et al. 2017) from a directory holding its four IDX files. */
public final class FashionMnist {
    public static final int SIDE = 28;
    public static final int CLASSES = 10;
    public static final List<String> CLASS_NAMES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
            "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    public static final String INSTALL_HINT =
            "install the data set with: apt-get install dataset-fashion-mnist (or set data.path)";
    public static final InputShape SHAPE = new InputShape(SIDE, SIDE, 1, CLASSES);
    public static final String TRAIN = "train";
    public static final String TEST = "t10k";

    private FashionMnist() {
    }

    /** The images file of a split ({@link #TRAIN} or {@link #TEST}) in {@code directory}, plain or gzipped. */
    public static Path images(String directory, String split) {
        return find(directory, split + "-images-idx3-ubyte");
    }

    /** The labels file of a split in {@code directory}, plain or gzipped. */
    public static Path labels(String directory, String split) {
        return find(directory, split + "-labels-idx1-ubyte");
    }

    private static Path find(String directory, String base) {
        for (String name : List.of(base + ".gz", base)) {
            Path candidate = new Path(HadoopFiles.path(directory), name);
            if (HadoopFiles.exists(candidate.toString())) {
                return candidate;
            }
        }
        throw SparktrainException.badData(directory + ": no " + base + ".gz or " + base + " (data.path); " + INSTALL_HINT);
    }

    /**
     * On an executor: the images file it is given with the labels file beside it (which a gzipped file's one
     * task reads whole) as rows: pixels scaled to [0, 1], the class index, the record's index as the id. Only
     * the first {@code limit} records (0 = all); the files read go to {@code files}.
     */
    public record IdxRows(String labels, int limit, CollectionAccumulator<DataFile> files)
            implements FlatMapFunction<Tuple2<String, PortableDataStream>, Row> {
        @Override
        public Iterator<Row> call(Tuple2<String, PortableDataStream> imagesFile) {
            Path images = new Path(imagesFile._1());
            Path labelsPath = new Path(labels);
            IdxFile.Contents img = IdxFile.readImages(images, SIDE, SIDE);
            IdxFile.Contents lab = IdxFile.readLabels(labelsPath, CLASSES);
            if (img.count() != lab.count()) {
                throw SparktrainException.badData(images + " holds " + img.count() + " images but " + labelsPath
                        + " holds " + lab.count() + " labels: the counts must agree");
            }
            files.add(new DataFile(images.toString(), img.storedBytes(), img.sha256()));
            files.add(new DataFile(labelsPath.toString(), lab.storedBytes(), lab.sha256()));
            int count = limit > 0 ? Math.min(limit, img.count()) : img.count();
            int n = SIDE * SIDE;
            byte[] pixels = img.data();
            byte[] classes = lab.data();
            return java.util.stream.IntStream.range(0, count).mapToObj(i -> {
                float[] x = new float[n];
                for (int j = 0; j < n; j++) {
                    x[j] = (pixels[i * n + j] & 0xff) / 255f;
                }
                return Row.labelled(i, x, classes[i] & 0xff);
            }).iterator();
        }
    }
}
