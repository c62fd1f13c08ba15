package dev.lowbit.packing.kv;

import dev.lowbit.packing.format.GroupCodec;
import dev.lowbit.packing.format.PackedFormat;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * VidKV values for one KV head: 1.58-bit ternary per channel over groups of G tokens
 * (threshold 0.5·mean|x|, value = trit · scale, scale = mean|x| — the scale is kept), with
 * <em>semantic token preservation</em>: salient tokens are kept at INT2 instead, as one INT2 row
 * per salient token (per-token groups of G channels, as KIVI values) in a side {@link RowStore}.
 * A channel's ternary statistics are computed over the block's non-salient tokens only, and a
 * salient token's ternary codes are 0, so a kernel may sum the ternary part over all G tokens and
 * add the salient rows on top.
 *
 * <h2>Layout of one block (G tokens)</h2>
 * <ul>
 *   <li>codes: channel {@code c} at {@code c · cbT} (TERNARY2 group, cbT = 8 at G = 32: one
 *       little-endian 64-bit word, bits 2t/2t+1 = "+1"/"−1" plane of token t).</li>
 *   <li>metadata: FP16 scale of channel c at {@code 2c}; at {@code 2d}: the salient mask,
 *       {@code ceil(G/8)} bytes, bit t (LSB first) = token t is salient; then at
 *       {@code 2d + ceil(G/8)}: the little-endian int64 index of the block's first side row
 *       (its salient tokens' rows are consecutive, in token order). metaBytes = 2d + ceil(G/8) + 8.</li>
 *   <li>side row (one salient token): {@code ng = ceil(d/G)} INT2 groups of G channels:
 *       codes {@code ng·8} bytes (group j at 8j), metadata {@code ng·4} bytes (FP16 step, FP16 min).</li>
 * </ul>
 * Honest bits without salient tokens: 2 + 16/G + 8·(ceil(G/8) + 8)/(G·d) (2.52 at G = 32, d = 128);
 * each salient token adds an INT2 row (2 + 32/G bits per element of that token). Payload: 2 bits (TERNARY2 stores a trit in 2 bits; the
 * dense TERNARY_B3 layout would be 1.6).
 */
public final class VidKvValueQuantizer implements KvBlockCodec {
    private static final GroupCodec TERN = PackedFormat.TERNARY2.codec();
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final int g;
    private final int d;
    private final TokenGroupCodec rowCodec;

    public VidKvValueQuantizer(int groupSize, int headDim) {
        this.g = KvChecks.positive("group size", groupSize);
        this.d = KvChecks.positive("head dim", headDim);
        this.rowCodec = new TokenGroupCodec(PackedFormat.INT2, groupSize, headDim);
    }

    @Override
    public String name() {
        return "vidkv-value(ternary2/channel + int2 salient rows)";
    }

    @Override
    public int groupSize() {
        return g;
    }

    @Override
    public int headDim() {
        return d;
    }

    @Override
    public int codeBytes() {
        return d * TERN.codeBytes(g);
    }

    /** Offset of the salient mask inside a block's metadata. */
    public int maskOffset() {
        return 2 * d;
    }

    /** Offset of the first-side-row index inside a block's metadata. */
    public int firstRowOffset() {
        return 2 * d + (g + 7) / 8;
    }

    @Override
    public int metaBytes() {
        return firstRowOffset() + 8;
    }

    @Override
    public int rowCodeBytes() {
        return rowCodec.rowCodeBytesOf();
    }

    @Override
    public int rowMetaBytes() {
        return rowCodec.rowMetaBytesOf();
    }

    @Override
    public double payloadBitsPerElement() {
        return PackedFormat.TERNARY2.payloadBitsPerElement();
    }

    /** Whether token t of a block is salient. */
    public boolean isSalient(MemorySegment meta, long metaOff, int t) {
        return ((meta.get(ValueLayout.JAVA_BYTE, metaOff + maskOffset() + (t >>> 3)) >>> (t & 7)) & 1) != 0;
    }

    /** Index of the block's first side row. */
    public long firstRow(MemorySegment meta, long metaOff) {
        return meta.get(I64, metaOff + firstRowOffset());
    }

    /** Dequantizes side row {@code r} (one salient token's INT2 row) into {@code out[outOff, outOff + d)}. */
    public void dequantizeSalientRow(RowStore rows, long r, float[] out, int outOff) {
        rowCodec.dequantizeRow(rows.codes(r), rows.codeOffset(r), rows.meta(r), rows.metaOffset(r), out, outOff);
    }

    @Override
    public void quantize(float[] x, int xOff, boolean[] salient, MemorySegment codes, long codeOff,
                         MemorySegment meta, long metaOff, RowStore rows) {
        if (salient != null && salient.length < g) {
            throw new IllegalArgumentException("salient flags: expected " + g + ", got " + salient.length);
        }
        int cbT = TERN.codeBytes(g);
        float[] kept = new float[g];
        byte[] tmpCodes = new byte[cbT];
        byte[] tmpMeta = new byte[TERN.metaBytes()];
        MemorySegment tc = MemorySegment.ofArray(tmpCodes);
        MemorySegment tm = MemorySegment.ofArray(tmpMeta);
        for (int c = 0; c < d; c++) {
            int m = 0;
            for (int t = 0; t < g; t++) {
                if (salient == null || !salient[t]) {
                    kept[m++] = x[xOff + t * d + c];
                }
            }
            java.util.Arrays.fill(tmpCodes, (byte) 0);
            TERN.quantize(kept, 0, m, tc, 0, tm, 0);
            // Move the m packed 2-bit codes to their token positions; salient positions stay 00 (= 0).
            long base = codeOff + (long) c * cbT;
            for (int i = 0; i < cbT; i++) {
                codes.set(ValueLayout.JAVA_BYTE, base + i, (byte) 0);
            }
            int k = 0;
            for (int t = 0; t < g; t++) {
                if (salient == null || !salient[t]) {
                    int raw = (tmpCodes[k >>> 2] >>> (2 * (k & 3))) & 3;
                    byte old = codes.get(ValueLayout.JAVA_BYTE, base + (t >>> 2));
                    codes.set(ValueLayout.JAVA_BYTE, base + (t >>> 2), (byte) (old | raw << (2 * (t & 3))));
                    k++;
                }
            }
            MemorySegment.copy(tm, 0, meta, metaOff + 2L * c, TERN.metaBytes());
        }
        long first = rows == null ? 0 : rows.size();
        for (int b = 0; b < (g + 7) / 8; b++) {
            int bits = 0;
            for (int j = 0; j < 8 && b * 8 + j < g; j++) {
                if (salient != null && salient[b * 8 + j]) {
                    bits |= 1 << j;
                }
            }
            meta.set(ValueLayout.JAVA_BYTE, metaOff + maskOffset() + b, (byte) bits);
        }
        meta.set(I64, metaOff + firstRowOffset(), first);
        for (int t = 0; t < g; t++) {
            if (salient != null && salient[t]) {
                if (rows == null) {
                    throw new IllegalArgumentException("salient tokens need a side-row store, got null");
                }
                long r = rows.append();
                rowCodec.quantizeRow(x, xOff + t * d, rows.codes(r), rows.codeOffset(r), rows.meta(r), rows.metaOffset(r));
            }
        }
    }

    @Override
    public void dequantize(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, RowStore rows,
                           float[] out, int outOff) {
        int cbT = TERN.codeBytes(g);
        float[] group = new float[g];
        for (int c = 0; c < d; c++) {
            TERN.dequantize(codes, codeOff + (long) c * cbT, meta, metaOff + 2L * c, g, group, 0);
            for (int t = 0; t < g; t++) {
                out[outOff + t * d + c] = group[t];
            }
        }
        long r = firstRow(meta, metaOff);
        for (int t = 0; t < g; t++) {
            if (isSalient(meta, metaOff, t)) {
                rowCodec.dequantizeRow(rows.codes(r), rows.codeOffset(r), rows.meta(r), rows.metaOffset(r), out, outOff + t * d);
                r++;
            }
        }
    }
}
