package dev.lowbit.kernels.attention;

/**
 * Head geometry of one decode-attention layer with grouped-query attention: {@code queryHeads}
 * query heads share {@code kvHeads} key/value heads, query head {@code h} reading KV head
 * {@code h / groupSize()}.
 */
public record AttentionShape(int queryHeads, int kvHeads, int headDim) {

    public AttentionShape {
        if (kvHeads <= 0) {
            throw new IllegalArgumentException("kvHeads must be > 0, was " + kvHeads);
        }
        if (queryHeads <= 0 || queryHeads % kvHeads != 0) {
            throw new IllegalArgumentException("queryHeads must be a positive multiple of kvHeads = " + kvHeads
                    + ", was " + queryHeads);
        }
        if (headDim <= 0) {
            throw new IllegalArgumentException("headDim must be > 0, was " + headDim);
        }
    }

    /** Query heads per KV head (the GQA ratio). */
    public int groupSize() {
        return queryHeads / kvHeads;
    }

    /** The softmax temperature 1/sqrt(d). */
    public float scale() {
        return (float) (1 / Math.sqrt(headDim));
    }

    /** Checks a query / output array of {@code queryHeads · headDim} floats. */
    void checkQueryArray(String name, float[] a) {
        if (a == null || a.length != queryHeads * headDim) {
            throw new IllegalArgumentException(name + " must hold queryHeads*headDim = " + queryHeads * headDim
                    + " floats, found " + (a == null ? "null" : a.length));
        }
    }
}
