package dev.lowbit.kernels.attention;

import dev.lowbit.kernels.VectorShapes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * SIMD score and accumulate loops over heap float tiles, shared by the fused quantized kernels.
 *
 * <ul>
 *   <li>channel-major key tile {@code kt[row · stride + t]} (row = channel or spectral
 *       coefficient, lanes over tokens): scores need no horizontal reduction — the prepared
 *       query coefficient is broadcast and multiplied into G-token vectors;</li>
 *   <li>token-major rows {@code x[t · d + c]} (residual keys and values, decoded value tiles):
 *       dot products and {@code acc += p · row}, four query heads per loaded row.</li>
 * </ul>
 */
final class TileOps {
    private static final VectorSpecies<Float> F = VectorShapes.F;

    private TileOps() {}

    /**
     * {@code s[sOff + t] = Σ_r qp[qOff + r] · kt[r · stride + t]} for t in {@code [0, stride)}
     * (stride a multiple of the lane count; pad lanes of kt are zero).
     */
    static void channelMajorScores(float[] qp, int qOff, int rows, float[] kt, int stride, float[] s, int sOff) {
        int l = F.length();
        for (int j = 0; j < stride; j += 2 * l) {
            if (j + 2 * l <= stride) { // two token vectors per pass: two independent FMA chains
                FloatVector a0 = FloatVector.zero(F);
                FloatVector a1 = FloatVector.zero(F);
                for (int r = 0; r < rows; r++) {
                    FloatVector q = FloatVector.broadcast(F, qp[qOff + r]);
                    a0 = FloatVector.fromArray(F, kt, r * stride + j).fma(q, a0);
                    a1 = FloatVector.fromArray(F, kt, r * stride + j + l).fma(q, a1);
                }
                a0.intoArray(s, sOff + j);
                a1.intoArray(s, sOff + j + l);
            } else {
                FloatVector a0 = FloatVector.zero(F);
                for (int r = 0; r < rows; r++) {
                    a0 = FloatVector.fromArray(F, kt, r * stride + j).fma(FloatVector.broadcast(F, qp[qOff + r]), a0);
                }
                a0.intoArray(s, sOff + j);
            }
        }
    }

    /** {@code q[qOff ..] · x[xOff ..]} over d floats. */
    static float dot(float[] q, int qOff, float[] x, int xOff, int d) {
        int l = F.length();
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i <= d - l; i += l) {
            acc = FloatVector.fromArray(F, q, qOff + i).fma(FloatVector.fromArray(F, x, xOff + i), acc);
        }
        if (i < d) {
            VectorMask<Float> m = F.indexInRange(i, d);
            acc = FloatVector.fromArray(F, q, qOff + i, m).fma(FloatVector.fromArray(F, x, xOff + i, m), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** {@code acc[aOff ..] += Σ_j p[pOff + j] · x[xOff + j·d ..]} for n rows of d floats. */
    static void accumulate(float[] p, int pOff, int n, float[] x, int xOff, int d, float[] acc, int aOff) {
        int l = F.length();
        int i = 0;
        for (; i <= d - l; i += l) {
            FloatVector a = FloatVector.fromArray(F, acc, aOff + i);
            for (int j = 0; j < n; j++) {
                a = FloatVector.fromArray(F, x, xOff + j * d + i).fma(FloatVector.broadcast(F, p[pOff + j]), a);
            }
            a.intoArray(acc, aOff + i);
        }
        if (i < d) {
            VectorMask<Float> m = F.indexInRange(i, d);
            FloatVector a = FloatVector.fromArray(F, acc, aOff + i, m);
            for (int j = 0; j < n; j++) {
                a = FloatVector.fromArray(F, x, xOff + j * d + i, m).fma(FloatVector.broadcast(F, p[pOff + j]), a);
            }
            a.intoArray(acc, aOff + i, m);
        }
    }

    /** Four heads of {@link #accumulate} (p rows {@code pStride} apart, acc rows d apart); d a multiple of the lanes. */
    static void accumulate4(float[] p, int pOff, int pStride, int n, float[] x, int xOff, int d, float[] acc, int aOff) {
        int l = F.length();
        for (int i = 0; i < d; i += l) {
            FloatVector a0 = FloatVector.fromArray(F, acc, aOff + i);
            FloatVector a1 = FloatVector.fromArray(F, acc, aOff + d + i);
            FloatVector a2 = FloatVector.fromArray(F, acc, aOff + 2 * d + i);
            FloatVector a3 = FloatVector.fromArray(F, acc, aOff + 3 * d + i);
            for (int j = 0; j < n; j++) {
                FloatVector v = FloatVector.fromArray(F, x, xOff + j * d + i);
                a0 = v.fma(FloatVector.broadcast(F, p[pOff + j]), a0);
                a1 = v.fma(FloatVector.broadcast(F, p[pOff + pStride + j]), a1);
                a2 = v.fma(FloatVector.broadcast(F, p[pOff + 2 * pStride + j]), a2);
                a3 = v.fma(FloatVector.broadcast(F, p[pOff + 3 * pStride + j]), a3);
            }
            a0.intoArray(acc, aOff + i);
            a1.intoArray(acc, aOff + d + i);
            a2.intoArray(acc, aOff + 2 * d + i);
            a3.intoArray(acc, aOff + 3 * d + i);
        }
    }

    /** All heads: {@code acc} of head h at {@code aOff + h·d} += Σ_j p[h·pStride + j] · row_j. */
    static void accumulateHeads(float[] p, int pStride, int heads, int n, float[] x, int xOff, int d, float[] acc, int aOff) {
        int h = 0;
        if (d % F.length() == 0) {
            for (; h + 4 <= heads; h += 4) {
                accumulate4(p, h * pStride, pStride, n, x, xOff, d, acc, aOff + h * d);
            }
        }
        for (; h < heads; h++) {
            accumulate(p, h * pStride, n, x, xOff, d, acc, aOff + h * d);
        }
    }
}
