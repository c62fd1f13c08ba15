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
            // two token vectors, even and odd rows apart: four independent FMA chains
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = a0;
            FloatVector b0 = a0;
            FloatVector b1 = a0;
            int r = 0;
            for (; r + 1 < rows; r += 2) {
                FloatVector q = FloatVector.broadcast(F, qp[qOff + r]);
                a0 = FloatVector.fromArray(F, kt, r * stride + j).fma(q, a0);
                a1 = FloatVector.fromArray(F, kt, r * stride + j + l).fma(q, a1);
                FloatVector q2 = FloatVector.broadcast(F, qp[qOff + r + 1]);
                b0 = FloatVector.fromArray(F, kt, (r + 1) * stride + j).fma(q2, b0);
                b1 = FloatVector.fromArray(F, kt, (r + 1) * stride + j + l).fma(q2, b1);
            }
            if (r < rows) {
                FloatVector q = FloatVector.broadcast(F, qp[qOff + r]);
                a0 = FloatVector.fromArray(F, kt, r * stride + j).fma(q, a0);
                a1 = FloatVector.fromArray(F, kt, r * stride + j + l).fma(q, a1);
            }
            a0.add(b0).intoArray(s, sOff + j);
            a1.add(b1).intoArray(s, sOff + j + l);
        }
    }

    /**
     * Four heads of {@link #channelMajorScores} at once (query rows {@code qStride} apart, score
     * rows {@code sStride} apart): each key-tile load feeds four heads, eight independent FMA chains.
     */
    static void channelMajorScores4(float[] qp, int qOff, int qStride, int rows, float[] kt, int stride, float[] s, int sOff, int sStride) {
        int l = F.length();
        for (int j = 0; j < stride; j += 2 * l) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = a0;
            FloatVector b0 = a0;
            FloatVector b1 = a0;
            FloatVector c0 = a0;
            FloatVector c1 = a0;
            FloatVector d0 = a0;
            FloatVector d1 = a0;
            for (int r = 0; r < rows; r++) {
                FloatVector k0 = FloatVector.fromArray(F, kt, r * stride + j);
                FloatVector k1 = FloatVector.fromArray(F, kt, r * stride + j + l);
                FloatVector q = FloatVector.broadcast(F, qp[qOff + r]);
                a0 = k0.fma(q, a0);
                a1 = k1.fma(q, a1);
                q = FloatVector.broadcast(F, qp[qOff + qStride + r]);
                b0 = k0.fma(q, b0);
                b1 = k1.fma(q, b1);
                q = FloatVector.broadcast(F, qp[qOff + 2 * qStride + r]);
                c0 = k0.fma(q, c0);
                c1 = k1.fma(q, c1);
                q = FloatVector.broadcast(F, qp[qOff + 3 * qStride + r]);
                d0 = k0.fma(q, d0);
                d1 = k1.fma(q, d1);
            }
            a0.intoArray(s, sOff + j);
            a1.intoArray(s, sOff + j + l);
            b0.intoArray(s, sOff + sStride + j);
            b1.intoArray(s, sOff + sStride + j + l);
            c0.intoArray(s, sOff + 2 * sStride + j);
            c1.intoArray(s, sOff + 2 * sStride + j + l);
            d0.intoArray(s, sOff + 3 * sStride + j);
            d1.intoArray(s, sOff + 3 * sStride + j + l);
        }
    }

    /** All heads' scores against a channel-major key tile (stride a multiple of 2·lanes). */
    static void channelMajorScoresHeads(float[] qp, int qOff, int qStride, int heads, int rows, float[] kt, int stride, float[] s, int sStride) {
        int h = 0;
        for (; h + 4 <= heads; h += 4) {
            channelMajorScores4(qp, qOff + h * qStride, qStride, rows, kt, stride, s, h * sStride, sStride);
        }
        for (; h < heads; h++) {
            channelMajorScores(qp, qOff + h * qStride, rows, kt, stride, s, h * sStride);
        }
    }

    /** {@code q[qOff ..] · x[xOff ..]} over d floats; {@code lanes}: L floats of scratch for the lane sum. */
    static float dot(float[] q, int qOff, float[] x, int xOff, int d, float[] lanes) {
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
        acc.intoArray(lanes, 0);
        return LaneSum.sum(lanes, 0);
    }

    /** {@code acc[aOff ..] += Σ_j p[pOff + j] · x[xOff + j·d ..]} for n rows of d floats. */
    static void accumulate(float[] p, int pOff, int n, float[] x, int xOff, int d, float[] acc, int aOff) {
        int l = F.length();
        int i = 0;
        for (; i + 2 * l <= d; i += 2 * l) {
            // two value vectors, even and odd tokens apart: four independent FMA chains
            FloatVector a0 = FloatVector.fromArray(F, acc, aOff + i);
            FloatVector a1 = FloatVector.fromArray(F, acc, aOff + i + l);
            FloatVector b0 = FloatVector.zero(F);
            FloatVector b1 = b0;
            int j = 0;
            for (; j + 1 < n; j += 2) {
                FloatVector pj = FloatVector.broadcast(F, p[pOff + j]);
                a0 = FloatVector.fromArray(F, x, xOff + j * d + i).fma(pj, a0);
                a1 = FloatVector.fromArray(F, x, xOff + j * d + i + l).fma(pj, a1);
                FloatVector pk = FloatVector.broadcast(F, p[pOff + j + 1]);
                b0 = FloatVector.fromArray(F, x, xOff + (j + 1) * d + i).fma(pk, b0);
                b1 = FloatVector.fromArray(F, x, xOff + (j + 1) * d + i + l).fma(pk, b1);
            }
            if (j < n) {
                FloatVector pj = FloatVector.broadcast(F, p[pOff + j]);
                a0 = FloatVector.fromArray(F, x, xOff + j * d + i).fma(pj, a0);
                a1 = FloatVector.fromArray(F, x, xOff + j * d + i + l).fma(pj, a1);
            }
            a0.add(b0).intoArray(acc, aOff + i);
            a1.add(b1).intoArray(acc, aOff + i + l);
        }
        for (; i < d; i += l) {
            VectorMask<Float> m = F.indexInRange(i, d);
            FloatVector a = FloatVector.fromArray(F, acc, aOff + i, m);
            for (int j = 0; j < n; j++) {
                a = FloatVector.fromArray(F, x, xOff + j * d + i, m).fma(FloatVector.broadcast(F, p[pOff + j]), a);
            }
            a.intoArray(acc, aOff + i, m);
        }
    }

    /**
     * Four heads of {@link #accumulate} (p rows {@code pStride} apart, acc rows d apart; d a
     * multiple of the lanes): two value vectors per pass, eight independent FMA chains.
     */
    static void accumulate4(float[] p, int pOff, int pStride, int n, float[] x, int xOff, int d, float[] acc, int aOff) {
        int l = F.length();
        int i = 0;
        for (; i + 2 * l <= d; i += 2 * l) {
            FloatVector a0 = FloatVector.fromArray(F, acc, aOff + i);
            FloatVector a1 = FloatVector.fromArray(F, acc, aOff + d + i);
            FloatVector a2 = FloatVector.fromArray(F, acc, aOff + 2 * d + i);
            FloatVector a3 = FloatVector.fromArray(F, acc, aOff + 3 * d + i);
            FloatVector e0 = FloatVector.fromArray(F, acc, aOff + i + l);
            FloatVector e1 = FloatVector.fromArray(F, acc, aOff + d + i + l);
            FloatVector e2 = FloatVector.fromArray(F, acc, aOff + 2 * d + i + l);
            FloatVector e3 = FloatVector.fromArray(F, acc, aOff + 3 * d + i + l);
            for (int j = 0; j < n; j++) {
                FloatVector v = FloatVector.fromArray(F, x, xOff + j * d + i);
                FloatVector w = FloatVector.fromArray(F, x, xOff + j * d + i + l);
                FloatVector p0 = FloatVector.broadcast(F, p[pOff + j]);
                FloatVector p1 = FloatVector.broadcast(F, p[pOff + pStride + j]);
                FloatVector p2 = FloatVector.broadcast(F, p[pOff + 2 * pStride + j]);
                FloatVector p3 = FloatVector.broadcast(F, p[pOff + 3 * pStride + j]);
                a0 = v.fma(p0, a0);
                a1 = v.fma(p1, a1);
                a2 = v.fma(p2, a2);
                a3 = v.fma(p3, a3);
                e0 = w.fma(p0, e0);
                e1 = w.fma(p1, e1);
                e2 = w.fma(p2, e2);
                e3 = w.fma(p3, e3);
            }
            a0.intoArray(acc, aOff + i);
            a1.intoArray(acc, aOff + d + i);
            a2.intoArray(acc, aOff + 2 * d + i);
            a3.intoArray(acc, aOff + 3 * d + i);
            e0.intoArray(acc, aOff + i + l);
            e1.intoArray(acc, aOff + d + i + l);
            e2.intoArray(acc, aOff + 2 * d + i + l);
            e3.intoArray(acc, aOff + 3 * d + i + l);
        }
        for (; i < d; i += l) {
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
