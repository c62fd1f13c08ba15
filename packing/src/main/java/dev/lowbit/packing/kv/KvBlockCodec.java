package dev.lowbit.packing.kv;

import java.lang.foreign.MemorySegment;

/**
 * How one KV head's block of G tokens × d channels is packed: the unit a quantized KV cache
 * appends (once, when the block is complete) and an attention kernel reads.
 *
 * <p>Input {@code x} is token-major: token {@code t}, channel {@code c} at {@code x[xOff + t·d + c]}.
 * A block occupies exactly {@link #codeBytes()} bytes of a code section and {@link #metaBytes()}
 * bytes of a metadata section (kept apart, as in {@code QuantizedTensor}); a codec may also append
 * variable numbers of fixed-size side rows to a {@link RowStore} (VidKV's salient value rows) and
 * records where in its block metadata. Each implementation documents its byte layout.
 *
 * <p>The scalar methods are references, written for clarity: {@link #scores} and
 * {@link #accumulate} compute from the packed data what SIMD kernels must reproduce.
 * Implementations are immutable and thread-safe. Callers check inputs (finite, {@code |x| <= 65504}).
 */
public interface KvBlockCodec {

    /** Short name for reports, e.g. {@code int2/channel}. */
    String name();

    /** Tokens per block (G). */
    int groupSize();

    /** Channels per token (d). */
    int headDim();

    /** Code bytes of one block. */
    int codeBytes();

    /** Metadata bytes of one block (scales, zero points, masks, row indices). */
    int metaBytes();

    /** Code bytes of one side row (0: this codec uses no side rows). */
    default int rowCodeBytes() {
        return 0;
    }

    /** Metadata bytes of one side row. */
    default int rowMetaBytes() {
        return 0;
    }

    /** Nominal code bits per element of the main block codes (what papers quote), without metadata. */
    double payloadBitsPerElement();

    /**
     * Quantizes one block.
     *
     * @param salient per-token flags (length G) or null; codecs without salience ignore it
     * @param rows side-row store (may be null for codecs with {@link #rowCodeBytes()} 0)
     */
    void quantize(float[] x, int xOff, boolean[] salient, MemorySegment codes, long codeOff,
                  MemorySegment meta, long metaOff, RowStore rows);

    /** Dequantizes one block into {@code out[outOff, outOff + G·d)}, token-major. */
    void dequantize(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, RowStore rows,
                    float[] out, int outOff);

    /** Length of the transformed query {@link #prepareQuery} produces. */
    default int preparedQueryLength() {
        return headDim();
    }

    /** Transforms a query once per head and step (identity here; VidKV applies Aᵀ to the normal channels). */
    default void prepareQuery(float[] q, int qOff, double[] prepared) {
        for (int c = 0; c < headDim(); c++) {
            prepared[c] = q[qOff + c];
        }
    }

    /**
     * {@code out[t] = q · k̂_t} for the G tokens of a block, from the packed data and a query
     * prepared by {@link #prepareQuery}. Default: dequantize the block, then dot.
     */
    default void scores(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, RowStore rows,
                        double[] prepared, double[] out) {
        int g = groupSize();
        int d = headDim();
        float[] k = new float[g * d];
        dequantize(codes, codeOff, meta, metaOff, rows, k, 0);
        for (int t = 0; t < g; t++) {
            double s = 0;
            for (int c = 0; c < d; c++) {
                s += prepared[c] * k[t * d + c];
            }
            out[t] = s;
        }
    }

    /** {@code out[c] += Σ_t p[pOff + t] · v̂_t[c]} over the G tokens of a block. */
    default void accumulate(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, RowStore rows,
                            double[] p, int pOff, double[] out) {
        int g = groupSize();
        int d = headDim();
        float[] v = new float[g * d];
        dequantize(codes, codeOff, meta, metaOff, rows, v, 0);
        for (int t = 0; t < g; t++) {
            double w = p[pOff + t];
            for (int c = 0; c < d; c++) {
                out[c] += w * v[t * d + c];
            }
        }
    }
}
