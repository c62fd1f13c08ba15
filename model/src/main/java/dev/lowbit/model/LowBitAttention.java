package dev.lowbit.model;

import dev.lowbit.kernels.parallel.KernelPool;
import dev.lowbit.kernels.attention.QuantizedAttention;
import dev.lowbit.kernels.kv.KvCacheSnapshot;
import dev.lowbit.kernels.kv.KvScheme;
import dev.lowbit.kernels.kv.QuantizedKvCache;
import java.lang.foreign.Arena;

/**
 * Attention on lowbit: a layer's K and V go into a {@link QuantizedKvCache} and every query token
 * is one decode step of the fused {@link QuantizedAttention} kernel. An encoder attends all tokens,
 * so all K and V are appended first, then each token's query attends the whole cache.
 *
 * <h2>Group size and the residual window</h2>
 * The cache quantizes only whole blocks of G tokens and keeps the newest R tokens in FP32. With
 * the decoder defaults (G = 32, R = 128) a sentence of 10–60 tokens would never be quantized at
 * all. Here R = 0, and by default G = the sentence's token count: each layer's K and V form one
 * block (one group per channel, like KIVI's G = 32 but exactly as long as the sentence), so
 * every token is quantized. A fixed G ({@code groupSize > 0}) instead leaves the last
 * {@code tokens mod G} tokens in FP32; {@link KvStats#quantizedFraction()} reports how many were
 * really quantized either way.
 */
public final class LowBitAttention implements AttentionBackend {
    private final KvScheme scheme;
    private final int heads;
    private final int d;
    private final int groupSize;
    private final KernelPool pool;
    private final KvStats stats = new KvStats();

    /**
     * @param groupSize tokens per quantization group, or 0 for one group per sentence
     * @param pool threads for the attention kernel (its workers read the cache: it lives in a shared arena)
     */
    public LowBitAttention(KvScheme scheme, int heads, int headDim, int groupSize, KernelPool pool) {
        if (groupSize < 0) {
            throw new IllegalArgumentException("KV group size must be >= 0 (0 = one group per sentence), got " + groupSize);
        }
        this.scheme = scheme;
        this.heads = heads;
        this.d = headDim;
        this.groupSize = groupSize;
        this.pool = pool;
    }

    @Override
    public String name() {
        return scheme.name();
    }

    @Override
    public void attend(float[][] q, float[][] k, float[][] v, int n, int keys, float[][] ctx) {
        int g = groupSize == 0 ? keys : groupSize;
        try (Arena arena = Arena.ofShared()) {
            QuantizedKvCache cache = QuantizedKvCache.builder(heads, d)
                    .scheme(scheme).groupSize(g).residual(0).build(arena);
            for (int j = 0; j < keys; j++) {
                cache.appendToken(k[j], v[j]); // [heads][d] head-major: the row as it is
            }
            QuantizedAttention attention = new QuantizedAttention(cache, heads, pool);
            for (int t = 0; t < n; t++) {
                attention.attend(q[t], ctx[t]);
            }
            KvCacheSnapshot s = cache.snapshot();
            stats.add(s.elementCount(), 2L * heads * s.quantizedTokens() * d, s.bitsPerElement() * s.elementCount());
        }
    }

    @Override
    public KvStats stats() {
        return stats;
    }
}
