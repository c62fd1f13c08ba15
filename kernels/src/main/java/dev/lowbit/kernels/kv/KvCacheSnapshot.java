package dev.lowbit.kernels.kv;

import dev.lowbit.packing.kv.ChunkedRecords;
import dev.lowbit.packing.kv.KvBlockCodec;
import dev.lowbit.packing.kv.RowStore;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * An immutable view of a consistent prefix of a {@link QuantizedKvCache}: the first
 * {@link #tokens()} tokens, of which the first {@link #quantizedBlocks()}·G are packed and the
 * rest are in the FP32 residual window. Everything a kernel reads goes through here.
 *
 * <p>Packed block {@code b < quantizedBlocks()} of head {@code h}:
 * {@code keyCodes(h, b)} is the segment (chunk) holding its key codes, starting at
 * {@code keyCodeOffset(h, b)}; likewise {@code keyMeta}, {@code valueCodes}, {@code valueMeta};
 * the byte layout inside is {@code keyCodec(h)}'s / {@code valueCodec(h)}'s. Residual: block
 * {@code i < residualBlocks()} is {@code residualKeys(h, i)} / {@code residualValues(h, i)}, a
 * token-major {@code float[G·d]} holding tokens {@code (quantizedBlocks()+i)·G + t} for
 * {@code t < residualBlockTokens(i)} (only the last block may be partial; slots past it are
 * the writer's and must not be read).
 */
public final class KvCacheSnapshot {

    /** One head's published state. */
    record HeadView(KvBlockCodec keyCodec, KvBlockCodec valueCodec, ChunkedRecords keyCodes, ChunkedRecords keyMeta,
                    RowStore keyRows, ChunkedRecords valueCodes, ChunkedRecords valueMeta, RowStore valueRows,
                    long keyRowCount, long valueRowCount, float[][] resK, float[][] resV) {}

    private final QuantizedKvCache cache;
    private final long tokens;
    private final long quantizedBlocks;
    private final HeadView[] heads;

    KvCacheSnapshot(QuantizedKvCache cache, long tokens, long quantizedBlocks, HeadView[] heads) {
        this.cache = cache;
        this.tokens = tokens;
        this.quantizedBlocks = quantizedBlocks;
        this.heads = heads;
    }

    public QuantizedKvCache cache() {
        return cache;
    }

    public int kvHeads() {
        return heads.length;
    }

    public int headDim() {
        return cache.headDim();
    }

    public int groupSize() {
        return cache.groupSize();
    }

    /** Tokens in this prefix. */
    public long tokens() {
        return tokens;
    }

    /** Packed blocks (of G tokens) per head. */
    public long quantizedBlocks() {
        return quantizedBlocks;
    }

    public long quantizedTokens() {
        return quantizedBlocks * groupSize();
    }

    /** Tokens in the FP32 residual window. */
    public long residualTokens() {
        return tokens - quantizedTokens();
    }

    /** Number of residual blocks (the last may be partial). */
    public int residualBlocks() {
        return (int) ((residualTokens() + groupSize() - 1) / groupSize());
    }

    /** Valid tokens of residual block i. */
    public int residualBlockTokens(int i) {
        Objects.checkIndex(i, residualBlocks());
        return (int) Math.min(groupSize(), residualTokens() - (long) i * groupSize());
    }

    private HeadView head(int h) {
        Objects.checkIndex(h, heads.length);
        return heads[h];
    }

    private void checkBlock(long b) {
        Objects.checkIndex(b, quantizedBlocks);
    }

    /** Head h's key codec, or null while the head has no packed block. */
    public KvBlockCodec keyCodec(int h) {
        return head(h).keyCodec();
    }

    public KvBlockCodec valueCodec(int h) {
        return head(h).valueCodec();
    }

    public MemorySegment keyCodes(int h, long b) {
        checkBlock(b);
        return head(h).keyCodes().chunk(b);
    }

    public long keyCodeOffset(int h, long b) {
        checkBlock(b);
        return head(h).keyCodes().offset(b);
    }

    public MemorySegment keyMeta(int h, long b) {
        checkBlock(b);
        return head(h).keyMeta().chunk(b);
    }

    public long keyMetaOffset(int h, long b) {
        checkBlock(b);
        return head(h).keyMeta().offset(b);
    }

    public MemorySegment valueCodes(int h, long b) {
        checkBlock(b);
        return head(h).valueCodes().chunk(b);
    }

    public long valueCodeOffset(int h, long b) {
        checkBlock(b);
        return head(h).valueCodes().offset(b);
    }

    public MemorySegment valueMeta(int h, long b) {
        checkBlock(b);
        return head(h).valueMeta().chunk(b);
    }

    public long valueMetaOffset(int h, long b) {
        checkBlock(b);
        return head(h).valueMeta().offset(b);
    }

    /** Side rows of head h's key codec (unused by the current schemes). */
    public RowStore keyRows(int h) {
        return head(h).keyRows();
    }

    /** Side rows of head h's value codec (VidKV salient tokens' INT2 rows). */
    public RowStore valueRows(int h) {
        return head(h).valueRows();
    }

    /** Residual key block i of head h (token-major float[G·d]; see the class comment). */
    public float[] residualKeys(int h, int i) {
        Objects.checkIndex(i, residualBlocks());
        return head(h).resK()[i];
    }

    public float[] residualValues(int h, int i) {
        Objects.checkIndex(i, residualBlocks());
        return head(h).resV()[i];
    }

    /** Block b of head h's keys, dequantized by the scalar reference (G·d floats, token-major). */
    public void dequantizeKeyBlock(int h, long b, float[] out, int outOff) {
        HeadView v = head(h);
        v.keyCodec().dequantize(keyCodes(h, b), keyCodeOffset(h, b), keyMeta(h, b), keyMetaOffset(h, b), v.keyRows(), out, outOff);
    }

    public void dequantizeValueBlock(int h, long b, float[] out, int outOff) {
        HeadView v = head(h);
        v.valueCodec().dequantize(valueCodes(h, b), valueCodeOffset(h, b), valueMeta(h, b), valueMetaOffset(h, b), v.valueRows(), out, outOff);
    }

    /** All keys of head h as the cache reproduces them (dequantized blocks + residual), [tokens][d]. */
    public float[] keys(int h) {
        return gather(h, true);
    }

    /** All values of head h as the cache reproduces them, [tokens][d]. */
    public float[] values(int h) {
        return gather(h, false);
    }

    private float[] gather(int h, boolean keys) {
        int d = headDim();
        int g = groupSize();
        float[] out = new float[Math.toIntExact(tokens * d)];
        for (long b = 0; b < quantizedBlocks; b++) {
            if (keys) {
                dequantizeKeyBlock(h, b, out, (int) (b * g * d));
            } else {
                dequantizeValueBlock(h, b, out, (int) (b * g * d));
            }
        }
        for (int i = 0; i < residualBlocks(); i++) {
            float[] blk = keys ? residualKeys(h, i) : residualValues(h, i);
            System.arraycopy(blk, 0, out, (int) ((quantizedBlocks + i) * g * d), residualBlockTokens(i) * d);
        }
        return out;
    }

    /** Bytes of packed codes (blocks and side rows; keys and values; all heads). */
    public long payloadBytes() {
        long s = 0;
        for (HeadView v : heads) {
            if (v.keyCodec() != null) {
                s += quantizedBlocks * v.keyCodec().codeBytes() + v.keyRowCount() * v.keyCodec().rowCodeBytes();
            }
            s += quantizedBlocks * v.valueCodec().codeBytes() + v.valueRowCount() * v.valueCodec().rowCodeBytes();
        }
        return s;
    }

    /** Bytes of metadata: block and row scales / zero points / masks / row indices, and per-head channel maps. */
    public long metadataBytes() {
        long s = 0;
        for (HeadView v : heads) {
            if (v.keyCodec() != null) {
                s += quantizedBlocks * v.keyCodec().metaBytes() + v.keyRowCount() * v.keyCodec().rowMetaBytes();
                s += cache.scheme().headMetadataBytes(headDim());
            }
            s += quantizedBlocks * v.valueCodec().metaBytes() + v.valueRowCount() * v.valueCodec().rowMetaBytes();
        }
        return s;
    }

    /** Bytes of the FP32 residual tokens held (keys and values: 8 bytes per token and channel per head). */
    public long residualBytes() {
        return residualTokens() * headDim() * 8L * kvHeads();
    }

    /** K and V elements in this prefix: 2 · heads · tokens · d. */
    public long elementCount() {
        return 2L * kvHeads() * tokens * headDim();
    }

    /** Honest bits per element: (payload + metadata + residual) · 8 / elements. */
    public double bitsPerElement() {
        return tokens == 0 ? 0 : (payloadBytes() + metadataBytes() + residualBytes()) * 8.0 / elementCount();
    }

    /** Code bits per packed element (payload bytes · 8 over the quantized K and V elements); 0 when nothing is packed. */
    public double payloadBitsPerElement() {
        long q = 2L * kvHeads() * quantizedTokens() * headDim();
        return q == 0 ? 0 : payloadBytes() * 8.0 / q;
    }
}
