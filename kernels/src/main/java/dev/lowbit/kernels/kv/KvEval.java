package dev.lowbit.kernels.kv;

import dev.lowbit.packing.kv.SalientTokens;
import java.lang.foreign.Arena;
import java.util.Objects;

/**
 * The KV-cache accuracy harness behind {@code lowbit kv-eval}: quantizes a layer's K and V with
 * a scheme through a {@link QuantizedKvCache} (streaming semantics: residual window, blocks
 * quantized once) and compares with FP32.
 *
 * <p>Metrics: K̂ and V̂ relative L2 error over every cached element (residual tokens included,
 * where the error is 0); attention outputs from {@link ReferenceAttention#decode} (packed data)
 * against {@link ReferenceAttention#exact} on the original K and V, per query head with all its
 * queries' outputs concatenated: cosine similarity (mean over heads and the worst head) and
 * relative L2 error (mean over heads).
 */
public final class KvEval {
    private KvEval() {}

    /** One result row. {@code scheme} is the CLI name; fp32 is the exact reference. */
    public record Row(String scheme, double payloadBits, double honestBits, double kRelErr, double vRelErr,
                      double attnCosineMean, double attnCosineMin, double attnRelL2Mean) {}

    /** The layer to evaluate: K, V [kvHeads][tokens][d]; Q [qHeads][queries][d]. */
    public record Input(float[] k, float[] v, int kvHeads, int tokens, int headDim, float[] q, int qHeads, int queries) {
        public Input {
            Objects.requireNonNull(k, "k");
            Objects.requireNonNull(v, "v");
            Objects.requireNonNull(q, "q");
            if (k.length != (long) kvHeads * tokens * headDim || v.length != k.length) {
                throw new IllegalArgumentException("K and V must hold kvHeads×tokens×headDim floats");
            }
            if (qHeads <= 0 || qHeads % kvHeads != 0) {
                throw new IllegalArgumentException("query heads (" + qHeads + ") must be a positive multiple of KV heads (" + kvHeads + ")");
            }
            if (q.length != (long) qHeads * queries * headDim || queries <= 0) {
                throw new IllegalArgumentException("Q must hold qHeads×queries×headDim floats with queries >= 1");
            }
        }

        /** The last {@code min(32, tokens)} keys of each head as queries (qHeads = kvHeads). */
        public static Input lastKeysAsQueries(float[] k, float[] v, int kvHeads, int tokens, int headDim) {
            int nq = Math.min(32, tokens);
            float[] q = new float[kvHeads * nq * headDim];
            for (int h = 0; h < kvHeads; h++) {
                System.arraycopy(k, (h * tokens + tokens - nq) * headDim, q, h * nq * headDim, nq * headDim);
            }
            return new Input(k, v, kvHeads, tokens, headDim, q, kvHeads, nq);
        }
    }

    /** The exact FP32 attention outputs [qHeads][queries][d]. */
    public static float[] exactOutputs(Input in) {
        float[] out = new float[in.qHeads * in.queries * in.headDim];
        float[] qs = new float[in.qHeads * in.headDim];
        float[] o = new float[in.qHeads * in.headDim];
        for (int j = 0; j < in.queries; j++) {
            gatherQuery(in, j, qs);
            ReferenceAttention.exact(in.k, in.v, in.kvHeads, in.tokens, in.headDim, qs, in.qHeads, o);
            scatter(in, j, o, out);
        }
        return out;
    }

    /** The FP32 row: 32 bits, no error. */
    public static Row fp32Row() {
        return new Row("fp32", 32, 32, 0, 0, 1, 1, 0);
    }

    /** Evaluates one scheme: builds its cache from {@code in}'s K and V, then {@link #evaluate(String, KvCacheSnapshot, Input, float[])}. */
    public static Row evaluate(String name, KvScheme scheme, Input in, int groupSize, int residual, SalientTokens salient,
                               float[] exact) {
        try (Arena arena = Arena.ofConfined()) {
            QuantizedKvCache cache = QuantizedKvCache.builder(in.kvHeads, in.headDim).scheme(scheme).groupSize(groupSize)
                    .residual(residual).salient(salient).build(arena);
            cache.append(in.k, in.v, in.tokens);
            return evaluate(name, cache.snapshot(), in, exact);
        }
    }

    /** Evaluates a cache already built from {@code in}'s K and V (all {@code in.tokens()} of them). */
    public static Row evaluate(String name, KvCacheSnapshot s, Input in, float[] exact) {
        if (s.tokens() != in.tokens) {
            throw new IllegalArgumentException("cache holds " + s.tokens() + " tokens, the input " + in.tokens);
        }
        double kErr = 0;
        double kRef = 0;
        double vErr = 0;
        double vRef = 0;
        int hd = in.tokens * in.headDim;
        for (int h = 0; h < in.kvHeads; h++) {
            float[] kk = s.keys(h);
            float[] vv = s.values(h);
            for (int i = 0; i < hd; i++) {
                double a = in.k[h * hd + i];
                double b = in.v[h * hd + i];
                kErr += (kk[i] - a) * (kk[i] - a);
                kRef += a * a;
                vErr += (vv[i] - b) * (vv[i] - b);
                vRef += b * b;
            }
        }
        float[] got = new float[exact.length];
        float[] qs = new float[in.qHeads * in.headDim];
        float[] o = new float[in.qHeads * in.headDim];
        for (int j = 0; j < in.queries; j++) {
            gatherQuery(in, j, qs);
            ReferenceAttention.decode(s, qs, in.qHeads, o);
            scatter(in, j, o, got);
        }
        double[] acc = compare(in, exact, got);
        return new Row(name, s.payloadBitsPerElement(), s.bitsPerElement(), rel(kErr, kRef), rel(vErr, vRef),
                acc[0], acc[1], acc[2]);
    }

    /**
     * Attention accuracy of {@code got} against {@code exact} (both laid out as {@link #exactOutputs}):
     * {mean cosine over query heads, worst head's cosine, mean relative L2}, each head over all its
     * queries' outputs.
     */
    public static double[] compare(Input in, float[] exact, float[] got) {
        double cosSum = 0;
        double cosMin = Double.POSITIVE_INFINITY;
        double relSum = 0;
        int per = in.queries * in.headDim;
        for (int qh = 0; qh < in.qHeads; qh++) {
            double dot = 0;
            double na = 0;
            double nb = 0;
            double err = 0;
            for (int i = qh * per; i < (qh + 1) * per; i++) {
                dot += (double) exact[i] * got[i];
                na += (double) exact[i] * exact[i];
                nb += (double) got[i] * got[i];
                err += ((double) got[i] - exact[i]) * ((double) got[i] - exact[i]);
            }
            double cos = (na == 0 && nb == 0) ? 1 : dot / Math.sqrt(na * nb);
            double rel = na == 0 ? (err == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(err / na);
            cosSum += cos;
            cosMin = Math.min(cosMin, cos);
            relSum += rel;
        }
        return new double[] {cosSum / in.qHeads, cosMin, relSum / in.qHeads};
    }

    /** Runs {@code kernel} (one decode step per query position) and returns its outputs laid out as {@link #exactOutputs}. */
    public static float[] kernelOutputs(Input in, java.util.function.BiConsumer<float[], float[]> kernel) {
        float[] got = new float[in.qHeads * in.queries * in.headDim];
        float[] qs = new float[in.qHeads * in.headDim];
        float[] o = new float[in.qHeads * in.headDim];
        for (int j = 0; j < in.queries; j++) {
            gatherQuery(in, j, qs);
            kernel.accept(qs, o);
            scatter(in, j, o, got);
        }
        return got;
    }

    private static double rel(double err, double ref) {
        return ref == 0 ? (err == 0 ? 0 : Double.POSITIVE_INFINITY) : Math.sqrt(err / ref);
    }

    private static void gatherQuery(Input in, int j, float[] qs) {
        for (int qh = 0; qh < in.qHeads; qh++) {
            System.arraycopy(in.q, (qh * in.queries + j) * in.headDim, qs, qh * in.headDim, in.headDim);
        }
    }

    private static void scatter(Input in, int j, float[] o, float[] out) {
        for (int qh = 0; qh < in.qHeads; qh++) {
            System.arraycopy(o, qh * in.headDim, out, (qh * in.queries + j) * in.headDim, in.headDim);
        }
    }
}
