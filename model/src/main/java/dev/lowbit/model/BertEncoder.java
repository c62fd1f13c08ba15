package dev.lowbit.model;

import dev.lowbit.kernels.parallel.RowPool;
import java.lang.foreign.Arena;

/**
 * The BERT encoder forward pass (HF {@code BertModel}, post-LayerNorm), then e5's sentence
 * embedding: mean of the last hidden states over the attended tokens, L2-normalised.
 * <pre>
 *   h = LayerNorm(word[id] + position[t] + tokenType[0])
 *   per layer:  q, k, v = h·Wq, h·Wk, h·Wv            (Linear: FP32 or lowbit GEMV)
 *               a = attention(q, k, v)                (AttentionBackend: FP32 or lowbit KV cache)
 *               h = LayerNorm(h + a·Wo)
 *               h = LayerNorm(h + GELU(h·W1)·W2)       (GELU with erf, as exported)
 * </pre>
 * Single sequences: an attention mask of ones then zeros (right padding) is honoured by
 * attending only the first {@code keys} tokens and pooling over them.
 */
public final class BertEncoder {
    private final BertWeights w;
    private final BertConfig cfg;
    private final Linear[][] linears;
    private final AttentionBackend attention;

    /** An encoder whose linear layers are stored as {@code format} (packed data in {@code arena}). */
    public BertEncoder(BertWeights w, WeightFormat format, AttentionBackend attention, Arena arena, RowPool pool) {
        this.w = w;
        this.cfg = w.config();
        this.attention = attention;
        this.linears = new Linear[cfg.layers()][];
        for (int l = 0; l < cfg.layers(); l++) {
            BertWeights.Dense[] ds = w.layers()[l].linears();
            linears[l] = new Linear[ds.length];
            for (int i = 0; i < ds.length; i++) {
                linears[l][i] = format.linear(ds[i], arena, pool);
            }
        }
    }

    public AttentionBackend attention() {
        return attention;
    }

    /** Bits of storage of all linear weights (codes and metadata), and how many weights. */
    public double weightBitsPerElement() {
        long bits = 0;
        long n = 0;
        for (Linear[] ls : linears) {
            for (Linear l : ls) {
                bits += l.weightBits();
                n += (long) l.in() * l.out();
            }
        }
        return (double) bits / n;
    }

    /** The sentence embedding of {@code ids} (all attended): unit length. */
    public float[] embed(int[] ids) {
        return embed(ids, ids.length);
    }

    /** The sentence embedding of {@code ids} whose first {@code keys} tokens are attended (the rest: padding). */
    public float[] embed(int[] ids, int keys) {
        float[][] h = hiddenStates(ids, keys);
        float[] e = new float[cfg.hidden()];
        for (int t = 0; t < keys; t++) {
            for (int c = 0; c < e.length; c++) {
                e[c] += h[t][c];
            }
        }
        return Metrics.normalize(e); // the mean's 1/keys cancels in the normalisation
    }

    /** The last hidden states [tokens][hidden]. */
    public float[][] hiddenStates(int[] ids, int keys) {
        int n = ids.length;
        if (n == 0 || n > cfg.maxPositions()) {
            throw new IllegalArgumentException("sequence of " + n + " tokens; the model takes 1.." + cfg.maxPositions());
        }
        if (keys < 1 || keys > n) {
            throw new IllegalArgumentException("attended tokens: expected 1.." + n + ", got " + keys);
        }
        int hd = cfg.hidden();
        float[][] h = new float[n][hd];
        for (int t = 0; t < n; t++) {
            int id = ids[t];
            if (id < 0 || id >= cfg.vocabSize()) {
                throw new IllegalArgumentException("token id " + id + " at position " + t + " is outside the vocabulary 0.." + (cfg.vocabSize() - 1));
            }
            for (int c = 0; c < hd; c++) {
                h[t][c] = w.wordEmbeddings()[id * hd + c] + w.positionEmbeddings()[t * hd + c] + w.tokenTypeEmbeddings()[c];
            }
            layerNorm(h[t], w.embeddingNorm());
        }
        float[][] q = new float[n][hd];
        float[][] k = new float[n][hd];
        float[][] v = new float[n][hd];
        float[][] ctx = new float[n][hd];
        float[][] proj = new float[n][hd];
        float[][] mid = new float[n][cfg.intermediate()];
        for (int l = 0; l < cfg.layers(); l++) {
            Linear[] ls = linears[l];
            BertWeights.Layer lw = w.layers()[l];
            ls[0].forward(h, q, n);
            ls[1].forward(h, k, n);
            ls[2].forward(h, v, n);
            attention.attend(q, k, v, n, keys, ctx);
            ls[3].forward(ctx, proj, n);
            for (int t = 0; t < n; t++) {
                addInto(h[t], proj[t]);
                layerNorm(h[t], lw.attentionNorm());
            }
            ls[4].forward(h, mid, n);
            for (int t = 0; t < n; t++) {
                gelu(mid[t]);
            }
            ls[5].forward(mid, proj, n);
            for (int t = 0; t < n; t++) {
                addInto(h[t], proj[t]);
                layerNorm(h[t], lw.outputNorm());
            }
        }
        return h;
    }

    private static void addInto(float[] a, float[] b) {
        for (int i = 0; i < a.length; i++) {
            a[i] += b[i];
        }
    }

    private void layerNorm(float[] x, BertWeights.Norm norm) {
        double mean = 0;
        for (float f : x) {
            mean += f;
        }
        mean /= x.length;
        double var = 0;
        for (float f : x) {
            var += (f - mean) * (f - mean);
        }
        var /= x.length;
        double inv = 1 / Math.sqrt(var + cfg.layerNormEps());
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) ((x[i] - mean) * inv) * norm.gamma()[i] + norm.beta()[i];
        }
    }

    /** GELU, erf form: x/2 · (1 + erf(x/√2)). */
    static void gelu(float[] x) {
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            x[i] = (float) (0.5 * v * (1 + erf(v * 0.7071067811865476)));
        }
    }

    /**
     * erf to ~1e-15 relative: the Maclaurin series for |x| &lt; 2.5 and the continued fraction of
     * erfc beyond (the JDK has no erf). Accuracy far below float epsilon, so GELU matches ONNX
     * Runtime's to float rounding.
     */
    static double erf(double x) {
        double a = Math.abs(x);
        double r;
        if (a < 2.5) {
            // erf(x) = 2/√π · Σ (−1)^n x^(2n+1) / (n! (2n+1))
            double term = a;
            double sum = a;
            double x2 = a * a;
            for (int n = 1; n < 60; n++) {
                term *= -x2 / n;
                double add = term / (2 * n + 1);
                sum += add;
                if (Math.abs(add) < 1e-17 * Math.abs(sum)) {
                    break;
                }
            }
            r = sum * 1.1283791670955126;
        } else if (a > 6) {
            r = 1;
        } else {
            // erfc(x) = exp(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))), evaluated bottom-up.
            double f = a;
            for (int k = 60; k >= 1; k--) {
                f = a + (k / 2.0) / f;
            }
            r = 1 - StrictMath.exp(-a * a) / (f * 1.7724538509055159);
        }
        return x < 0 ? -r : r;
    }
}
