package sparktrain.driver;

import org.apache.spark.SparkConf;
import org.apache.spark.TaskContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.SparkPlugin;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.api.java.function.MapFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import sparktrain.worker.io.HadoopFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Spark write that fails in one task while another starts late (as on a loaded machine) leaves nothing beside its
 * target, and the thread's job group and description are its own again afterwards.
 */
class SettledWriteTest {
    /**
     * Holds back the start of partition 0's task 2 s, through interrupts, as a loaded machine may: Spark's writer
     * opens partition 0's file before it looks at the rows (where a killed task stops), so the late task writes.
     */
    public static final class SlowStart implements SparkPlugin {
        @Override
        public DriverPlugin driverPlugin() {
            return null;
        }

        @Override
        public ExecutorPlugin executorPlugin() {
            return new ExecutorPlugin() {
                @Override
                public void onTaskStart() {
                    if (TaskContext.get().partitionId() != 0) {
                        return;
                    }
                    long end = System.currentTimeMillis() + 2000;
                    boolean interrupted = false;
                    while (System.currentTimeMillis() < end) {
                        try {
                            Thread.sleep(Math.max(1, end - System.currentTimeMillis()));
                        } catch (InterruptedException e) {
                            interrupted = true;
                        }
                    }
                    if (interrupted) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
        }
    }

    @TempDir
    Path tmp;

    @Test
    void aFailedWriteWhoseOtherTaskStillWritesLeavesNothing() throws Exception {
        try (JavaSparkContext sc = new JavaSparkContext(new SparkConf().setMaster("local[2]").setAppName("settled")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                .set("spark.plugins", SlowStart.class.getName()))) {
            SparkSession spark = SparkSession.builder().sparkContext(sc.sc()).getOrCreate();
            // partition 1 fails at once; partition 0's task starts 2 s later, after the job has failed
            Dataset<Long> rows = spark.range(0, 2, 1, 2).map((MapFunction<Long, Long>) i -> {
                if (i == 1) {
                    throw new IllegalStateException("a bad row");
                }
                return i;
            }, Encoders.LONG());
            sc.setJobDescription("mine");
            Path target = tmp.resolve("out");
            HadoopFiles.DirectoryWriter write = dir -> rows.write().mode("overwrite").format("parquet")
                    .save(dir.toString());
            Exception failed = assertThrows(Exception.class, () -> HadoopFiles.writeDirectoryAtomically(
                    HadoopFiles.path(target.toString()), SparkContexts.settled(sc, write)));
            assertTrue(String.valueOf(failed.getMessage()).contains("a bad row"), String.valueOf(failed));
            Thread.sleep(3000); // past the moment the other task would have written
            try (Stream<Path> left = Files.list(tmp)) {
                assertEquals(List.of(), left.toList(), "nothing under the target's name nor a hidden directory");
            }
            assertEquals("mine", sc.getLocalProperty("spark.job.description"));
            assertNull(sc.getLocalProperty("spark.jobGroup.id"));
        }
    }
}
