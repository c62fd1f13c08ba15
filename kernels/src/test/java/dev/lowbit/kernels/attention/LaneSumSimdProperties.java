package dev.lowbit.kernels.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.lowbit.kernels.VectorShapes;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/**
 * {@link LaneSum#sum} (the fixed-order lane sum that replaced {@code reduceLanes(ADD)} in the
 * attention kernels) equals its scalar statement {@link LaneSum#sumReference} bit for bit, for
 * lanes of mixed magnitudes and signs where the summation order changes the result; and the
 * softmax row ({@link SoftmaxTile#expRow}) returns that same sum of what it stores. Re-run on
 * 256/128-bit species by surefire.
 */
class LaneSumSimdProperties {

    @Test
    void laneSumEqualsScalarTree() {
        qt().withExamples(300).forAll(integers().between(0, 6), longs().all()).checkAssert((spread, seed) -> {
            Random r = new Random(seed);
            int l = VectorShapes.F.length();
            float[] lanes = new float[l];
            for (int i = 0; i < l; i++) {
                lanes[i] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(spread + 1) - spread / 2.0));
            }
            float got = LaneSum.sum(FloatVector.fromArray(VectorShapes.F, lanes, 0));
            assertEquals(Float.floatToRawIntBits(LaneSum.sumReference(lanes)), Float.floatToRawIntBits(got),
                    "lanes " + java.util.Arrays.toString(lanes) + " on " + VectorShapes.describe());
        });
    }

    @Test
    void expRowSumsWhatItStores() {
        qt().withExamples(200).forAll(integers().between(1, 40), longs().all()).checkAssert((n, seed) -> {
            Random r = new Random(seed);
            int l = VectorShapes.F.length();
            float[] s = new float[n + 2 * l];
            float m = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                s[i] = (float) (r.nextGaussian() * 20);
                m = Math.max(m, s[i]);
            }
            float got = SoftmaxTile.expRow(s, 0, n, m);
            // expRow adds vectors lane-wise (masked tail adds 0 in the unused lanes), then LaneSum's tree
            float[] lanes = new float[l];
            for (int i = 0; i < n; i++) {
                lanes[i % l] += s[i];
                assertTrue(s[i] >= 0f && s[i] <= 1f, "p " + s[i] + " at " + i);
            }
            assertEquals(Float.floatToRawIntBits(LaneSum.sumReference(lanes)), Float.floatToRawIntBits(got), "n " + n);
        });
    }
}
