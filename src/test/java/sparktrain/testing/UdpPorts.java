package sparktrain.testing;

import sparktrain.worker.sharing.PortReservation;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.fail;

/** UDP ports for tests of gradient sharing's executor ports. */
public final class UdpPorts {
    private UdpPorts() {
    }

    /** {@code count} consecutive ports, below Linux's ephemeral ports, that nothing has bound now. */
    public static int freeRange(int count) {
        Random random = new Random();
        for (int attempt = 0; attempt < 100; attempt++) {
            int first = 20000 + random.nextInt(10000);
            boolean free = true;
            for (int p = first; p < first + count && free; p++) {
                free = PortReservation.bindProblem(p) == null;
            }
            if (free) {
                return first;
            }
        }
        return fail("no " + count + " free consecutive UDP ports found");
    }
}
