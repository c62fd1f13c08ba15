package dev.lowbit.accelsim.pe;

/**
 * FP16 activations of one group aligned to their shared (largest) exponent, as the BitMoD PE
 * does before its integer datapath: block floating point with an 11-bit magnitude.
 *
 * <p>Let e_i be the biased binary16 exponent of a_i (1 for subnormals and zeros) and m_i its
 * 11-bit significand (hidden bit included for normals), so |a_i| = m_i · 2^(e_i − 25). With
 * E = max e_i, the aligned magnitude is q_i = round(m_i · 2^(e_i − E)) where the rounding is
 * <b>round half to even</b> on the shifted-out bits (an element more than 11 binades below the
 * largest becomes 0), and the activation is represented as sign_i · q_i · 2^(E − 25). So the
 * absolute error of each aligned activation is at most 2^(E − 26), half a unit of the shared
 * scale; q_i ≤ 2048 fits 12 bits.
 *
 * @param values signed aligned magnitudes sign_i · q_i
 * @param sharedExponent E − 25: the activation = values[i] · 2^sharedExponent
 */
public record AlignedActivations(int[] values, int sharedExponent) {

    /** Aligns {@code fp16[off, off+len)} (binary16 bit patterns, finite) to their largest exponent. */
    public static AlignedActivations align(short[] fp16, int off, int len) {
        int emax = 1;
        for (int i = 0; i < len; i++) {
            int h = fp16[off + i] & 0x7FFF;
            if (h >= 0x7C00) {
                throw new IllegalArgumentException("activation " + (off + i) + ": expected a finite binary16, found bits 0x"
                        + Integer.toHexString(h | (fp16[off + i] & 0x8000)));
            }
            emax = Math.max(emax, Math.max(1, h >>> 10));
        }
        int[] q = new int[len];
        for (int i = 0; i < len; i++) {
            int h = fp16[off + i] & 0xFFFF;
            int e = (h >>> 10) & 0x1F;
            int m = h & 0x3FF;
            if (e != 0) {
                m |= 0x400;
            } else {
                e = 1;
            }
            int mag = shiftRightRoundHalfEven(m, emax - e);
            q[i] = (h & 0x8000) != 0 ? -mag : mag;
        }
        return new AlignedActivations(q, emax - 25);
    }

    /** {@code v >> s} rounded half to even (v ≥ 0, s ≥ 0). */
    static int shiftRightRoundHalfEven(int v, int s) {
        if (s == 0) {
            return v;
        }
        if (s > 12) {
            return 0; // v < 2^11 <= half of 2^s
        }
        int q = v >>> s;
        int rem = v & ((1 << s) - 1);
        int half = 1 << (s - 1);
        if (rem > half || (rem == half && (q & 1) == 1)) {
            q++;
        }
        return q;
    }

    /** Activation {@code i} as a double (exact). */
    public double value(int i) {
        return Math.scalb((double) values[i], sharedExponent);
    }
}
