package dev.lowbit.packing.bitmod;

import dev.lowbit.packing.format.Fp16;

/**
 * The 14-bit scale of a BitMoD group: an unsigned binary16 without its lowest mantissa bit
 * (5 exponent bits, 9 mantissa bits, "E5M9"), so that scale and the 2-bit type id share one
 * 16-bit word. Field {@code f} (0..0x3DFF) decodes to {@code Float.float16ToFloat(f << 1)}; the
 * relative rounding step is 2^−10 (binary16's is 2^−11). Fields with the all-ones exponent
 * ({@code f >= 0x3E00}) would be Inf/NaN and are invalid.
 */
public final class BitModScale {
    /** Largest encodable scale, 65472. */
    public static final float MAX = Fp16.decode((short) 0x7BFE);
    /** First invalid field value (exponent all ones). */
    public static final int INVALID_FROM = 0x3E00;

    private BitModScale() {}

    /** The field of the E5M9 value nearest to {@code s} (s finite, >= 0; ties to even field). */
    public static int encode(float s) {
        if (!(s >= 0) || s > Fp16.MAX) {
            throw new IllegalArgumentException("scale must be finite, >= 0 and <= 65504, was " + s);
        }
        if (s >= MAX) {
            return 0x3DFF;
        }
        int down = Fp16.encodeDown(s) & 0x7FFF;
        int lo = down >>> 1;
        int hi = lo + 1;
        double dlo = s - decode(lo);
        double dhi = decode(hi) - s;
        if (dlo < dhi || (dlo == dhi && (lo & 1) == 0)) {
            return lo;
        }
        return hi;
    }

    /** The scale a field stands for. */
    public static float decode(int field) {
        return Fp16.decode((short) (field << 1));
    }

    /** {@code s} rounded to the nearest E5M9 value. */
    public static float round(float s) {
        return decode(encode(s));
    }
}
