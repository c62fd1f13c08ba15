package dev.lowbit.kernels.attention;

import dev.lowbit.kernels.VectorShapes;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The FP32 baseline's block kernels, shaped as {@link FusedBlock}'s: every loaded key vector
 * (L tokens of one channel) and value vector (L channels of one token) streams from the cache
 * segment into the FMAs of up to 8 query heads at once (passes of 8, 7 or 4 heads as {@link FusedBlock#pass},
 * over zero-padded query rows), so a GQA group of 7 reads its block once at full rate. One FMA
 * chain per head and lane, in row / token order.
 */
final class DenseBlock {
    private static final VectorSpecies<Float> F = VectorShapes.F;
    private static final int L = F.length();
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final int BLOCK = DenseKvCache.BLOCK;

    private DenseBlock() {}

    /** All heads' scores for one key block: {@code sc[h·stride + t]}, h below the padded head count. */
    static void scores(MemorySegment kt, long off, int d, float[] q, int qOff, int heads, float[] sc, int stride) {
        for (int h = 0; h < heads; h += 8) {
            int pass = FusedBlock.pass(heads - h);
            boolean four = pass == 4;
            for (int j = 0; j < BLOCK; j += 2 * L) {
                if (pass == 7) {
                    scoresX7(kt, off, d, j, q, qOff + h * d, sc, h * stride + j, stride);
                } else if (four) {
                    scoresX4(kt, off, d, j, q, qOff + h * d, sc, h * stride + j, stride);
                } else {
                    scoresX8(kt, off, d, j, q, qOff + h * d, sc, h * stride + j, stride);
                }
            }
        }
    }

    /** All real heads' outputs += p · values over n rows ({@code tmp}: 8·L floats of scratch). */
    static void values(MemorySegment x, long off, int n, int d, float[] p, int heads, int stride, float[] acc, int aOff, float[] tmp) {
        for (int h = 0; h < heads; h += 8) {
            int nh = Math.min(8, heads - h);
            int c = 0;
            // two channel vectors (128 bytes of a row) per pass over the rows: measured ~1.3x faster
            // than one (0.53-0.57 -> 0.67-0.76 of the read bandwidth, same JVM runs alternated)
            for (; c + 2 * L <= d; c += 2 * L) {
                if (nh <= 4) {
                    valuesP4(x, off, n, d, c, p, h * stride, stride, nh, acc, aOff + h * d, tmp);
                } else if (nh == 7) {
                    valuesP7(x, off, n, d, c, p, h * stride, stride, nh, acc, aOff + h * d, tmp);
                } else {
                    valuesP8(x, off, n, d, c, p, h * stride, stride, nh, acc, aOff + h * d, tmp);
                }
            }
            if (c < d) {
                if (nh <= 4) {
                    valuesX4(x, off, n, d, c, p, h * stride, stride, nh, acc, aOff + h * d, tmp);
                } else if (nh == 7) {
                    valuesX7(x, off, n, d, c, p, h * stride, stride, nh, acc, aOff + h * d, tmp);
                } else {
                    valuesX8(x, off, n, d, c, p, h * stride, stride, nh, acc, aOff + h * d, tmp);
                }
            }
        }
    }

    /** 4 heads' scores for tokens {@code [j, j+2L)} of a channel-major F32 key block at byte {@code off} (both vectors of a row per load pass). */
    static void scoresX4(MemorySegment kt, long off, int d, int j, float[] q, int qOff, float[] sc, int sOff, int stride) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a0b = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a1b = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a2b = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        FloatVector a3b = FloatVector.zero(F);
        for (int r = 0; r < d; r++) {
            FloatVector k = FloatVector.fromMemorySegment(F, kt, off + 4L * (r * BLOCK + j), LE);
            FloatVector kb = FloatVector.fromMemorySegment(F, kt, off + 4L * (r * BLOCK + j + L), LE);
            FloatVector q0 = FloatVector.broadcast(F, q[qOff + 0 * d + r]);
            a0 = k.fma(q0, a0);
            a0b = kb.fma(q0, a0b);
            FloatVector q1 = FloatVector.broadcast(F, q[qOff + 1 * d + r]);
            a1 = k.fma(q1, a1);
            a1b = kb.fma(q1, a1b);
            FloatVector q2 = FloatVector.broadcast(F, q[qOff + 2 * d + r]);
            a2 = k.fma(q2, a2);
            a2b = kb.fma(q2, a2b);
            FloatVector q3 = FloatVector.broadcast(F, q[qOff + 3 * d + r]);
            a3 = k.fma(q3, a3);
            a3b = kb.fma(q3, a3b);
        }
        a0.intoArray(sc, sOff + 0 * stride);
        a0b.intoArray(sc, sOff + 0 * stride + L);
        a1.intoArray(sc, sOff + 1 * stride);
        a1b.intoArray(sc, sOff + 1 * stride + L);
        a2.intoArray(sc, sOff + 2 * stride);
        a2b.intoArray(sc, sOff + 2 * stride + L);
        a3.intoArray(sc, sOff + 3 * stride);
        a3b.intoArray(sc, sOff + 3 * stride + L);
    }

    /** 4 heads: {@code acc[aOff + h·d + c] += Σ_t p[pOff + h·stride + t] · x_t[c]} over n token-major F32 rows at byte {@code off}. */
    static void valuesX4(MemorySegment x, long off, int n, int d, int c0, float[] p, int pOff, int stride, int nh, float[] acc, int aOff, float[] tmp) {
        for (int c = c0; c < d; c += L) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            if (c + L <= d) {
                for (int t = 0; t < n; t++) {
                    FloatVector v = FloatVector.fromMemorySegment(F, x, off + 4L * (t * d + c), LE);
                a0 = v.fma(FloatVector.broadcast(F, p[pOff + 0 * stride + t]), a0);
                a1 = v.fma(FloatVector.broadcast(F, p[pOff + 1 * stride + t]), a1);
                a2 = v.fma(FloatVector.broadcast(F, p[pOff + 2 * stride + t]), a2);
                a3 = v.fma(FloatVector.broadcast(F, p[pOff + 3 * stride + t]), a3);
                }
            } else {
                VectorMask<Float> m = F.indexInRange(c, d);
                for (int t = 0; t < n; t++) {
                    FloatVector v = FloatVector.fromMemorySegment(F, x, off + 4L * (t * d + c), LE, m);
                a0 = v.fma(FloatVector.broadcast(F, p[pOff + 0 * stride + t]), a0);
                a1 = v.fma(FloatVector.broadcast(F, p[pOff + 1 * stride + t]), a1);
                a2 = v.fma(FloatVector.broadcast(F, p[pOff + 2 * stride + t]), a2);
                a3 = v.fma(FloatVector.broadcast(F, p[pOff + 3 * stride + t]), a3);
                }
            }
            a0.intoArray(tmp, 0 * L);
            a1.intoArray(tmp, 1 * L);
            a2.intoArray(tmp, 2 * L);
            a3.intoArray(tmp, 3 * L);
            FusedBlock.finish(tmp, nh, c, d, null, null, null, acc, aOff);
        }
    }

    /** 7 heads' scores for tokens {@code [j, j+2L)} of a channel-major F32 key block at byte {@code off} (both vectors of a row per load pass). */
    static void scoresX7(MemorySegment kt, long off, int d, int j, float[] q, int qOff, float[] sc, int sOff, int stride) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a0b = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a1b = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a2b = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        FloatVector a3b = FloatVector.zero(F);
        FloatVector a4 = FloatVector.zero(F);
        FloatVector a4b = FloatVector.zero(F);
        FloatVector a5 = FloatVector.zero(F);
        FloatVector a5b = FloatVector.zero(F);
        FloatVector a6 = FloatVector.zero(F);
        FloatVector a6b = FloatVector.zero(F);
        for (int r = 0; r < d; r++) {
            FloatVector k = FloatVector.fromMemorySegment(F, kt, off + 4L * (r * BLOCK + j), LE);
            FloatVector kb = FloatVector.fromMemorySegment(F, kt, off + 4L * (r * BLOCK + j + L), LE);
            FloatVector q0 = FloatVector.broadcast(F, q[qOff + 0 * d + r]);
            a0 = k.fma(q0, a0);
            a0b = kb.fma(q0, a0b);
            FloatVector q1 = FloatVector.broadcast(F, q[qOff + 1 * d + r]);
            a1 = k.fma(q1, a1);
            a1b = kb.fma(q1, a1b);
            FloatVector q2 = FloatVector.broadcast(F, q[qOff + 2 * d + r]);
            a2 = k.fma(q2, a2);
            a2b = kb.fma(q2, a2b);
            FloatVector q3 = FloatVector.broadcast(F, q[qOff + 3 * d + r]);
            a3 = k.fma(q3, a3);
            a3b = kb.fma(q3, a3b);
            FloatVector q4 = FloatVector.broadcast(F, q[qOff + 4 * d + r]);
            a4 = k.fma(q4, a4);
            a4b = kb.fma(q4, a4b);
            FloatVector q5 = FloatVector.broadcast(F, q[qOff + 5 * d + r]);
            a5 = k.fma(q5, a5);
            a5b = kb.fma(q5, a5b);
            FloatVector q6 = FloatVector.broadcast(F, q[qOff + 6 * d + r]);
            a6 = k.fma(q6, a6);
            a6b = kb.fma(q6, a6b);
        }
        a0.intoArray(sc, sOff + 0 * stride);
        a0b.intoArray(sc, sOff + 0 * stride + L);
        a1.intoArray(sc, sOff + 1 * stride);
        a1b.intoArray(sc, sOff + 1 * stride + L);
        a2.intoArray(sc, sOff + 2 * stride);
        a2b.intoArray(sc, sOff + 2 * stride + L);
        a3.intoArray(sc, sOff + 3 * stride);
        a3b.intoArray(sc, sOff + 3 * stride + L);
        a4.intoArray(sc, sOff + 4 * stride);
        a4b.intoArray(sc, sOff + 4 * stride + L);
        a5.intoArray(sc, sOff + 5 * stride);
        a5b.intoArray(sc, sOff + 5 * stride + L);
        a6.intoArray(sc, sOff + 6 * stride);
        a6b.intoArray(sc, sOff + 6 * stride + L);
    }

    /** 7 heads: {@code acc[aOff + h·d + c] += Σ_t p[pOff + h·stride + t] · x_t[c]} over n token-major F32 rows at byte {@code off}. */
    static void valuesX7(MemorySegment x, long off, int n, int d, int c0, float[] p, int pOff, int stride, int nh, float[] acc, int aOff, float[] tmp) {
        for (int c = c0; c < d; c += L) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            FloatVector a4 = FloatVector.zero(F);
            FloatVector a5 = FloatVector.zero(F);
            FloatVector a6 = FloatVector.zero(F);
            if (c + L <= d) {
                for (int t = 0; t < n; t++) {
                    FloatVector v = FloatVector.fromMemorySegment(F, x, off + 4L * (t * d + c), LE);
                a0 = v.fma(FloatVector.broadcast(F, p[pOff + 0 * stride + t]), a0);
                a1 = v.fma(FloatVector.broadcast(F, p[pOff + 1 * stride + t]), a1);
                a2 = v.fma(FloatVector.broadcast(F, p[pOff + 2 * stride + t]), a2);
                a3 = v.fma(FloatVector.broadcast(F, p[pOff + 3 * stride + t]), a3);
                a4 = v.fma(FloatVector.broadcast(F, p[pOff + 4 * stride + t]), a4);
                a5 = v.fma(FloatVector.broadcast(F, p[pOff + 5 * stride + t]), a5);
                a6 = v.fma(FloatVector.broadcast(F, p[pOff + 6 * stride + t]), a6);
                }
            } else {
                VectorMask<Float> m = F.indexInRange(c, d);
                for (int t = 0; t < n; t++) {
                    FloatVector v = FloatVector.fromMemorySegment(F, x, off + 4L * (t * d + c), LE, m);
                a0 = v.fma(FloatVector.broadcast(F, p[pOff + 0 * stride + t]), a0);
                a1 = v.fma(FloatVector.broadcast(F, p[pOff + 1 * stride + t]), a1);
                a2 = v.fma(FloatVector.broadcast(F, p[pOff + 2 * stride + t]), a2);
                a3 = v.fma(FloatVector.broadcast(F, p[pOff + 3 * stride + t]), a3);
                a4 = v.fma(FloatVector.broadcast(F, p[pOff + 4 * stride + t]), a4);
                a5 = v.fma(FloatVector.broadcast(F, p[pOff + 5 * stride + t]), a5);
                a6 = v.fma(FloatVector.broadcast(F, p[pOff + 6 * stride + t]), a6);
                }
            }
            a0.intoArray(tmp, 0 * L);
            a1.intoArray(tmp, 1 * L);
            a2.intoArray(tmp, 2 * L);
            a3.intoArray(tmp, 3 * L);
            a4.intoArray(tmp, 4 * L);
            a5.intoArray(tmp, 5 * L);
            a6.intoArray(tmp, 6 * L);
            FusedBlock.finish(tmp, nh, c, d, null, null, null, acc, aOff);
        }
    }

    /** 8 heads' scores for tokens {@code [j, j+2L)} of a channel-major F32 key block at byte {@code off} (both vectors of a row per load pass). */
    static void scoresX8(MemorySegment kt, long off, int d, int j, float[] q, int qOff, float[] sc, int sOff, int stride) {
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a0b = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector a1b = FloatVector.zero(F);
        FloatVector a2 = FloatVector.zero(F);
        FloatVector a2b = FloatVector.zero(F);
        FloatVector a3 = FloatVector.zero(F);
        FloatVector a3b = FloatVector.zero(F);
        FloatVector a4 = FloatVector.zero(F);
        FloatVector a4b = FloatVector.zero(F);
        FloatVector a5 = FloatVector.zero(F);
        FloatVector a5b = FloatVector.zero(F);
        FloatVector a6 = FloatVector.zero(F);
        FloatVector a6b = FloatVector.zero(F);
        FloatVector a7 = FloatVector.zero(F);
        FloatVector a7b = FloatVector.zero(F);
        for (int r = 0; r < d; r++) {
            FloatVector k = FloatVector.fromMemorySegment(F, kt, off + 4L * (r * BLOCK + j), LE);
            FloatVector kb = FloatVector.fromMemorySegment(F, kt, off + 4L * (r * BLOCK + j + L), LE);
            FloatVector q0 = FloatVector.broadcast(F, q[qOff + 0 * d + r]);
            a0 = k.fma(q0, a0);
            a0b = kb.fma(q0, a0b);
            FloatVector q1 = FloatVector.broadcast(F, q[qOff + 1 * d + r]);
            a1 = k.fma(q1, a1);
            a1b = kb.fma(q1, a1b);
            FloatVector q2 = FloatVector.broadcast(F, q[qOff + 2 * d + r]);
            a2 = k.fma(q2, a2);
            a2b = kb.fma(q2, a2b);
            FloatVector q3 = FloatVector.broadcast(F, q[qOff + 3 * d + r]);
            a3 = k.fma(q3, a3);
            a3b = kb.fma(q3, a3b);
            FloatVector q4 = FloatVector.broadcast(F, q[qOff + 4 * d + r]);
            a4 = k.fma(q4, a4);
            a4b = kb.fma(q4, a4b);
            FloatVector q5 = FloatVector.broadcast(F, q[qOff + 5 * d + r]);
            a5 = k.fma(q5, a5);
            a5b = kb.fma(q5, a5b);
            FloatVector q6 = FloatVector.broadcast(F, q[qOff + 6 * d + r]);
            a6 = k.fma(q6, a6);
            a6b = kb.fma(q6, a6b);
            FloatVector q7 = FloatVector.broadcast(F, q[qOff + 7 * d + r]);
            a7 = k.fma(q7, a7);
            a7b = kb.fma(q7, a7b);
        }
        a0.intoArray(sc, sOff + 0 * stride);
        a0b.intoArray(sc, sOff + 0 * stride + L);
        a1.intoArray(sc, sOff + 1 * stride);
        a1b.intoArray(sc, sOff + 1 * stride + L);
        a2.intoArray(sc, sOff + 2 * stride);
        a2b.intoArray(sc, sOff + 2 * stride + L);
        a3.intoArray(sc, sOff + 3 * stride);
        a3b.intoArray(sc, sOff + 3 * stride + L);
        a4.intoArray(sc, sOff + 4 * stride);
        a4b.intoArray(sc, sOff + 4 * stride + L);
        a5.intoArray(sc, sOff + 5 * stride);
        a5b.intoArray(sc, sOff + 5 * stride + L);
        a6.intoArray(sc, sOff + 6 * stride);
        a6b.intoArray(sc, sOff + 6 * stride + L);
        a7.intoArray(sc, sOff + 7 * stride);
        a7b.intoArray(sc, sOff + 7 * stride + L);
    }

    /** 8 heads: {@code acc[aOff + h·d + c] += Σ_t p[pOff + h·stride + t] · x_t[c]} over n token-major F32 rows at byte {@code off}. */
    static void valuesX8(MemorySegment x, long off, int n, int d, int c0, float[] p, int pOff, int stride, int nh, float[] acc, int aOff, float[] tmp) {
        for (int c = c0; c < d; c += L) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            FloatVector a4 = FloatVector.zero(F);
            FloatVector a5 = FloatVector.zero(F);
            FloatVector a6 = FloatVector.zero(F);
            FloatVector a7 = FloatVector.zero(F);
            if (c + L <= d) {
                for (int t = 0; t < n; t++) {
                    FloatVector v = FloatVector.fromMemorySegment(F, x, off + 4L * (t * d + c), LE);
                a0 = v.fma(FloatVector.broadcast(F, p[pOff + 0 * stride + t]), a0);
                a1 = v.fma(FloatVector.broadcast(F, p[pOff + 1 * stride + t]), a1);
                a2 = v.fma(FloatVector.broadcast(F, p[pOff + 2 * stride + t]), a2);
                a3 = v.fma(FloatVector.broadcast(F, p[pOff + 3 * stride + t]), a3);
                a4 = v.fma(FloatVector.broadcast(F, p[pOff + 4 * stride + t]), a4);
                a5 = v.fma(FloatVector.broadcast(F, p[pOff + 5 * stride + t]), a5);
                a6 = v.fma(FloatVector.broadcast(F, p[pOff + 6 * stride + t]), a6);
                a7 = v.fma(FloatVector.broadcast(F, p[pOff + 7 * stride + t]), a7);
                }
            } else {
                VectorMask<Float> m = F.indexInRange(c, d);
                for (int t = 0; t < n; t++) {
                    FloatVector v = FloatVector.fromMemorySegment(F, x, off + 4L * (t * d + c), LE, m);
                a0 = v.fma(FloatVector.broadcast(F, p[pOff + 0 * stride + t]), a0);
                a1 = v.fma(FloatVector.broadcast(F, p[pOff + 1 * stride + t]), a1);
                a2 = v.fma(FloatVector.broadcast(F, p[pOff + 2 * stride + t]), a2);
                a3 = v.fma(FloatVector.broadcast(F, p[pOff + 3 * stride + t]), a3);
                a4 = v.fma(FloatVector.broadcast(F, p[pOff + 4 * stride + t]), a4);
                a5 = v.fma(FloatVector.broadcast(F, p[pOff + 5 * stride + t]), a5);
                a6 = v.fma(FloatVector.broadcast(F, p[pOff + 6 * stride + t]), a6);
                a7 = v.fma(FloatVector.broadcast(F, p[pOff + 7 * stride + t]), a7);
                }
            }
            a0.intoArray(tmp, 0 * L);
            a1.intoArray(tmp, 1 * L);
            a2.intoArray(tmp, 2 * L);
            a3.intoArray(tmp, 3 * L);
            a4.intoArray(tmp, 4 * L);
            a5.intoArray(tmp, 5 * L);
            a6.intoArray(tmp, 6 * L);
            a7.intoArray(tmp, 7 * L);
            FusedBlock.finish(tmp, nh, c, d, null, null, null, acc, aOff);
        }
    }

    /** 4 heads, channels {@code [c0, c0 + 2L)} of n token-major F32 rows per pass (two vectors of a row per load pass). */
    static void valuesP4(MemorySegment x, long off, int n, int d, int c, float[] p, int pOff, int stride, int nh, float[] acc, int aOff, float[] tmp) {
        {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a0b = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a1b = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a2b = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            FloatVector a3b = FloatVector.zero(F);
            for (int t = 0; t < n; t++) {
                FloatVector v = FloatVector.fromMemorySegment(F, x, off + 4L * (t * d + c), LE);
                FloatVector w = FloatVector.fromMemorySegment(F, x, off + 4L * (t * d + c + L), LE);
                FloatVector p0 = FloatVector.broadcast(F, p[pOff + 0 * stride + t]);
                a0 = v.fma(p0, a0);
                a0b = w.fma(p0, a0b);
                FloatVector p1 = FloatVector.broadcast(F, p[pOff + 1 * stride + t]);
                a1 = v.fma(p1, a1);
                a1b = w.fma(p1, a1b);
                FloatVector p2 = FloatVector.broadcast(F, p[pOff + 2 * stride + t]);
                a2 = v.fma(p2, a2);
                a2b = w.fma(p2, a2b);
                FloatVector p3 = FloatVector.broadcast(F, p[pOff + 3 * stride + t]);
                a3 = v.fma(p3, a3);
                a3b = w.fma(p3, a3b);
            }
            a0.intoArray(tmp, 0 * L);
            a1.intoArray(tmp, 1 * L);
            a2.intoArray(tmp, 2 * L);
            a3.intoArray(tmp, 3 * L);
            FusedBlock.finish(tmp, nh, c, d, null, null, null, acc, aOff);
            a0b.intoArray(tmp, 0 * L);
            a1b.intoArray(tmp, 1 * L);
            a2b.intoArray(tmp, 2 * L);
            a3b.intoArray(tmp, 3 * L);
            FusedBlock.finish(tmp, nh, c + L, d, null, null, null, acc, aOff);
        }
    }

    /** 7 heads, channels {@code [c0, c0 + 2L)} of n token-major F32 rows per pass (two vectors of a row per load pass). */
    static void valuesP7(MemorySegment x, long off, int n, int d, int c, float[] p, int pOff, int stride, int nh, float[] acc, int aOff, float[] tmp) {
        {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a0b = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a1b = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a2b = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            FloatVector a3b = FloatVector.zero(F);
            FloatVector a4 = FloatVector.zero(F);
            FloatVector a4b = FloatVector.zero(F);
            FloatVector a5 = FloatVector.zero(F);
            FloatVector a5b = FloatVector.zero(F);
            FloatVector a6 = FloatVector.zero(F);
            FloatVector a6b = FloatVector.zero(F);
            for (int t = 0; t < n; t++) {
                FloatVector v = FloatVector.fromMemorySegment(F, x, off + 4L * (t * d + c), LE);
                FloatVector w = FloatVector.fromMemorySegment(F, x, off + 4L * (t * d + c + L), LE);
                FloatVector p0 = FloatVector.broadcast(F, p[pOff + 0 * stride + t]);
                a0 = v.fma(p0, a0);
                a0b = w.fma(p0, a0b);
                FloatVector p1 = FloatVector.broadcast(F, p[pOff + 1 * stride + t]);
                a1 = v.fma(p1, a1);
                a1b = w.fma(p1, a1b);
                FloatVector p2 = FloatVector.broadcast(F, p[pOff + 2 * stride + t]);
                a2 = v.fma(p2, a2);
                a2b = w.fma(p2, a2b);
                FloatVector p3 = FloatVector.broadcast(F, p[pOff + 3 * stride + t]);
                a3 = v.fma(p3, a3);
                a3b = w.fma(p3, a3b);
                FloatVector p4 = FloatVector.broadcast(F, p[pOff + 4 * stride + t]);
                a4 = v.fma(p4, a4);
                a4b = w.fma(p4, a4b);
                FloatVector p5 = FloatVector.broadcast(F, p[pOff + 5 * stride + t]);
                a5 = v.fma(p5, a5);
                a5b = w.fma(p5, a5b);
                FloatVector p6 = FloatVector.broadcast(F, p[pOff + 6 * stride + t]);
                a6 = v.fma(p6, a6);
                a6b = w.fma(p6, a6b);
            }
            a0.intoArray(tmp, 0 * L);
            a1.intoArray(tmp, 1 * L);
            a2.intoArray(tmp, 2 * L);
            a3.intoArray(tmp, 3 * L);
            a4.intoArray(tmp, 4 * L);
            a5.intoArray(tmp, 5 * L);
            a6.intoArray(tmp, 6 * L);
            FusedBlock.finish(tmp, nh, c, d, null, null, null, acc, aOff);
            a0b.intoArray(tmp, 0 * L);
            a1b.intoArray(tmp, 1 * L);
            a2b.intoArray(tmp, 2 * L);
            a3b.intoArray(tmp, 3 * L);
            a4b.intoArray(tmp, 4 * L);
            a5b.intoArray(tmp, 5 * L);
            a6b.intoArray(tmp, 6 * L);
            FusedBlock.finish(tmp, nh, c + L, d, null, null, null, acc, aOff);
        }
    }

    /** 8 heads, channels {@code [c0, c0 + 2L)} of n token-major F32 rows per pass (two vectors of a row per load pass). */
    static void valuesP8(MemorySegment x, long off, int n, int d, int c, float[] p, int pOff, int stride, int nh, float[] acc, int aOff, float[] tmp) {
        {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a0b = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a1b = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a2b = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            FloatVector a3b = FloatVector.zero(F);
            FloatVector a4 = FloatVector.zero(F);
            FloatVector a4b = FloatVector.zero(F);
            FloatVector a5 = FloatVector.zero(F);
            FloatVector a5b = FloatVector.zero(F);
            FloatVector a6 = FloatVector.zero(F);
            FloatVector a6b = FloatVector.zero(F);
            FloatVector a7 = FloatVector.zero(F);
            FloatVector a7b = FloatVector.zero(F);
            for (int t = 0; t < n; t++) {
                FloatVector v = FloatVector.fromMemorySegment(F, x, off + 4L * (t * d + c), LE);
                FloatVector w = FloatVector.fromMemorySegment(F, x, off + 4L * (t * d + c + L), LE);
                FloatVector p0 = FloatVector.broadcast(F, p[pOff + 0 * stride + t]);
                a0 = v.fma(p0, a0);
                a0b = w.fma(p0, a0b);
                FloatVector p1 = FloatVector.broadcast(F, p[pOff + 1 * stride + t]);
                a1 = v.fma(p1, a1);
                a1b = w.fma(p1, a1b);
                FloatVector p2 = FloatVector.broadcast(F, p[pOff + 2 * stride + t]);
                a2 = v.fma(p2, a2);
                a2b = w.fma(p2, a2b);
                FloatVector p3 = FloatVector.broadcast(F, p[pOff + 3 * stride + t]);
                a3 = v.fma(p3, a3);
                a3b = w.fma(p3, a3b);
                FloatVector p4 = FloatVector.broadcast(F, p[pOff + 4 * stride + t]);
                a4 = v.fma(p4, a4);
                a4b = w.fma(p4, a4b);
                FloatVector p5 = FloatVector.broadcast(F, p[pOff + 5 * stride + t]);
                a5 = v.fma(p5, a5);
                a5b = w.fma(p5, a5b);
                FloatVector p6 = FloatVector.broadcast(F, p[pOff + 6 * stride + t]);
                a6 = v.fma(p6, a6);
                a6b = w.fma(p6, a6b);
                FloatVector p7 = FloatVector.broadcast(F, p[pOff + 7 * stride + t]);
                a7 = v.fma(p7, a7);
                a7b = w.fma(p7, a7b);
            }
            a0.intoArray(tmp, 0 * L);
            a1.intoArray(tmp, 1 * L);
            a2.intoArray(tmp, 2 * L);
            a3.intoArray(tmp, 3 * L);
            a4.intoArray(tmp, 4 * L);
            a5.intoArray(tmp, 5 * L);
            a6.intoArray(tmp, 6 * L);
            a7.intoArray(tmp, 7 * L);
            FusedBlock.finish(tmp, nh, c, d, null, null, null, acc, aOff);
            a0b.intoArray(tmp, 0 * L);
            a1b.intoArray(tmp, 1 * L);
            a2b.intoArray(tmp, 2 * L);
            a3b.intoArray(tmp, 3 * L);
            a4b.intoArray(tmp, 4 * L);
            a5b.intoArray(tmp, 5 * L);
            a6b.intoArray(tmp, 6 * L);
            a7b.intoArray(tmp, 7 * L);
            FusedBlock.finish(tmp, nh, c + L, d, null, null, null, acc, aOff);
        }
    }
}
