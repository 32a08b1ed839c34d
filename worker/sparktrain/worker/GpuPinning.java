package sparktrain.worker;

import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.nd4j.linalg.factory.Nd4j;

import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;

/**
 * Pins ND4J in the calling task thread to the GPU Spark's resource scheduling assigned to the task
 * ({@code spark.task.resource.gpu.amount}). Without it ND4J's CUDA backend spreads threads over every
 * GPU it can see, including ones Spark gave to other executors. Does nothing on the CPU backend or
 * when the task has no GPU. Unverified on real GPUs: no GPU machine was available; only the address
 * mapping is tested.
 */
public final class GpuPinning {
    private GpuPinning() {
    }

    /** Call at the start of a task, before the network is created or the model broadcast is read. */
    public static void pinToTaskGpu() {
        TaskContext task = TaskContext.get();
        if (task == null) {
            return;
        }
        ResourceInformation gpus = task.resourcesJMap().get("gpu");
        if (gpus != null) {
            pin(gpus.addresses(), System.getenv("CUDA_VISIBLE_DEVICES"));
        }
    }

    public static void pin(String[] addresses, String cudaVisibleDevices) {
        deviceIndex(addresses, cudaVisibleDevices).ifPresent(Nd4j.getAffinityManager()::unsafeSetDevice);
    }

    /**
     * The ND4J device index for the first of Spark's GPU addresses. Spark reports the addresses the
     * discovery script printed (nvidia-smi indexes); when CUDA_VISIBLE_DEVICES restricts the devices
     * (YARN, Kubernetes device plugins), CUDA renumbers them from 0 in that list's order.
     */
    static OptionalInt deviceIndex(String[] addresses, String cudaVisibleDevices) {
        if (addresses == null || addresses.length == 0) {
            return OptionalInt.empty();
        }
        String address = addresses[0].trim();
        if (cudaVisibleDevices == null || cudaVisibleDevices.isBlank()) {
            return OptionalInt.of(Integer.parseInt(address));
        }
        List<String> visible = Arrays.stream(cudaVisibleDevices.split(",")).map(String::trim).toList();
        int index = visible.indexOf(address);
        // the address may already be an index among the visible devices
        return OptionalInt.of(index >= 0 ? index : Integer.parseInt(address));
    }
}
