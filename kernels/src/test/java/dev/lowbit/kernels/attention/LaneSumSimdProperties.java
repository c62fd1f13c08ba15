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
 * softmax row ({@link SoftmaxTile#expRow}) adds exactly what it stores, lane-wise, to the running sums. Re-run on
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
            float got = LaneSum.sum(lanes, 0);
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
            float[] sums = new float[l];
            for (int i = 0; i < l; i++) {
                sums[i] = (float) r.nextGaussian(); // the running sums it adds to
            }
            float[] lanes = sums.clone();
            SoftmaxTile.expRow(s, 0, n, m, sums, 0);
            // expRow sums its whole vectors lane-wise, adds that onto the running sums, then adds the
            // partial last vector's lanes (the lanes past n stay as they are)
            int whole = n / l * l;
            float[] block = new float[l];
            for (int i = 0; i < n; i++) {
                if (i < whole) {
                    block[i % l] += s[i];
                }
                assertTrue(s[i] >= 0f && s[i] <= 1f, "p " + s[i] + " at " + i);
            }
            for (int i = 0; i < l; i++) {
                float want = lanes[i] + block[i];
                if (whole + i < n) {
                    want += s[whole + i];
                }
                assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(sums[i]), "n " + n + " lane " + i);
            }
        });
    }
}
