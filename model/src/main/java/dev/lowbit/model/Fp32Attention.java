package dev.lowbit.model;

/** Exact FP32 attention over the dense K and V: the reference every KV scheme is compared to. */
public final class Fp32Attention implements AttentionBackend {
    private final int heads;
    private final int d;
    private final KvStats stats = new KvStats();
    private float[] scores = new float[64];

    public Fp32Attention(int heads, int headDim) {
        this.heads = heads;
        this.d = headDim;
    }

    @Override
    public String name() {
        return "fp32";
    }

    @Override
    public void attend(float[][] q, float[][] k, float[][] v, int n, int keys, float[][] ctx) {
        if (scores.length < keys) {
            scores = new float[keys];
        }
        float scale = (float) (1 / Math.sqrt(d));
        for (int t = 0; t < n; t++) {
            for (int h = 0; h < heads; h++) {
                int o = h * d;
                float max = Float.NEGATIVE_INFINITY;
                for (int j = 0; j < keys; j++) {
                    float s = 0;
                    for (int c = 0; c < d; c++) {
                        s += q[t][o + c] * k[j][o + c];
                    }
                    scores[j] = s * scale;
                    max = Math.max(max, scores[j]);
                }
                float sum = 0;
                for (int j = 0; j < keys; j++) {
                    scores[j] = (float) StrictMath.exp(scores[j] - max);
                    sum += scores[j];
                }
                for (int c = 0; c < d; c++) {
                    float acc = 0;
                    for (int j = 0; j < keys; j++) {
                        acc += scores[j] * v[j][o + c];
                    }
                    ctx[t][o + c] = acc / sum;
                }
            }
        }
        long elements = 2L * keys * heads * d;
        stats.add(elements, 0, 32.0 * elements);
    }

    @Override
    public KvStats stats() {
        return stats;
    }
}
