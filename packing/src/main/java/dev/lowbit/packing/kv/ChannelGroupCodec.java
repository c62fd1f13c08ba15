package dev.lowbit.packing.kv;

import dev.lowbit.packing.format.GroupCodec;
import dev.lowbit.packing.format.PackedFormat;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A block of G tokens × d channels grouped <em>per channel</em> (one group = the G tokens of one
 * channel) in any {@link PackedFormat}: KIVI and VidKV keys (INT2), plain INT1 / TERNARY2 / INT2
 * keys and values.
 *
 * <h2>Layout of one block</h2>
 * Codes: channel {@code c}'s group at byte {@code c · codeBytes(G)}, laid out by the format's
 * {@link GroupCodec} (token t of the group = element t). At G = 32: INT1 = one little-endian
 * 32-bit word per channel (bit t = token t), INT2 and TERNARY2 = one little-endian 64-bit word per
 * channel (bits 2t, 2t+1 = token t). Metadata: channel {@code c}'s group metadata at
 * {@code c · metaBytes()} (INT1 / TERNARY2: FP16 scale; INT2: FP16 step, FP16 min).
 */
public final class ChannelGroupCodec implements KvBlockCodec {
    private final PackedFormat format;
    private final GroupCodec codec;
    private final int g;
    private final int d;

    public ChannelGroupCodec(PackedFormat format, int groupSize, int headDim) {
        this.format = Objects.requireNonNull(format, "format");
        this.codec = format.codec();
        this.g = KvChecks.positive("group size", groupSize);
        this.d = KvChecks.positive("head dim", headDim);
    }

    public PackedFormat format() {
        return format;
    }

    @Override
    public String name() {
        return format.name().toLowerCase() + "/channel";
    }

    @Override
    public int groupSize() {
        return g;
    }

    @Override
    public int headDim() {
        return d;
    }

    /** Bytes of one channel's group of codes (the stride between channels). */
    public int channelCodeBytes() {
        return codec.codeBytes(g);
    }

    /** Bytes of one channel's metadata. */
    public int channelMetaBytes() {
        return codec.metaBytes();
    }

    @Override
    public int codeBytes() {
        return d * codec.codeBytes(g);
    }

    @Override
    public int metaBytes() {
        return d * codec.metaBytes();
    }

    @Override
    public double payloadBitsPerElement() {
        return format.payloadBitsPerElement();
    }

    @Override
    public void quantize(float[] x, int xOff, boolean[] salient, MemorySegment codes, long codeOff,
                         MemorySegment meta, long metaOff, RowStore rows) {
        float[] group = new float[g];
        for (int c = 0; c < d; c++) {
            for (int t = 0; t < g; t++) {
                group[t] = x[xOff + t * d + c];
            }
            codec.quantize(group, 0, g, codes, codeOff + (long) c * codec.codeBytes(g), meta, metaOff + (long) c * codec.metaBytes());
        }
    }

    @Override
    public void dequantize(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, RowStore rows,
                           float[] out, int outOff) {
        float[] group = new float[g];
        for (int c = 0; c < d; c++) {
            codec.dequantize(codes, codeOff + (long) c * codec.codeBytes(g), meta, metaOff + (long) c * codec.metaBytes(), g, group, 0);
            for (int t = 0; t < g; t++) {
                out[outOff + t * d + c] = group[t];
            }
        }
    }
}
