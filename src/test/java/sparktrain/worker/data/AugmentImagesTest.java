package sparktrain.worker.data;

import sparktrain.worker.data.AugmentImages;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import sparktrain.testing.Serialization;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AugmentImagesTest {
    /** A 3x3 image 1..9, row by row. */
    private static final float[] IMAGE = {1, 2, 3, 4, 5, 6, 7, 8, 9};

    private static float[] once(AugmentImages augment, long randomSeed) {
        INDArray images = Nd4j.create(new float[][] {IMAGE});
        return augment.augment(images, new SplittableRandom(randomSeed)).toFloatVector();
    }

    @Test
    void nothingToDoLeavesTheImage() {
        assertArrayEquals(IMAGE, once(new AugmentImages(3, 3, 1, false, 0, 0, 1, 0), 5));
    }

    @Test
    void flipsMirrorRowsAndShiftsFillTheBorderWithBlack() {
        AugmentImages flip = new AugmentImages(3, 3, 1, true, 0, 0, 1, 0);
        List<String> seen = new ArrayList<>();
        for (long s = 0; s < 20; s++) {
            seen.add(java.util.Arrays.toString(once(flip, s)));
        }
        assertTrue(seen.contains(java.util.Arrays.toString(IMAGE)), "unflipped in 20 draws");
        assertTrue(seen.contains(java.util.Arrays.toString(new float[] {3, 2, 1, 6, 5, 4, 9, 8, 7})), "flipped in 20 draws");

        AugmentImages shift = new AugmentImages(3, 3, 1, false, 1, 0, 1, 0);
        List<String> shifts = new ArrayList<>();
        for (int dy = -1; dy <= 1; dy++) {
            for (int dx = -1; dx <= 1; dx++) {
                shifts.add(java.util.Arrays.toString(shifted(dy, dx)));
            }
        }
        java.util.Set<String> drawn = new java.util.HashSet<>();
        for (long s = 0; s < 60; s++) {
            String out = java.util.Arrays.toString(once(shift, s));
            assertTrue(shifts.contains(out), out + " is not IMAGE shifted by at most 1 pixel");
            drawn.add(out);
        }
        assertTrue(drawn.size() >= 7, drawn.size() + " of the 9 shifts in 60 draws");
    }

    @Test
    void cutoutBlackensOneSquareThatMayHangOverTheEdge() {
        AugmentImages cutout = new AugmentImages(3, 3, 1, false, 0, 2, 1, 0);
        java.util.Set<Integer> blackCounts = new java.util.HashSet<>();
        for (long s = 0; s < 60; s++) {
            float[] out = once(cutout, s);
            int black = 0;
            for (int p = 0; p < 9; p++) {
                assertTrue(out[p] == 0 || out[p] == IMAGE[p], "pixel " + p + " is " + out[p]);
                black += out[p] == 0 ? 1 : 0;
            }
            blackCounts.add(black);
        }
        // a 2x2 square centred on a corner, an edge or the middle of 3x3: 1, 2 or 4 pixels
        assertEquals(java.util.Set.of(1, 2, 4), blackCounts);
    }

    @Test
    void mirrorReversesEveryRowOfEveryImage() {
        INDArray images = Nd4j.create(new float[][] {IMAGE, {9, 8, 7, 6, 5, 4, 3, 2, 1}});
        assertArrayEquals(new float[][] {{3, 2, 1, 6, 5, 4, 9, 8, 7}, {7, 8, 9, 4, 5, 6, 1, 2, 3}},
                AugmentImages.mirror(images, new sparktrain.worker.model.InputShape(3, 3, 1, 2)).toFloatMatrix());
    }

    /** IMAGE moved down dy and right dx, black where nothing moved in. */
    private static float[] shifted(int dy, int dx) {
        float[] out = new float[9];
        for (int y = 0; y < 3; y++) {
            for (int x = 0; x < 3; x++) {
                int fy = y - dy;
                int fx = x - dx;
                out[y * 3 + x] = fy >= 0 && fy < 3 && fx >= 0 && fx < 3 ? IMAGE[fy * 3 + fx] : 0;
            }
        }
        return out;
    }

    @Test
    void eachEpochChangesTheImagesDifferentlyAndLabelsStay() throws Exception {
        AugmentImages augment = Serialization.roundTrip(new AugmentImages(3, 3, 1, true, 1, 0, 7, 0));
        DataSet batch = new DataSet(Nd4j.create(new float[][] {IMAGE, IMAGE, IMAGE, IMAGE}), Nd4j.eye(4));
        DataSet first = augment.forEpoch(1).call(0, List.of(batch).iterator()).next();
        DataSet again = augment.forEpoch(1).call(0, List.of(batch).iterator()).next();
        DataSet second = augment.forEpoch(2).call(0, List.of(batch).iterator()).next();
        assertEquals(first.getFeatures(), again.getFeatures());
        assertNotEquals(first.getFeatures(), second.getFeatures());
        assertEquals(batch.getLabels(), second.getLabels());
        Iterator<DataSet> none = augment.call(0, List.<DataSet>of().iterator());
        assertTrue(!none.hasNext());
    }
}
