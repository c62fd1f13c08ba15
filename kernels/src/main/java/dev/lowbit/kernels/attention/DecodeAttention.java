package dev.lowbit.kernels.attention;

/**
 * One decode step of attention: every query head attends to every cached token of its KV head,
 * {@code out_h = Σ_t softmax_t(q_h · k_t / sqrt(d)) · v_t}.
 *
 * <p>Arrays are head-major: {@code q[h · headDim + i]}, {@code out[h · headDim + i]}.
 */
public interface DecodeAttention {

    AttentionShape shape();

    /**
     * Attends {@code q} to the cache's tokens into {@code out}.
     *
     * @throws IllegalArgumentException if q or out do not hold {@code queryHeads · headDim} floats
     * @throws IllegalStateException if the cache is empty
     */
    void attend(float[] q, float[] out);

    /** Bytes of cache (packed codes and metadata for quantized caches) one {@link #attend} reads. */
    long bytesRead();
}
