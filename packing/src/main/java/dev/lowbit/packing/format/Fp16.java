package dev.lowbit.packing.format;

/**
 * Binary16 helpers for group metadata. Scales and zero points are stored as FP16 (as KIVI and
 * ggml do), so every quantizer first rounds them to FP16 and then quantizes against the rounded
 * value: the stored metadata is exactly what the quantizer used.
 */
public final class Fp16 {
    /** Largest finite binary16 value. */
    public static final float MAX = 65504f;

    private Fp16() {}

    /** Round to nearest even. */
    public static short encode(float v) {
        return Float.floatToFloat16(v);
    }

    public static float decode(short h) {
        return Float.float16ToFloat(h);
    }

    /** {@code v} rounded to the nearest binary16, as a float. */
    public static float round(float v) {
        return decode(encode(v));
    }

    /** The largest binary16 value {@code <= v} (v finite, {@code |v| <= MAX}). */
    public static short encodeDown(float v) {
        short h = encode(v);
        return decode(h) > v ? nextDown(h) : h;
    }

    /** The smallest binary16 value {@code >= v} (v finite, {@code |v| <= MAX}). */
    public static short encodeUp(float v) {
        short h = encode(v);
        return decode(h) < v ? nextUp(h) : h;
    }

    static short nextDown(short h) {
        int bits = h & 0xFFFF;
        if (bits == 0x0000) {
            return (short) 0x8001; // +0 -> smallest negative subnormal
        }
        return (short) ((bits & 0x8000) == 0 ? bits - 1 : bits + 1);
    }

    static short nextUp(short h) {
        int bits = h & 0xFFFF;
        if (bits == 0x8000) {
            return (short) 0x0001; // -0 -> smallest positive subnormal
        }
        return (short) ((bits & 0x8000) == 0 ? bits + 1 : bits - 1);
    }
}
