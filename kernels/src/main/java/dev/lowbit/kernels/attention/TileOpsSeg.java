package dev.lowbit.kernels.attention;

import dev.lowbit.kernels.VectorShapes;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link TileOps} reading the key block and value rows straight from a little-endian F32
 * {@link MemorySegment} (byte offsets {@code ktOff}, {@code xOff}): the FP32 baseline streams its
 * cache through the FMAs with no copy, so memory reads overlap the arithmetic. Same loops, same
 * summation order as {@link TileOps}. (Generated from TileOps by replacing array loads.)
 */
final class TileOpsSeg {
    private static final VectorSpecies<Float> F = VectorShapes.F;
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private TileOpsSeg() {}

    static void channelMajorScores(float[] qp, int qOff, int rows, MemorySegment kt, long ktOff, int stride, float[] s, int sOff) {
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
                a0 = FloatVector.fromMemorySegment(F, kt, ktOff + 4L * (r * stride + j), LE).fma(q, a0);
                a1 = FloatVector.fromMemorySegment(F, kt, ktOff + 4L * (r * stride + j + l), LE).fma(q, a1);
                FloatVector q2 = FloatVector.broadcast(F, qp[qOff + r + 1]);
                b0 = FloatVector.fromMemorySegment(F, kt, ktOff + 4L * ((r + 1) * stride + j), LE).fma(q2, b0);
                b1 = FloatVector.fromMemorySegment(F, kt, ktOff + 4L * ((r + 1) * stride + j + l), LE).fma(q2, b1);
            }
            if (r < rows) {
                FloatVector q = FloatVector.broadcast(F, qp[qOff + r]);
                a0 = FloatVector.fromMemorySegment(F, kt, ktOff + 4L * (r * stride + j), LE).fma(q, a0);
                a1 = FloatVector.fromMemorySegment(F, kt, ktOff + 4L * (r * stride + j + l), LE).fma(q, a1);
            }
            a0.add(b0).intoArray(s, sOff + j);
            a1.add(b1).intoArray(s, sOff + j + l);
        }
    }

    static void channelMajorScores4(float[] qp, int qOff, int qStride, int rows, MemorySegment kt, long ktOff, int stride, float[] s, int sOff, int sStride) {
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
                FloatVector k0 = FloatVector.fromMemorySegment(F, kt, ktOff + 4L * (r * stride + j), LE);
                FloatVector k1 = FloatVector.fromMemorySegment(F, kt, ktOff + 4L * (r * stride + j + l), LE);
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
    static void channelMajorScoresHeads(float[] qp, int qOff, int qStride, int heads, int rows, MemorySegment kt, long ktOff, int stride, float[] s, int sStride) {
        int h = 0;
        for (; h + 4 <= heads; h += 4) {
            channelMajorScores4(qp, qOff + h * qStride, qStride, rows, kt, ktOff, stride, s, h * sStride, sStride);
        }
        for (; h < heads; h++) {
            channelMajorScores(qp, qOff + h * qStride, rows, kt, ktOff, stride, s, h * sStride);
        }
    }

    static void accumulate(float[] p, int pOff, int n, MemorySegment x, long xOff, int d, float[] acc, int aOff) {
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
                a0 = FloatVector.fromMemorySegment(F, x, xOff + 4L * (j * d + i), LE).fma(pj, a0);
                a1 = FloatVector.fromMemorySegment(F, x, xOff + 4L * (j * d + i + l), LE).fma(pj, a1);
                FloatVector pk = FloatVector.broadcast(F, p[pOff + j + 1]);
                b0 = FloatVector.fromMemorySegment(F, x, xOff + 4L * ((j + 1) * d + i), LE).fma(pk, b0);
                b1 = FloatVector.fromMemorySegment(F, x, xOff + 4L * ((j + 1) * d + i + l), LE).fma(pk, b1);
            }
            if (j < n) {
                FloatVector pj = FloatVector.broadcast(F, p[pOff + j]);
                a0 = FloatVector.fromMemorySegment(F, x, xOff + 4L * (j * d + i), LE).fma(pj, a0);
                a1 = FloatVector.fromMemorySegment(F, x, xOff + 4L * (j * d + i + l), LE).fma(pj, a1);
            }
            a0.add(b0).intoArray(acc, aOff + i);
            a1.add(b1).intoArray(acc, aOff + i + l);
        }
        for (; i < d; i += l) {
            VectorMask<Float> m = F.indexInRange(i, d);
            FloatVector a = FloatVector.fromArray(F, acc, aOff + i, m);
            for (int j = 0; j < n; j++) {
                a = FloatVector.fromMemorySegment(F, x, xOff + 4L * (j * d + i), LE, m).fma(FloatVector.broadcast(F, p[pOff + j]), a);
            }
            a.intoArray(acc, aOff + i, m);
        }
    }

    static void accumulate4(float[] p, int pOff, int pStride, int n, MemorySegment x, long xOff, int d, float[] acc, int aOff) {
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
                FloatVector v = FloatVector.fromMemorySegment(F, x, xOff + 4L * (j * d + i), LE);
                FloatVector w = FloatVector.fromMemorySegment(F, x, xOff + 4L * (j * d + i + l), LE);
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
                FloatVector v = FloatVector.fromMemorySegment(F, x, xOff + 4L * (j * d + i), LE);
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
    static void accumulateHeads(float[] p, int pStride, int heads, int n, MemorySegment x, long xOff, int d, float[] acc, int aOff) {
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
