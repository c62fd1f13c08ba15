package dev.lowbit.packing.format;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * {@code INT2}: asymmetric 2-bit, value = fma(q, step, min) with q in 0..3 (KIVI's scheme).
 *
 * <p>Quantizer: min = the group minimum rounded <em>down</em> to FP16, step = (max − min)/3
 * rounded <em>up</em> to FP16, so [min, min + 3·step] covers the group and every element is
 * within step/2 of its reconstruction; q = clamp(round((x − min)/step), 0, 3).
 *
 * <p>Layout of one group of G elements: {@code ceil(G/4)} code bytes, element {@code i} at bits
 * {@code 2·(i % 4)}, {@code 2·(i % 4) + 1} of byte {@code i / 4} (LSB first). Metadata: 4 bytes,
 * FP16 step then FP16 min. Honest bits at G = 32: 2 + 32/32 = 3.0.
 */
public final class Int2Codec implements GroupCodec {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Use {@link PackedFormat#codec()}: one stateless instance per format. */
    Int2Codec() {}

    @Override
    public PackedFormat format() {
        return PackedFormat.INT2;
    }

    @Override
    public int codeBytes(int groupSize) {
        return (int) ((groupSize + 3L) / 4); // long: no overflow for group sizes near Integer.MAX_VALUE
    }

    @Override
    public int metaBytes() {
        return 4;
    }

    /** The FP16 step a group [mn, mx] gets, given its already rounded minimum. */
    static float step(float mn16, float mx) {
        double d = ((double) mx - mn16) / 3;
        float f = (float) d;
        if (f < d) {
            f = Math.nextUp(f);
        }
        return Fp16.decode(Fp16.encodeUp(f));
    }

    @Override
    public void quantize(float[] x, int off, int len, MemorySegment codes, long codeOff, MemorySegment meta, long metaOff) {
        float mn = Float.POSITIVE_INFINITY;
        float mx = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < len; i++) {
            mn = Math.min(mn, x[off + i]);
            mx = Math.max(mx, x[off + i]);
        }
        if (len == 0) {
            mn = mx = 0;
        }
        short mn16 = Fp16.encodeDown(mn);
        float min = Fp16.decode(mn16);
        float step = step(min, mx);
        meta.set(F16, metaOff, Fp16.encode(step));
        meta.set(F16, metaOff + 2, mn16);
        for (int b = 0; b < (len + 3) / 4; b++) {
            int bits = 0;
            for (int j = 0; j < 4 && b * 4 + j < len; j++) {
                bits |= quantizeOne(x[off + b * 4 + j], min, step) << (2 * j);
            }
            codes.set(ValueLayout.JAVA_BYTE, codeOff + b, (byte) bits);
        }
    }

    static int quantizeOne(float v, float min, float step) {
        if (step == 0) {
            return 0;
        }
        long q = Math.round(((double) v - min) / step);
        return (int) Math.max(0, Math.min(3, q));
    }

    @Override
    public void dequantize(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, int len, float[] out, int outOff) {
        float step = Fp16.decode(meta.get(F16, metaOff));
        float min = Fp16.decode(meta.get(F16, metaOff + 2));
        for (int i = 0; i < len; i++) {
            out[outOff + i] = Math.fma((float) code(codes, codeOff, i), step, min);
        }
    }

    @Override
    public int code(MemorySegment codes, long codeOff, int i) {
        return (codes.get(ValueLayout.JAVA_BYTE, codeOff + (i >>> 2)) >>> (2 * (i & 3))) & 3;
    }

    @Override
    public void validate(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, int len) {
        GroupStats.requireFiniteMeta("INT2 step", Fp16.decode(meta.get(F16, metaOff)));
        GroupStats.requireFiniteMeta("INT2 min", Fp16.decode(meta.get(F16, metaOff + 2)));
        // every 2-bit pattern is a valid code
    }

    @Override
    public float errorBound(float[] x, int off, int len) {
        float mn = Float.POSITIVE_INFINITY;
        float mx = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < len; i++) {
            mn = Math.min(mn, x[off + i]);
            mx = Math.max(mx, x[off + i]);
        }
        if (len == 0) {
            return 0;
        }
        float step = step(Fp16.decode(Fp16.encodeDown(mn)), mx);
        return 0.5f * step + GroupStats.slack(x, off, len) + 2 * Math.ulp(step);
    }
}
