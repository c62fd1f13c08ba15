package dev.lowbit.kernels.attention;

import java.util.Objects;

/**
 * The scalar reference of decode attention over a {@link DenseKvCache}, written for clarity:
 * per query head, one token at a time, an online softmax in float with {@link Math#exp}.
 * Single-threaded, allocation-free. The "scalar" row of the benchmarks.
 */
public final class ScalarAttention implements DecodeAttention {
    private final DenseKvCache cache;
    private final float[] acc;

    public ScalarAttention(DenseKvCache cache) {
        this.cache = Objects.requireNonNull(cache, "cache");
        this.acc = new float[cache.shape().headDim()];
    }

    @Override
    public AttentionShape shape() {
        return cache.shape();
    }

    @Override
    public long bytesRead() {
        return cache.bytesRead();
    }

    @Override
    public void attend(float[] q, float[] out) {
        AttentionShape s = cache.shape();
        s.checkQueryArray("q", q);
        s.checkQueryArray("out", out);
        int tokens = cache.tokens();
        if (tokens == 0) {
            throw new IllegalStateException("the KV cache is empty: no token to attend to");
        }
        int d = s.headDim();
        float scale = s.scale();
        for (int qh = 0; qh < s.queryHeads(); qh++) {
            int kv = qh / s.groupSize();
            float m = Float.NEGATIVE_INFINITY;
            float l = 0;
            java.util.Arrays.fill(acc, 0f);
            for (int t = 0; t < tokens; t++) {
                float score = 0;
                for (int i = 0; i < d; i++) {
                    score += q[qh * d + i] * cache.key(kv, t, i);
                }
                score *= scale;
                if (score > m) { // new running max: rescale what was summed so far
                    float corr = (float) Math.exp(m - score);
                    l *= corr;
                    for (int i = 0; i < d; i++) {
                        acc[i] *= corr;
                    }
                    m = score;
                }
                float p = (float) Math.exp(score - m);
                l += p;
                for (int i = 0; i < d; i++) {
                    acc[i] += p * cache.value(kv, t, i);
                }
            }
            for (int i = 0; i < d; i++) {
                out[qh * d + i] = acc[i] / l;
            }
        }
    }
}
