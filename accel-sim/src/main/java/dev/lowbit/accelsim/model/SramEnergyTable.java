package dev.lowbit.accelsim.model;

/**
 * SRAM access energy as a documented table, in place of the authors' CACTI calls.
 *
 * <p>Rows: energy of one 64-bit read from an SRAM of the given capacity, from M. Horowitz,
 * "Computing's Energy Problem (and what we can do about it)", ISSCC 2014 (45 nm, 0.9 V):
 * 8 KB → 10 pJ, 32 KB → 20 pJ, 1 MB → 100 pJ. Between rows the energy is interpolated linearly in
 * log(capacity) vs log(energy) (a power law, as wire length grows with the array); outside them it is
 * clamped. Writes are charged the same as reads (the table gives reads only). The values are used
 * unscaled for the 28 nm designs, which overstates SRAM energy by roughly the 45→28 nm scaling
 * factor; it does so equally for every design, so the comparisons are unaffected in direction.
 */
public final class SramEnergyTable {
    /** Capacities of the table rows, bytes. */
    static final long[] CAPACITY_BYTES = {8L * 1024, 32L * 1024, 1024L * 1024};
    /** Energy of one 64-bit access at each capacity, pJ (Horowitz, ISSCC 2014). */
    static final double[] PJ_PER_64_BITS = {10.0, 20.0, 100.0};

    private SramEnergyTable() {
    }

    /** Energy of one 64-bit access to an SRAM array of {@code bytes} capacity, pJ. */
    public static double picojoulesPer64Bits(long bytes) {
        if (bytes <= 0) {
            throw new IllegalArgumentException("bytes: expected a positive SRAM capacity, found " + bytes);
        }
        if (bytes <= CAPACITY_BYTES[0]) {
            return PJ_PER_64_BITS[0];
        }
        for (int k = 1; k < CAPACITY_BYTES.length; k++) {
            if (bytes <= CAPACITY_BYTES[k]) {
                double x = (Math.log(bytes) - Math.log(CAPACITY_BYTES[k - 1]))
                        / (Math.log(CAPACITY_BYTES[k]) - Math.log(CAPACITY_BYTES[k - 1]));
                return Math.exp(Math.log(PJ_PER_64_BITS[k - 1]) + x * (Math.log(PJ_PER_64_BITS[k]) - Math.log(PJ_PER_64_BITS[k - 1])));
            }
        }
        return PJ_PER_64_BITS[PJ_PER_64_BITS.length - 1];
    }

    /** Energy per bit read or written in one bank of the model's 512 KB, 8-bank buffers, pJ (≈ 0.43 pJ). */
    public static double bufferPicojoulesPerBit() {
        return picojoulesPer64Bits(HardwareConstants.BUFFER_BYTES / HardwareConstants.BUFFER_BANKS) / 64;
    }
}
