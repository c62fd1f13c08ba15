package dev.lowbit.packing.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * {@code TERNARY2}: 1.58-bit trits (see {@link TernaryRule}) stored in 2 bits, fast to decode.
 *
 * <p>Code of one element: bit 0 = "is +1", bit 1 = "is −1"; so 00 = 0, 01 = +1, 10 = −1 and 11
 * is invalid (refused by {@link #validate}). value = ((c &amp; 1) − (c &gt;&gt; 1)) · scale. The two bits
 * act as a plus plane and a minus plane, which SIMD kernels use as masks.
 *
 * <p>Layout of one group of G elements: {@code ceil(G/4)} code bytes, element {@code i} at bits
 * {@code 2·(i % 4)} and {@code 2·(i % 4) + 1} of byte {@code i / 4} (LSB first). Metadata: 2 bytes,
 * the FP16 scale. Honest bits at G = 32: 2 + 16/32 = 2.5.
 */
public final class Ternary2Codec implements GroupCodec {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Use {@link PackedFormat#codec()}: one stateless instance per format. */
    Ternary2Codec() {}

    @Override
    public PackedFormat format() {
        return PackedFormat.TERNARY2;
    }

    @Override
    public int codeBytes(int groupSize) {
        return (int) ((groupSize + 3L) / 4); // long: no overflow for group sizes near Integer.MAX_VALUE
    }

    @Override
    public int metaBytes() {
        return 2;
    }

    @Override
    public void quantize(float[] x, int off, int len, MemorySegment codes, long codeOff, MemorySegment meta, long metaOff) {
        double m = TernaryRule.meanAbs(x, off, len);
        meta.set(F16, metaOff, Fp16.encode((float) m));
        for (int b = 0; b < (len + 3) / 4; b++) {
            int bits = 0;
            for (int j = 0; j < 4 && b * 4 + j < len; j++) {
                int t = TernaryRule.trit(x[off + b * 4 + j], m);
                int c = t == 1 ? 0b01 : t == -1 ? 0b10 : 0b00;
                bits |= c << (2 * j);
            }
            codes.set(ValueLayout.JAVA_BYTE, codeOff + b, (byte) bits);
        }
    }

    @Override
    public void dequantize(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, int len, float[] out, int outOff) {
        float s = Fp16.decode(meta.get(F16, metaOff));
        for (int i = 0; i < len; i++) {
            out[outOff + i] = code(codes, codeOff, i) * s;
        }
    }

    private static int rawCode(MemorySegment codes, long codeOff, int i) {
        return (codes.get(ValueLayout.JAVA_BYTE, codeOff + (i >>> 2)) >>> (2 * (i & 3))) & 3;
    }

    /** The trit of element {@code i}: −1, 0 or +1 (an invalid code 11 reads as 0; {@link #validate} refuses it). */
    @Override
    public int code(MemorySegment codes, long codeOff, int i) {
        int c = rawCode(codes, codeOff, i);
        return (c & 1) - (c >>> 1);
    }

    @Override
    public void validate(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, int len) {
        GroupStats.requireFiniteMeta("TERNARY2 scale", Fp16.decode(meta.get(F16, metaOff)));
        for (int i = 0; i < len; i++) {
            if (rawCode(codes, codeOff, i) == 3) {
                throw new IllegalArgumentException("corrupt TERNARY2 code 0b11 at element " + i
                        + " of the group at code byte " + codeOff + "; valid codes are 00, 01, 10");
            }
        }
    }

    @Override
    public float errorBound(float[] x, int off, int len) {
        return TernaryRule.errorBound(x, off, len);
    }
}
