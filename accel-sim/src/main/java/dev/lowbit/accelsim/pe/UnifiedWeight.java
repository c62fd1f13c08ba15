package dev.lowbit.accelsim.pe;

import dev.lowbit.packing.bitmod.BitModType;

/**
 * A weight value in BitMoD's unified form {@code sign · mantissa · 2^exponent} (mantissa odd, or
 * 0 for zero), the form the bit-serial PE consumes: e.g. fp4 12 = +3·2^2, fp4_sr_neg −16 = −1·2^4.
 *
 * @param sign −1, 0 or +1
 * @param mantissa odd mantissa ≥ 1, or 0 for a zero weight
 * @param exponent shift ≥ 0
 */
public record UnifiedWeight(int sign, int mantissa, int exponent) {
    public UnifiedWeight {
        if (sign < -1 || sign > 1 || mantissa < 0 || exponent < 0 || (mantissa == 0) != (sign == 0)) {
            throw new IllegalArgumentException("unified weight: expected sign in {-1,0,1}, mantissa >= 0 (0 iff sign 0),"
                    + " exponent >= 0; found sign " + sign + ", mantissa " + mantissa + ", exponent " + exponent);
        }
    }

    /** The weight of {@code code} in datatype {@code type}. */
    public static UnifiedWeight of(BitModType type, int code) {
        return new UnifiedWeight(type.sign(code), type.mantissa(code), type.exponent(code));
    }

    /** The integer value, sign · mantissa · 2^exponent. */
    public int value() {
        return sign * (mantissa << exponent);
    }

    /** The 2-bit mantissa chunk consumed in cycle {@code cycle} (least significant first). */
    public int chunk(int cycle) {
        return (mantissa >>> (BitSerialPe.BITS_PER_CYCLE * cycle)) & ((1 << BitSerialPe.BITS_PER_CYCLE) - 1);
    }
}
