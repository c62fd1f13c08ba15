package dev.lowbit.accelsim.workload;

/** What a layer operation multiplies, which decides the precision of its stationary operand. */
public enum OpKind {
    /** A linear layer: the stationary operand is a quantized weight matrix [cout, cin]. */
    LINEAR,
    /** Attention scores Q·Kᵀ for one KV head: the stationary operand is the key cache [context, headDim]. */
    ATTENTION_QK,
    /** Attention output S·V for one KV head: the stationary operand is the value cache, transposed [headDim, context]. */
    ATTENTION_SV;

    /** True for the attention operations, whose operands stay 16-bit in every design (DESIGN.md). */
    public boolean isAttention() {
        return this != LINEAR;
    }
}
