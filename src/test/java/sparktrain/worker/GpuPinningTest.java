package sparktrain.worker;

import org.junit.jupiter.api.Test;

import java.util.OptionalInt;

import static org.junit.jupiter.api.Assertions.assertEquals;

class GpuPinningTest {
    @Test
    void usesSparksAddressWhenAllDevicesAreVisible() {
        assertEquals(OptionalInt.of(3), GpuPinning.deviceIndex(new String[] {"3"}, null));
        assertEquals(OptionalInt.of(1), GpuPinning.deviceIndex(new String[] {"1", "2"}, ""));
    }

    @Test
    void renumbersLikeCudaWhenVisibleDevicesAreRestricted() {
        assertEquals(OptionalInt.of(1), GpuPinning.deviceIndex(new String[] {"5"}, "4, 5"));
        assertEquals(OptionalInt.of(0), GpuPinning.deviceIndex(new String[] {"0"}, "7"));
    }

    @Test
    void noGpuNoPinning() {
        assertEquals(OptionalInt.empty(), GpuPinning.deviceIndex(new String[0], null));
        assertEquals(OptionalInt.empty(), GpuPinning.deviceIndex(null, "0"));
    }
}
