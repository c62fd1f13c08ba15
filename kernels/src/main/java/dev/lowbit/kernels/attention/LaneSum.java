package dev.lowbit.kernels.attention;

import dev.lowbit.kernels.VectorShapes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The sum of a float vector's lanes in one fixed order (a pairwise tree: lane i + lane i+L/2,
 * then halves again), whatever runs it. {@code reduceLanes(ADD)} may not: the interpreter and
 * C1 add lanes left to right, C2 in a tree, so the same kernel call could differ in its last bit
 * between JIT tiers (seen as a 1-ulp difference between two calls of one kernel). Kernels whose
 * results must not depend on the tier (same result for the same input, any thread count, any
 * warm-up) sum with this.
 */
final class LaneSum {
    private static final VectorSpecies<Float> F = VectorShapes.F;
    private static final int L = F.length();
    /** Rotations by L/2, L/4, ..., 1 (the unused ones, for narrow species, stay null). */
    static final VectorShuffle<Float> R8 = L >= 16 ? VectorShuffle.iota(F, 8, 1, true) : null;
    static final VectorShuffle<Float> R4 = L >= 8 ? VectorShuffle.iota(F, 4, 1, true) : null;
    static final VectorShuffle<Float> R2 = VectorShuffle.iota(F, 2, 1, true);
    static final VectorShuffle<Float> R1 = VectorShuffle.iota(F, 1, 1, true);

    private LaneSum() {}

    /**
     * Σ of the L lanes at {@code a[off ..]}, pairwise in a fixed order (exact same bits in every JIT
     * tier). Takes an array, not a vector: a vector passed to a call C2 does not inline is boxed
     * (an allocation per call), which a JVM with a mixed history did here (the residual window's
     * dot product, 0.1–0.3 MB per step in the 256-bit test JVM).
     */
    static float sum(float[] a, int off) {
        FloatVector v = FloatVector.fromArray(F, a, off);
        if (L >= 16) {
            v = v.add(v.rearrange(R8));
        }
        if (L >= 8) {
            v = v.add(v.rearrange(R4));
        }
        v = v.add(v.rearrange(R2));
        v = v.add(v.rearrange(R1));
        return v.lane(0);
    }

    /** The same order written out over an array of L lanes (the reference for the tests). */
    static float sumReference(float[] lanes) {
        float[] a = lanes.clone();
        for (int half = a.length / 2; half >= 1; half /= 2) {
            float[] b = new float[a.length];
            for (int i = 0; i < a.length; i++) {
                b[i] = a[i] + a[(i + half) % a.length];
            }
            a = b;
        }
        return a[0];
    }
}
