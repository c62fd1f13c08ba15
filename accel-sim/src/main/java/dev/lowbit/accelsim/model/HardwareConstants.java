package dev.lowbit.accelsim.model;

/**
 * Every technology constant of the analytical model, with its source. "Authors' simulator" is
 * {@code bitmod_sim/accelerator.py} and {@code pe_array.py} of github.com/abdelfattah-lab/BitMoD-HPCA-25
 * (read, not copied); "paper" is Chen et al., BitMoD: Bit-serial Mixture-of-Datatype LLM
 * Acceleration, HPCA 2025 (arXiv 2411.11745).
 */
public final class HardwareConstants {
    private HardwareConstants() {
    }

    /**
     * Accelerator clock, Hz. An assumption of this model, used only to turn cycles into seconds:
     * the authors' simulator reports cycles, and its DRAM model moves one bus word per edge at the
     * accelerator clock. Every ratio (speed-up, energy efficiency) is independent of it.
     */
    public static final double CLOCK_HZ = 1.0e9;

    /** DRAM data-bus width, bits ({@code dram_rw_bw = 128}, authors' simulator; DESIGN.md). */
    public static final int DRAM_BUS_BITS = 128;

    /** DRAM transfers per clock: double data rate ({@code rw_bw * 2 # DDR}, authors' simulator). */
    public static final int DRAM_TRANSFERS_PER_CYCLE = 2;

    /** DRAM bits moved per accelerator cycle: 128-bit bus × DDR = 256 bits (32 GB/s at 1 GHz). */
    public static final int DRAM_BITS_PER_CYCLE = DRAM_BUS_BITS * DRAM_TRANSFERS_PER_CYCLE;

    /**
     * DRAM energy per bit read or written, pJ: the authors' simulator charges 1200 pJ per 64 bits
     * ({@code wr_cost = dram_rw_bw / 64 * 1200} per 128-bit access), within Horowitz's (ISSCC 2014)
     * 1.3–2.6 nJ per 64-bit DRAM access at 45 nm.
     */
    public static final double DRAM_PJ_PER_BIT = 1200.0 / 64;

    /** Capacity of the weight buffer and of the input/output buffer, bytes (512 KB each, authors' simulator; DESIGN.md). */
    public static final long BUFFER_BYTES = 512L * 1024;

    /** Banks per buffer (authors' simulator: {@code bank_count = 8}); an access reads one 64 KB bank. */
    public static final int BUFFER_BANKS = 8;

    /** Minimum SRAM write granularity, bits (authors' simulator: {@code min_w_granularity=64}). */
    public static final int SRAM_WRITE_WORD_BITS = 64;

    /** Activation (input and output) precision in every design, bits ({@code i_prec=16}, authors' simulator). */
    public static final int ACTIVATION_BITS = 16;

    /** Precision of both attention operands (Q, K, scores, V) in every design, bits (DESIGN.md; authors' {@code kv_prec = 16}). */
    public static final int ATTENTION_BITS = 16;

    /**
     * Multiplier on the synthesised PE energy for placement and routing
     * ({@code PR_SCALING = 1.5}, authors' simulator).
     */
    public static final double PLACE_AND_ROUTE_SCALING = 1.5;

    /** Weight bits a bit-serial PE consumes per cycle (paper, Sec. IV; DESIGN.md: "two bits a cycle"). */
    public static final int BIT_SERIAL_BITS_PER_CYCLE = 2;
}
