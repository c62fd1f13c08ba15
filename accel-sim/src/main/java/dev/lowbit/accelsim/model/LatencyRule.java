package dev.lowbit.accelsim.model;

/**
 * Cycles a bit-serial PE spends on one weight of {@code b} bits (the tile latency), consuming
 * {@link HardwareConstants#BIT_SERIAL_BITS_PER_CYCLE} bits a cycle. Fractional bits are per-group
 * metadata (type id and scale), applied once per group off the multiply path, so only ⌊b⌋ counts.
 */
public enum LatencyRule {
    /**
     * ⌊⌊b⌋/2⌋, at least 1 — DESIGN.md's "⌊bits⌋/2". The sign is applied apart (the PE adds or
     * subtracts), so a b-bit sign-magnitude weight has b−1 magnitude bits: ⌈(b−1)/2⌉ = ⌊b/2⌋ cycles.
     * This is what the bit-accurate PE ({@code dev.lowbit.accelsim.pe.BitSerialPe#cyclesPerWeight})
     * takes for the paper's candidate types: 1 cycle for the 3-bit fp3 sp/sr types, 2 for the 4-bit
     * ones, and 8 for 16-bit attention operands. The default.
     */
    PE,
    /**
     * ⌈⌊b⌋/2⌉ — the released {@code bitmod_sim/pe_array.py} ({@code math.ceil(math.floor(w_prec) / 2)}):
     * 2 cycles for 3-bit weights, i.e. the sign bit is streamed too. Kept to reproduce the
     * authors' numbers and to show how much the choice matters.
     */
    AUTHORS;

    /** Cycles per weight of {@code bits} bits on a bit-serial PE. */
    public int cycles(double bits) {
        if (!(bits > 0) || Double.isInfinite(bits)) {
            throw new IllegalArgumentException("bits: expected a positive finite precision, found " + bits);
        }
        int whole = Math.max(1, (int) Math.floor(bits));
        int per = HardwareConstants.BIT_SERIAL_BITS_PER_CYCLE;
        return switch (this) {
            case PE -> Math.max(1, whole / per);
            case AUTHORS -> (whole + per - 1) / per;
        };
    }

    /** Parses {@code pe} or {@code authors} (any case). */
    public static LatencyRule parse(String s) {
        for (LatencyRule r : values()) {
            if (r.name().equalsIgnoreCase(s.strip())) {
                return r;
            }
        }
        throw new IllegalArgumentException("latency rule: expected pe or authors, found '" + s + "'");
    }
}
