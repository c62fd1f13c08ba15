package dev.lowbit.packing.bitmod;

import java.util.Arrays;
import java.util.Locale;

/**
 * The 3- and 4-bit weight datatypes of BitMoD and its baselines, as value tables in units of the
 * group scale (weight = value · scale). Values are those of the authors' code; names are theirs.
 *
 * <h2>Code → value</h2>
 * Every type is sign-magnitude over a table of 2^(b−1) non-negative magnitudes {@code mag[]}:
 * code {@code c} with sign bit {@code c >>> (b−1)} and magnitude index {@code c & (2^(b−1)−1)}
 * has value {@code ±mag[index]}. The redundant "−0" code {@code 1 << (b−1)} carries the type's
 * <em>special value</em> (BitMoD's extra value: sp = ±3 / ±5, sm = ±5 / ±10, sr = ±6 / ±16), or 0
 * for types without one. So code 0 is always +0, which lets packed layouts pad with zero codes.
 *
 * <h2>Unified form</h2>
 * Every value is {@code sign · mantissa · 2^exponent} with an odd mantissa (or 0): 6 = 3·2^1,
 * 16 = 1·2^4, 10 = 5·2^1. The bit-serial PE consumes the mantissa two bits per cycle, so
 * {@link #mantissaBits()} (the widest mantissa of the table) decides its cycle count.
 */
public enum BitModType {
    /** FP3 base {0, ±1, ±2, ±4}. */
    FP3(3, new int[] {0, 1, 2, 4}, 0),
    FP3_SP_POS(3, new int[] {0, 1, 2, 4}, 3),
    FP3_SP_NEG(3, new int[] {0, 1, 2, 4}, -3),
    FP3_SM_POS(3, new int[] {0, 1, 2, 4}, 5),
    FP3_SM_NEG(3, new int[] {0, 1, 2, 4}, -5),
    FP3_SR_POS(3, new int[] {0, 1, 2, 4}, 6),
    FP3_SR_NEG(3, new int[] {0, 1, 2, 4}, -6),
    /** INT3 symmetric {0, ±1, ±2, ±3}. */
    INT3(3, new int[] {0, 1, 2, 3}, 0),
    /** FP4 E2M1 {0, ±1, ±2, ±3, ±4, ±6, ±8, ±12}. */
    FP4(4, new int[] {0, 1, 2, 3, 4, 6, 8, 12}, 0),
    FP4_SP_POS(4, new int[] {0, 1, 2, 3, 4, 6, 8, 12}, 5),
    FP4_SP_NEG(4, new int[] {0, 1, 2, 3, 4, 6, 8, 12}, -5),
    FP4_SM_POS(4, new int[] {0, 1, 2, 3, 4, 6, 8, 12}, 10),
    FP4_SM_NEG(4, new int[] {0, 1, 2, 3, 4, 6, 8, 12}, -10),
    FP4_SR_POS(4, new int[] {0, 1, 2, 3, 4, 6, 8, 12}, 16),
    FP4_SR_NEG(4, new int[] {0, 1, 2, 3, 4, 6, 8, 12}, -16),
    /** INT4 symmetric {0, ±1, ..., ±7}. */
    INT4(4, new int[] {0, 1, 2, 3, 4, 5, 6, 7}, 0),
    /** ANT's flint {0, ±1, ±2, ±3, ±4, ±6, ±8, ±16}. */
    FLINT4(4, new int[] {0, 1, 2, 3, 4, 6, 8, 16}, 0),
    /** Additive powers of two {0, ±1, ±2, ±3, ±4, ±6, ±8, ±10}. */
    APOT4(4, new int[] {0, 1, 2, 3, 4, 6, 8, 10}, 0);

    /** BitMoD's default 3-bit candidates, in type-id order of {@code BITMOD3}. */
    public static final BitModType[] BITMOD3_CANDIDATES = {FP3_SP_POS, FP3_SP_NEG, FP3_SR_POS, FP3_SR_NEG};
    /** BitMoD's default 4-bit candidates, in type-id order of {@code BITMOD4}. */
    public static final BitModType[] BITMOD4_CANDIDATES = {FP4_SP_POS, FP4_SP_NEG, FP4_SR_POS, FP4_SR_NEG};

    private final int bits;
    private final int[] valueByCode;
    private final int maxAbs;
    private final int mantissaBits;

    BitModType(int bits, int[] magnitudes, int special) {
        this.bits = bits;
        int half = 1 << (bits - 1);
        valueByCode = new int[2 * half];
        for (int i = 0; i < half; i++) {
            valueByCode[i] = magnitudes[i];
            valueByCode[half + i] = -magnitudes[i];
        }
        valueByCode[half] = special;
        int m = 0;
        int mb = 0;
        for (int v : valueByCode) {
            m = Math.max(m, Math.abs(v));
            mb = Math.max(mb, 32 - Integer.numberOfLeadingZeros(mantissaOf(v)));
        }
        maxAbs = m;
        mantissaBits = mb;
    }

    /** Bits per code (3 or 4). */
    public int bits() {
        return bits;
    }

    /** Number of codes, 2^bits. */
    public int codeCount() {
        return valueByCode.length;
    }

    /** The value of {@code code} in units of the scale. */
    public int value(int code) {
        return valueByCode[code];
    }

    /** A copy of the table indexed by code. */
    public int[] table() {
        return valueByCode.clone();
    }

    /** The largest |value|: a group's scale is max|w| / maxAbs. */
    public int maxAbs() {
        return maxAbs;
    }

    /** Bits of the widest odd mantissa in the table (1 for {1}, 2 for {1, 3}, 3 for 5 or 7). */
    public int mantissaBits() {
        return mantissaBits;
    }

    /**
     * Worst error of a value inside the table's reach in units of the scale: half the largest gap
     * between neighbouring values, or the clipping distance on the shorter side (a type such as
     * fp3_sr_pos reaches +6 but only −4, and its scale is max|x| / 6).
     */
    public double worstErrorUnits() {
        int[] v = valueByCode.clone();
        Arrays.sort(v);
        double gap = 0;
        for (int i = 1; i < v.length; i++) {
            gap = Math.max(gap, (v[i] - v[i - 1]) / 2.0);
        }
        double clip = maxAbs - Math.min(v[v.length - 1], -v[0]);
        return Math.max(gap, clip);
    }

    /** Sign of the value of {@code code}: −1, 0 or +1. */
    public int sign(int code) {
        return Integer.signum(valueByCode[code]);
    }

    /** Odd mantissa of |value(code)| (0 for zero). */
    public int mantissa(int code) {
        return mantissaOf(Math.abs(valueByCode[code]));
    }

    /** Exponent of |value(code)| = mantissa · 2^exponent (0 for zero). */
    public int exponent(int code) {
        int v = Math.abs(valueByCode[code]);
        return v == 0 ? 0 : Integer.numberOfTrailingZeros(v);
    }

    private static int mantissaOf(int v) {
        v = Math.abs(v);
        return v == 0 ? 0 : v >>> Integer.numberOfTrailingZeros(v);
    }

    /**
     * The code whose value is nearest to {@code t} (in units of the scale). Ties go to the
     * smaller magnitude, then to the positive code, so the result is deterministic.
     */
    public int nearestCode(double t) {
        int best = 0;
        double bestErr = Math.abs(t);
        for (int c = 1; c < valueByCode.length; c++) {
            int v = valueByCode[c];
            double e = Math.abs(t - v);
            if (e < bestErr || (e == bestErr && Math.abs(v) < Math.abs(valueByCode[best]))) {
                best = c;
                bestErr = e;
            }
        }
        return best;
    }

    /** The authors' name, e.g. {@code fp3_sp_pos}. */
    public String paperName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses an authors' name ({@code fp4_sr_neg}, {@code int4}, ... case-insensitive). */
    public static BitModType parse(String name) {
        String n = name.trim().replace('-', '_');
        for (BitModType t : values()) {
            if (t.name().equalsIgnoreCase(n)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown datatype '" + name + "'; expected one of "
                + Arrays.stream(values()).map(BitModType::paperName).toList());
    }
}
