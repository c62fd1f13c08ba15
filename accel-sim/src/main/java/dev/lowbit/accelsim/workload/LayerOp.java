package dev.lowbit.accelsim.workload;

/**
 * One matrix operation of a workload, repeated {@code count} times with the same shape
 * (e.g. a projection once per decoder layer, an attention product once per layer and KV head).
 *
 * <p>The operation is {@code out[tokens, cout] = in[tokens, cin] · Wᵀ} with the stationary operand
 * {@code W[cout, cin]}: a weight matrix for {@link OpKind#LINEAR}, the key or value cache for
 * attention. This is the authors' simulator's convention (weight [cout, cin], input [T, cin],
 * output [T, cout]).
 *
 * @param name   a readable name, e.g. {@code q_proj} or {@code attn_qk}
 * @param kind   linear or attention
 * @param cout   rows of the stationary operand (output channels)
 * @param cin    columns of the stationary operand (the reduction length)
 * @param tokens rows of the streaming input (1 for a decode linear layer)
 * @param count  how many times this exact operation occurs in one forward pass
 */
public record LayerOp(String name, OpKind kind, long cout, long cin, long tokens, long count) {
    public LayerOp {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: expected a non-blank layer name, found '" + name + "'");
        }
        if (kind == null) {
            throw new IllegalArgumentException("kind: expected an OpKind, found null");
        }
        positive("cout", cout);
        positive("cin", cin);
        positive("tokens", tokens);
        positive("count", count);
    }

    /** Multiply-accumulates of one occurrence: cout · cin · tokens. */
    public long macs() {
        return Math.multiplyExact(Math.multiplyExact(cout, cin), tokens);
    }

    private static void positive(String arg, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(arg + ": expected a positive size, found " + v);
        }
    }
}
