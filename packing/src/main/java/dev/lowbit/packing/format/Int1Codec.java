package dev.lowbit.packing.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * {@code INT1}: one sign bit per element; value = +scale for bit 1, −scale for bit 0, with
 * scale = mean |x| of the group (the L2-optimal scale for a sign code), stored as FP16.
 *
 * <p>Layout of one group of G elements: {@code ceil(G/8)} code bytes, element {@code i} at bit
 * {@code i % 8} (LSB first) of byte {@code i / 8}; so with G = 32 a group is one little-endian
 * 32-bit word whose bit {@code i} is element {@code i}. Bit = 1 when {@code x >= 0} (also −0).
 * Metadata: 2 bytes, the FP16 scale. Honest bits at G = 32: 1 + 16/32 = 1.5.
 *
 * <p>Error bound: {@code ||x| − scale| <= max(maxAbs, scale) = maxAbs} plus FP16 rounding of
 * the scale (relative 2^-11 for normal scales, up to 2^-25 absolute for subnormal ones).
 */
public final class Int1Codec implements GroupCodec {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Use {@link PackedFormat#codec()}: one stateless instance per format. */
    Int1Codec() {}

    @Override
    public PackedFormat format() {
        return PackedFormat.INT1;
    }

    @Override
    public int codeBytes(int groupSize) {
        return (int) ((groupSize + 7L) / 8); // long: no overflow for group sizes near Integer.MAX_VALUE
    }

    @Override
    public int metaBytes() {
        return 2;
    }

    @Override
    public void quantize(float[] x, int off, int len, MemorySegment codes, long codeOff, MemorySegment meta, long metaOff) {
        meta.set(F16, metaOff, Fp16.encode((float) GroupStats.meanAbs(x, off, len)));
        for (int b = 0; b < (len + 7) / 8; b++) {
            int bits = 0;
            for (int j = 0; j < 8 && b * 8 + j < len; j++) {
                if (x[off + b * 8 + j] >= 0) {
                    bits |= 1 << j;
                }
            }
            codes.set(ValueLayout.JAVA_BYTE, codeOff + b, (byte) bits);
        }
    }

    @Override
    public void dequantize(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, int len, float[] out, int outOff) {
        float s = Fp16.decode(meta.get(F16, metaOff));
        for (int i = 0; i < len; i++) {
            out[outOff + i] = code(codes, codeOff, i) == 1 ? s : -s;
        }
    }

    @Override
    public int code(MemorySegment codes, long codeOff, int i) {
        return (codes.get(ValueLayout.JAVA_BYTE, codeOff + (i >>> 3)) >>> (i & 7)) & 1;
    }

    @Override
    public void validate(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, int len) {
        GroupStats.requireFiniteMeta("INT1 scale", Fp16.decode(meta.get(F16, metaOff))); // every bit pattern is a valid code
    }

    @Override
    public float errorBound(float[] x, int off, int len) {
        float m = GroupStats.maxAbs(x, off, len);
        return m * (1 + 0x1p-10f) + GroupStats.FP16_SUBNORMAL_HALF_STEP + GroupStats.slack(x, off, len);
    }
}
