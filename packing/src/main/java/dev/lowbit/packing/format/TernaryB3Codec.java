package dev.lowbit.packing.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * {@code TERNARY_B3}: 1.58-bit trits (see {@link TernaryRule}) five to a byte, 1.6 bits each.
 *
 * <p>Digit of a trit: d = 0 for 0, 1 for +1, 2 for −1 (so a zero byte is five zero trits). Byte
 * {@code k} of a group holds elements {@code 5k .. 5k+4} as {@code d0 + 3·d1 + 9·d2 + 27·d3 + 81·d4}
 * (element 5k is the least significant digit); bytes 243..255 are invalid and refused by
 * {@link #validate}. A group of G elements takes {@code ceil(G/5)} bytes (G = 32: 7 bytes, the
 * last holding 2 elements). Metadata: 2 bytes, the FP16 scale. Honest bits at G = 32:
 * 7·8/32 + 16/32 = 2.25 (padding counted).
 */
public final class TernaryB3Codec implements GroupCodec {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int[] POW3 = {1, 3, 9, 27, 81};

    /** Use {@link PackedFormat#codec()}: one stateless instance per format. */
    TernaryB3Codec() {}

    @Override
    public PackedFormat format() {
        return PackedFormat.TERNARY_B3;
    }

    @Override
    public int codeBytes(int groupSize) {
        return (int) ((groupSize + 4L) / 5); // long: no overflow for group sizes near Integer.MAX_VALUE
    }

    @Override
    public int metaBytes() {
        return 2;
    }

    @Override
    public void quantize(float[] x, int off, int len, MemorySegment codes, long codeOff, MemorySegment meta, long metaOff) {
        double m = TernaryRule.meanAbs(x, off, len);
        meta.set(F16, metaOff, Fp16.encode((float) m));
        for (int b = 0; b < (len + 4) / 5; b++) {
            int v = 0;
            for (int j = 0; j < 5 && b * 5 + j < len; j++) {
                int t = TernaryRule.trit(x[off + b * 5 + j], m);
                v += (t == -1 ? 2 : t) * POW3[j];
            }
            codes.set(ValueLayout.JAVA_BYTE, codeOff + b, (byte) v);
        }
    }

    @Override
    public void dequantize(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, int len, float[] out, int outOff) {
        float s = Fp16.decode(meta.get(F16, metaOff));
        for (int i = 0; i < len; i++) {
            out[outOff + i] = code(codes, codeOff, i) * s;
        }
    }

    /** The trit of element {@code i}: −1, 0 or +1. */
    @Override
    public int code(MemorySegment codes, long codeOff, int i) {
        int v = Byte.toUnsignedInt(codes.get(ValueLayout.JAVA_BYTE, codeOff + i / 5));
        int d = (v / POW3[i % 5]) % 3;
        return d == 2 ? -1 : d;
    }

    @Override
    public void validate(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, int len) {
        GroupStats.requireFiniteMeta("TERNARY_B3 scale", Fp16.decode(meta.get(F16, metaOff)));
        for (int b = 0; b < (len + 4) / 5; b++) {
            int v = Byte.toUnsignedInt(codes.get(ValueLayout.JAVA_BYTE, codeOff + b));
            if (v >= 243) {
                throw new IllegalArgumentException("corrupt TERNARY_B3 byte " + v + " at code byte " + (codeOff + b)
                        + "; valid bytes are 0..242 (five base-3 digits)");
            }
        }
    }

    @Override
    public float errorBound(float[] x, int off, int len) {
        return TernaryRule.errorBound(x, off, len);
    }
}
