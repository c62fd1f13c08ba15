package dev.lowbit.kernels.kv;

import dev.lowbit.packing.kv.KvBlockCodec;
import java.util.Objects;

/**
 * Scalar reference decode attention: for each query head, {@code softmax(q·Kᵀ/√d)·V} over every
 * cached token (no causal mask: a decode query sees the whole cache), with grouped-query attention:
 * {@code qHeads} is a multiple of {@code kvHeads} and query head {@code i} reads KV head
 * {@code i / (qHeads / kvHeads)} (consecutive query heads share a KV head, as in Llama / Qwen2).
 * All arithmetic is in double (scores, max-subtracted softmax, weighted sums); outputs are
 * rounded to float once at the end. Written for clarity; kernels are tested against it.
 *
 * <ul>
 *   <li>{@link #decode}: from the packed data. Keys: each codec's {@link KvBlockCodec#scores}
 *       (VidKV: the query is transformed once per head, then dotted with the 1-bit spectrum —
 *       Parseval form, no key is inverse-transformed). Values: {@link KvBlockCodec#accumulate}.
 *       Residual tokens: FP32 as stored.</li>
 *   <li>{@link #decodeDequantized}: float attention over the dequantized cache (the keys and
 *       values the cache reproduces), for error measurement.</li>
 *   <li>{@link #exact}: attention over plain K and V arrays (the FP32 original).</li>
 * </ul>
 * Queries: {@code q[h·d + c]} for query head h; output {@code out[h·d + c]}.
 */
public final class ReferenceAttention {
    private ReferenceAttention() {}

    private static int group(int qHeads, int kvHeads) {
        if (qHeads <= 0 || qHeads % kvHeads != 0) {
            throw new IllegalArgumentException("query heads must be a positive multiple of kv heads " + kvHeads + ", got " + qHeads);
        }
        return qHeads / kvHeads;
    }

    private static void checkArrays(float[] q, float[] out, int qHeads, int d) {
        Objects.requireNonNull(q, "q");
        Objects.requireNonNull(out, "out");
        if (q.length != qHeads * d || out.length != qHeads * d) {
            throw new IllegalArgumentException("q and out must hold qHeads×d = " + qHeads * d + " floats, got "
                    + q.length + " and " + out.length);
        }
    }

    /** Decode attention computed from the packed cache (see the class comment). */
    public static void decode(KvCacheSnapshot s, float[] q, int qHeads, float[] out) {
        int d = s.headDim();
        int g = s.groupSize();
        int grp = group(qHeads, s.kvHeads());
        checkArrays(q, out, qHeads, d);
        if (s.tokens() == 0) {
            throw new IllegalStateException("attention over an empty KV cache");
        }
        int n = Math.toIntExact(s.tokens());
        double scale = 1 / Math.sqrt(d);
        double[] scores = new double[n];
        double[] blockScores = new double[g];
        double[] acc = new double[d];
        for (int qh = 0; qh < qHeads; qh++) {
            int h = qh / grp;
            int qOff = qh * d;
            KvBlockCodec kc = s.keyCodec(h);
            if (s.quantizedBlocks() > 0) {
                double[] prepared = new double[kc.preparedQueryLength()];
                kc.prepareQuery(q, qOff, prepared);
                for (long b = 0; b < s.quantizedBlocks(); b++) {
                    kc.scores(s.keyCodes(h, b), s.keyCodeOffset(h, b), s.keyMeta(h, b), s.keyMetaOffset(h, b), s.keyRows(h),
                            prepared, blockScores);
                    for (int t = 0; t < g; t++) {
                        scores[(int) (b * g) + t] = blockScores[t] * scale;
                    }
                }
            }
            int base = (int) s.quantizedTokens();
            for (int i = 0; i < s.residualBlocks(); i++) {
                float[] k = s.residualKeys(h, i);
                for (int t = 0; t < s.residualBlockTokens(i); t++) {
                    double dot = 0;
                    for (int c = 0; c < d; c++) {
                        dot += (double) q[qOff + c] * k[t * d + c];
                    }
                    scores[base + i * g + t] = dot * scale;
                }
            }
            double sum = softmaxInPlace(scores);
            java.util.Arrays.fill(acc, 0);
            KvBlockCodec vc = s.valueCodec(h);
            for (long b = 0; b < s.quantizedBlocks(); b++) {
                vc.accumulate(s.valueCodes(h, b), s.valueCodeOffset(h, b), s.valueMeta(h, b), s.valueMetaOffset(h, b), s.valueRows(h),
                        scores, (int) (b * g), acc);
            }
            for (int i = 0; i < s.residualBlocks(); i++) {
                float[] v = s.residualValues(h, i);
                for (int t = 0; t < s.residualBlockTokens(i); t++) {
                    double p = scores[base + i * g + t];
                    for (int c = 0; c < d; c++) {
                        acc[c] += p * v[t * d + c];
                    }
                }
            }
            for (int c = 0; c < d; c++) {
                out[qOff + c] = (float) (acc[c] / sum);
            }
        }
    }

    /** Float attention over the cache's dequantized keys and values. */
    public static void decodeDequantized(KvCacheSnapshot s, float[] q, int qHeads, float[] out) {
        int kvh = s.kvHeads();
        int d = s.headDim();
        int n = Math.toIntExact(s.tokens());
        float[] k = new float[kvh * n * d];
        float[] v = new float[kvh * n * d];
        for (int h = 0; h < kvh; h++) {
            System.arraycopy(s.keys(h), 0, k, h * n * d, n * d);
            System.arraycopy(s.values(h), 0, v, h * n * d, n * d);
        }
        exact(k, v, kvh, n, d, q, qHeads, out);
    }

    /** Attention over plain arrays {@code k}, {@code v} = [kvHeads][tokens][d]. */
    public static void exact(float[] k, float[] v, int kvHeads, int tokens, int d, float[] q, int qHeads, float[] out) {
        int grp = group(qHeads, kvHeads);
        checkArrays(q, out, qHeads, d);
        if (tokens <= 0) {
            throw new IllegalStateException("attention over an empty KV cache");
        }
        if (k.length != kvHeads * tokens * d || v.length != k.length) {
            throw new IllegalArgumentException("k and v must hold kvHeads×tokens×d = " + kvHeads * tokens * d + " floats, got "
                    + k.length + " and " + v.length);
        }
        double scale = 1 / Math.sqrt(d);
        double[] scores = new double[tokens];
        double[] acc = new double[d];
        for (int qh = 0; qh < qHeads; qh++) {
            int h = qh / grp;
            int qOff = qh * d;
            int kOff = h * tokens * d;
            for (int t = 0; t < tokens; t++) {
                double dot = 0;
                for (int c = 0; c < d; c++) {
                    dot += (double) q[qOff + c] * k[kOff + t * d + c];
                }
                scores[t] = dot * scale;
            }
            double sum = softmaxInPlace(scores);
            java.util.Arrays.fill(acc, 0);
            for (int t = 0; t < tokens; t++) {
                double p = scores[t];
                for (int c = 0; c < d; c++) {
                    acc[c] += p * v[kOff + t * d + c];
                }
            }
            for (int c = 0; c < d; c++) {
                out[qOff + c] = (float) (acc[c] / sum);
            }
        }
    }

    /** Replaces scores by exp(score − max) and returns their sum (the softmax denominator). */
    private static double softmaxInPlace(double[] scores) {
        double mx = Double.NEGATIVE_INFINITY;
        for (double x : scores) {
            mx = Math.max(mx, x);
        }
        double sum = 0;
        for (int i = 0; i < scores.length; i++) {
            scores[i] = Math.exp(scores[i] - mx);
            sum += scores[i];
        }
        return sum;
    }
}
