package dev.lowbit.kernels.attention;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The {@link FusedBlock} kernels written for clarity, scalar, with the same float operations in
 * the same order, so the SIMD kernels equal them bit for bit: a key score is one FMA chain over
 * the rows in row order ({@code acc = fma(k̂_rt, q_r, acc)}, k̂ decoded as the codec does); a
 * per-channel value sum is one FMA chain over the 32 tokens of the unscaled code
 * ({@code acc = fma(code_t, p_t, acc)}), then {@code acc·scale (+ min·Σp)} is added once; a
 * per-token INT2 value is decoded ({@code fma(code, step, min)}) and chained the same way;
 * salient VidKV rows are decoded as per-token INT2 rows and chained the same way over a batch of
 * {@link SalientRows}, weighted by the same exp as the softmax.
 */
final class FusedBlockReference {
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort I16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int G = FusedBlock.G;

    private FusedBlockReference() {}

    /** Decoded key row r, token t. */
    private static float key(FusedBlock.KeyLayout k, int run, int r, int t, MemorySegment codes, long codeOff, MemorySegment meta, long metaOff) {
        int i = r - k.runStart[run];
        int kind = k.runKind[run];
        long cb = codeOff + k.runCodeByte[run];
        long mb = metaOff + k.runMetaByte[run];
        if (kind == FusedBlock.INT1) {
            int w = codes.get(I32, cb + 4L * i);
            float s = Float.float16ToFloat(meta.get(I16, mb + 2L * i));
            return ((w >>> t) & 1) != 0 ? s : -s;
        }
        int code = (int) (codes.get(I64, cb + 8L * i) >>> (2 * t)) & 3;
        if (kind == FusedBlock.INT2) {
            return Math.fma((float) code, Float.float16ToFloat(meta.get(I16, mb + 4L * i)), Float.float16ToFloat(meta.get(I16, mb + 4L * i + 2)));
        }
        float trit = (code & 1) - (code >>> 1);
        return trit * Float.float16ToFloat(meta.get(I16, mb + 2L * i));
    }

    /** {@code sc[h·stride + t]} for the {@code heads} real heads, as {@link FusedBlock#keyScores}. */
    static void keyScores(FusedBlock.KeyLayout k, MemorySegment codes, long codeOff, MemorySegment meta, long metaOff,
                          float[] q, int qOff, int heads, float[] sc, int stride) {
        for (int h = 0; h < heads; h++) {
            for (int t = 0; t < G; t++) {
                float acc = 0f;
                for (int run = 0; run < k.runKind.length; run++) {
                    for (int r = k.runStart[run]; r < k.runEnd[run]; r++) {
                        acc = Math.fma(key(k, run, r, t, codes, codeOff, meta, metaOff), q[qOff + h * k.rows + r], acc);
                    }
                }
                sc[h * stride + t] = acc;
            }
        }
    }

    /** {@code acc[aOff + h·d + c] += ...} for the {@code heads} real heads, as {@link FusedBlock#values}. */
    static void values(FusedBlock.ValuesLayout v, MemorySegment codes, long codeOff, MemorySegment meta, long metaOff,
                       int d, float[] p, int heads, int stride, float[] acc, int aOff) {
        values(v, codes, codeOff, meta, metaOff, d, p, heads, stride, acc, aOff, false);
    }

    /** As above; {@code tableValues}: per-channel ternary values by {@link TernaryPairTables#reference}. */
    static void values(FusedBlock.ValuesLayout v, MemorySegment codes, long codeOff, MemorySegment meta, long metaOff,
                       int d, float[] p, int heads, int stride, float[] acc, int aOff, boolean tableValues) {
        boolean tables = tableValues && !v.perToken && v.kind == FusedBlock.TERNARY2;
        if (tables) {
            long[] words = new long[d];
            float[] scale = new float[d];
            for (int c = 0; c < d; c++) {
                words[c] = codes.get(I64, codeOff + 8L * c);
                scale[c] = Float.float16ToFloat(meta.get(I16, metaOff + 2L * c));
            }
            TernaryPairTables.reference(words, scale, d, p, 0, stride, heads, acc, aOff);
        }
        for (int h = 0; h < heads && !tables; h++) {
            int po = h * stride;
            for (int c = 0; c < d; c++) {
                float a = 0f;
                if (v.perToken) {
                    int j = c / G;
                    for (int t = 0; t < G; t++) {
                        long k = (long) t * v.ng + j;
                        int code = (int) (codes.get(I64, codeOff + 8 * k) >>> (2 * (c % G))) & 3;
                        float x = Math.fma((float) code, Float.float16ToFloat(meta.get(I16, metaOff + 4 * k)),
                                Float.float16ToFloat(meta.get(I16, metaOff + 4 * k + 2)));
                        a = Math.fma(x, p[po + t], a);
                    }
                    acc[aOff + h * d + c] += a;
                    continue;
                }
                float scale;
                float min = 0f;
                if (v.kind == FusedBlock.INT1) {
                    int w = codes.get(I32, codeOff + 4L * c);
                    for (int t = 0; t < G; t++) {
                        a = Math.fma(((w >>> t) & 1) != 0 ? 1f : -1f, p[po + t], a);
                    }
                    scale = Float.float16ToFloat(meta.get(I16, metaOff + 2L * c));
                } else {
                    long w = codes.get(I64, codeOff + 8L * c);
                    for (int t = 0; t < G; t++) {
                        int code = (int) (w >>> (2 * t)) & 3;
                        float x = v.kind == FusedBlock.INT2 ? code : (code & 1) - (code >>> 1);
                        a = Math.fma(x, p[po + t], a);
                    }
                    if (v.kind == FusedBlock.INT2) {
                        scale = Float.float16ToFloat(meta.get(I16, metaOff + 4L * c));
                        min = Float.float16ToFloat(meta.get(I16, metaOff + 4L * c + 2));
                    } else {
                        scale = Float.float16ToFloat(meta.get(I16, metaOff + 2L * c));
                    }
                }
                float r = a * scale;
                if (v.kind == FusedBlock.INT2) {
                    float sum = 0f;
                    for (int t = 0; t < G; t++) {
                        sum += p[po + t];
                    }
                    r = Math.fma(min, sum, r);
                }
                acc[aOff + h * d + c] += r;
            }
        }
    }

    /**
     * VidKV's salient rows as {@link SalientRows} sums one batch: {@code rows[s]} (decoded INT2 value
     * rows, d channels), raw scores {@code score[h][s]}, running max {@code m[h]}; for each head and
     * channel one FMA chain over the rows in order of {@code row·e^(score − m)}, added to
     * {@code acc[aOff + h·d + c]} once.
     */
    static void salientBatch(float[][] rows, int n, float[][] score, float[] m, int heads, int d, float[] acc, int aOff) {
        for (int h = 0; h < heads; h++) {
            for (int c = 0; c < d; c++) {
                float a = 0f;
                for (int s = 0; s < n; s++) {
                    a = Math.fma(rows[s][c], exp(score[h][s] - m[h]), a);
                }
                acc[aOff + h * d + c] += a;
            }
        }
    }

    /** {@link SoftmaxTile}'s exp, one lane, the same operations: 2^k·P(f), k = trunc(x·log2 e − 1/2), P of degree 6. */
    static float exp(float x) {
        float t = Math.max(x, -87.3f) * 1.44269504088896341f;
        int k = (int) (t - 0.5f);
        float f = (t - (float) k) * 0.693147180559945309f;
        float p = 1f / 720;
        p = Math.fma(p, f, 1f / 120);
        p = Math.fma(p, f, 1f / 24);
        p = Math.fma(p, f, 1f / 6);
        p = Math.fma(p, f, 0.5f);
        p = Math.fma(p, f, 1f);
        p = Math.fma(p, f, 1f);
        float r = p * Float.intBitsToFloat((k + 127) << 23);
        return x < -87.3f ? 0f : r;
    }
}
