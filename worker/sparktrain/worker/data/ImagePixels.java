package sparktrain.worker.data;

import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.LongAccumulator;

import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * On an executor: an image file to score, a (path, bytes) row of Spark's {@code binaryFile} source, as a row of
 * {@link #SCHEMA}: its path, the class its directory under the folder names (null for an image directly in the
 * folder) and its pixels, decoded and resized as {@link ImageRows} does for training.
 *
 * @param folder the folder, as the file system qualifies it
 */
public record ImagePixels(String folder, int height, int width, int channels, boolean skipBad, LongAccumulator skipped)
        implements FlatMapFunction<org.apache.spark.sql.Row, org.apache.spark.sql.Row> {
    public static final StructType SCHEMA = new StructType()
            .add("path", DataTypes.StringType, false)
            .add("label", DataTypes.StringType, true)
            .add("pixels", DataTypes.createArrayType(DataTypes.FloatType, false), false);

    @Override
    public Iterator<org.apache.spark.sql.Row> call(org.apache.spark.sql.Row file) {
        String path = file.getString(0);
        String prefix = folder.endsWith("/") ? folder : folder + "/";
        String relative = path.startsWith(prefix) ? path.substring(prefix.length()) : path;
        String label = relative.indexOf('/') > 0 ? relative.substring(0, relative.indexOf('/')) : null;
        float[] x = ImageRows.pixelsOrSkip(file.getAs(1), path, channels, height, width, skipBad, skipped);
        if (x == null) {
            return Collections.emptyIterator();
        }
        Float[] boxed = new Float[x.length];
        for (int i = 0; i < x.length; i++) {
            boxed[i] = x[i];
        }
        return List.of(RowFactory.create(path, label, boxed)).iterator();
    }
}
