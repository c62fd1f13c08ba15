package dev.lowbit.packing.kv;

import dev.lowbit.packing.format.GroupCodec;
import dev.lowbit.packing.format.PackedFormat;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A block of G tokens × d channels grouped <em>per token</em> (one group = G consecutive channels
 * of one token; the last group of a token holds {@code d − (ng−1)·G} channels when G does not
 * divide d): KIVI values.
 *
 * <h2>Layout of one block</h2>
 * With {@code ng = ceil(d / G)} groups per token: codes of token {@code t}, channel group
 * {@code j} at byte {@code (t·ng + j) · codeBytes(G)} (a short group padded with zero codes to the
 * full stride), metadata at {@code (t·ng + j) · metaBytes()}. INT2 at G = 32: one little-endian
 * 64-bit word per group (bits 2i, 2i+1 = channel j·G + i), metadata FP16 step then FP16 min.
 */
public final class TokenGroupCodec implements KvBlockCodec {
    private final PackedFormat format;
    private final GroupCodec codec;
    private final int g;
    private final int d;
    private final int ng;

    public TokenGroupCodec(PackedFormat format, int groupSize, int headDim) {
        this.format = Objects.requireNonNull(format, "format");
        this.codec = format.codec();
        this.g = KvChecks.positive("group size", groupSize);
        this.d = KvChecks.positive("head dim", headDim);
        this.ng = (d + g - 1) / g;
    }

    @Override
    public String name() {
        return format.name().toLowerCase() + "/token";
    }

    /** The format of every group (kernels dispatch on it, not on {@link #name()}). */
    public PackedFormat format() {
        return format;
    }

    @Override
    public int groupSize() {
        return g;
    }

    @Override
    public int headDim() {
        return d;
    }

    /** Channel groups per token. */
    public int groupsPerToken() {
        return ng;
    }

    @Override
    public int codeBytes() {
        return g * rowCodeBytesOf();
    }

    @Override
    public int metaBytes() {
        return g * rowMetaBytesOf();
    }

    /** Code bytes of one token's row. */
    int rowCodeBytesOf() {
        return ng * codec.codeBytes(g);
    }

    /** Metadata bytes of one token's row. */
    int rowMetaBytesOf() {
        return ng * codec.metaBytes();
    }

    @Override
    public double payloadBitsPerElement() {
        return format.payloadBitsPerElement();
    }

    /** Quantizes one token's d channels ({@code x[xOff, xOff+d)}) as a row of ng groups. */
    void quantizeRow(float[] x, int xOff, MemorySegment codes, long codeOff, MemorySegment meta, long metaOff) {
        for (int j = 0; j < ng; j++) {
            int len = Math.min(g, d - j * g);
            codec.quantize(x, xOff + j * g, len, codes, codeOff + (long) j * codec.codeBytes(g), meta, metaOff + (long) j * codec.metaBytes());
        }
    }

    /** Dequantizes one token's row into {@code out[outOff, outOff+d)}. */
    void dequantizeRow(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, float[] out, int outOff) {
        for (int j = 0; j < ng; j++) {
            int len = Math.min(g, d - j * g);
            codec.dequantize(codes, codeOff + (long) j * codec.codeBytes(g), meta, metaOff + (long) j * codec.metaBytes(), len, out, outOff + j * g);
        }
    }

    @Override
    public void quantize(float[] x, int xOff, boolean[] salient, MemorySegment codes, long codeOff,
                         MemorySegment meta, long metaOff, RowStore rows) {
        for (int t = 0; t < g; t++) {
            quantizeRow(x, xOff + t * d, codes, codeOff + (long) t * rowCodeBytesOf(), meta, metaOff + (long) t * rowMetaBytesOf());
        }
    }

    @Override
    public void dequantize(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, RowStore rows,
                           float[] out, int outOff) {
        for (int t = 0; t < g; t++) {
            dequantizeRow(codes, codeOff + (long) t * rowCodeBytesOf(), meta, metaOff + (long) t * rowMetaBytesOf(), out, outOff + t * d);
        }
    }
}
