package dev.lowbit.model;

/**
 * Where an encoder layer's self-attention runs: {@link Fp32Attention} (exact, the reference) or
 * {@link LowBitAttention} (K and V in a lowbit quantized KV cache, fused decode kernel).
 *
 * <p>Rows are {@code heads × headDim} floats, head-major (channel {@code h·d + c} is head h's
 * channel c), as BERT's reshape to [tokens, heads, d] lays them out.
 */
public interface AttentionBackend {
    /** Name in reports: fp32, kivi2, vidkv, int2, … */
    String name();

    /**
     * Multi-head attention without a causal mask: for each query token {@code t < n} and head h,
     * {@code ctx[t]_h = softmax(q[t]_h · K_h^T / √d) · V_h} over the first {@code keys} tokens of k and v
     * (tokens at and past {@code keys} are padding: masked out).
     */
    void attend(float[][] q, float[][] k, float[][] v, int n, int keys, float[][] ctx);

    /** Storage of every K and V this backend has held so far. */
    KvStats stats();

    /** Running totals of KV storage: elements, honest bits, and how many were quantized (vs kept FP32). */
    final class KvStats {
        long elements;
        long quantizedElements;
        double bits;

        void add(long elements, long quantizedElements, double bits) {
            this.elements += elements;
            this.quantizedElements += quantizedElements;
            this.bits += bits;
        }

        /** Honest bits per K/V element, metadata and FP32 residual tokens included. */
        public double bitsPerElement() {
            return elements == 0 ? 0 : bits / elements;
        }

        /** Fraction of K/V elements held quantized (the rest sat in the FP32 residual window). */
        public double quantizedFraction() {
            return elements == 0 ? 0 : (double) quantizedElements / elements;
        }
    }
}
