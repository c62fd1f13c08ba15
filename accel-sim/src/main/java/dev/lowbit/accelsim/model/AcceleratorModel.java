package dev.lowbit.accelsim.model;

import dev.lowbit.accelsim.workload.LayerOp;
import dev.lowbit.accelsim.workload.ModelConfig;
import dev.lowbit.accelsim.workload.Phase;
import dev.lowbit.accelsim.workload.Workload;
import java.util.ArrayList;
import java.util.List;

/**
 * The analytical accelerator model (after the authors' {@code bitmod_sim/accelerator.py}; formulas
 * re-derived and documented here). For one occurrence of a layer with stationary operand
 * [cout, cin] at {@code b} bits and T streaming tokens on an h×w array of PEs with dot-product size p:
 * <ul>
 *   <li>tiles = ⌈cin/p⌉ · ⌈cout/h⌉ · ⌈T/w⌉; each tile takes {@link #tileLatency} cycles:
 *       ⌊⌊b⌋/2⌋ (at least 1) for a bit-serial PE (sign apart, two magnitude bits a cycle, as the
 *       bit-accurate PE model does; {@link LatencyRule#AUTHORS} gives the released simulator's
 *       ⌈⌊b⌋/2⌉), 1 otherwise;</li>
 *   <li>DRAM bytes: weights ⌈cin·b/8⌉·cout, inputs ⌈cin·16/8⌉·T, outputs ⌈cout·16/8⌉·T; when both the
 *       weights and the inputs exceed their 512 KB buffer, one of them is re-fetched once per
 *       buffer-full of the other, whichever moves fewer bytes ({@link #refetch});</li>
 *   <li>DRAM cycles = ⌈bytes·8 / 256⌉ (128-bit bus, double data rate); layer cycles =
 *       max(compute, DRAM): compute and transfers overlap (double buffering);</li>
 *   <li>energy: PE energy × 1.5 (place and route) × PEs × compute cycles (every PE is clocked while
 *       the array computes, idle edge PEs included; cycles spent waiting for DRAM are not charged:
 *       the array is taken to be clock-gated, and leakage is not modelled); buffer reads: per tile, h·p operand elements of b bits and w·p inputs
 *       of 16 bits; buffer writes: every fetched byte and every output, in 64-bit words; DRAM:
 *       every byte moved, at {@link HardwareConstants#DRAM_PJ_PER_BIT}.</li>
 * </ul>
 * Attention operands are 16-bit in every design, so a bit-serial PE takes 8 cycles per attention
 * tile (under both rules; the authors' {@code pe_latency['attn']}).
 */
public final class AcceleratorModel {
    private AcceleratorModel() {
    }

    /** Tiles of one occurrence: ⌈cin/p⌉ · ⌈cout/h⌉ · ⌈tokens/w⌉. */
    public static long tiles(long cout, long cin, long tokens, ArrayShape array, int dotProductSize) {
        return Math.multiplyExact(Math.multiplyExact(ceilDiv(cin, dotProductSize), ceilDiv(cout, array.rows())),
                ceilDiv(tokens, array.cols()));
    }

    /** Cycles per tile under the default {@link LatencyRule#PE}: ⌊⌊bits⌋/2⌋ (≥ 1) bit-serial, else 1. */
    public static int tileLatency(boolean bitSerial, double bits) {
        return tileLatency(bitSerial, bits, LatencyRule.PE);
    }

    /** Cycles per tile: {@code rule.cycles(bits)} for a bit-serial PE, 1 for a PE that multiplies in one cycle. */
    public static int tileLatency(boolean bitSerial, double bits, LatencyRule rule) {
        int serial = rule.cycles(bits); // validates bits for every design
        return bitSerial ? serial : 1;
    }

    /** Bytes of a [rows, cols] operand at {@code bits} per element, each row padded to whole bytes. */
    public static long operandBytes(long rows, long cols, double bits) {
        return Math.multiplyExact((long) Math.ceil(cols * bits / 8), rows);
    }

    /**
     * The re-fetch decision (authors' {@code _calc_num_mem_refetch}): nothing is re-read while either
     * operand fits its buffer; otherwise either the weights are streamed once per input buffer-full
     * (⌈I/buffer⌉ times) or the inputs once per weight buffer-full (⌈W/buffer⌉ times), whichever
     * moves fewer bytes (ties re-fetch inputs).
     */
    public static Refetch refetch(long weightBytes, long inputBytes, long bufferBytes) {
        if (weightBytes <= bufferBytes || inputBytes <= bufferBytes) {
            return Refetch.NONE;
        }
        long weightPasses = ceilDiv(inputBytes, bufferBytes);
        long inputPasses = ceilDiv(weightBytes, bufferBytes);
        long refetchWeights = weightPasses * weightBytes + inputBytes;
        long refetchInputs = inputPasses * inputBytes + weightBytes;
        return refetchWeights < refetchInputs ? new Refetch(weightPasses, 1) : new Refetch(1, inputPasses);
    }

    /** Cycles to move {@code bytes} over the DDR bus: ⌈bytes·8 / 256⌉. */
    public static long dramCycles(long bytes) {
        return ceilDiv(Math.multiplyExact(bytes, 8L), HardwareConstants.DRAM_BITS_PER_CYCLE);
    }

    /** Runs {@code design} over {@code workload} with the design's published array for the phase. */
    public static RunResult run(Design design, Workload workload) {
        return run(design, workload, design.array(workload.phase()));
    }

    /** Runs {@code design} over {@code workload} on {@code array}. */
    public static RunResult run(Design design, Workload workload, ArrayShape array) {
        return run(design, workload, array, LatencyRule.PE);
    }

    /** Runs {@code design} over {@code workload} on {@code array} with bit-serial latencies from {@code rule}. */
    public static RunResult run(Design design, Workload workload, ArrayShape array, LatencyRule rule) {
        double weightBits = design.weightBits(workload.model(), workload.phase());
        List<LayerCost> costs = new ArrayList<>(workload.ops().size());
        for (LayerOp op : workload.ops()) {
            double bits = op.kind().isAttention() ? HardwareConstants.ATTENTION_BITS : weightBits;
            costs.add(layer(design, array, op, bits, rule));
        }
        return new RunResult(design, workload, array, costs);
    }

    /** The cost of {@code op} (all its occurrences) with its stationary operand at {@code bits}. */
    public static LayerCost layer(Design design, ArrayShape array, LayerOp op, double bits) {
        return layer(design, array, op, bits, LatencyRule.PE);
    }

    /** The cost of {@code op} with bit-serial latencies from {@code rule}. */
    public static LayerCost layer(Design design, ArrayShape array, LayerOp op, double bits, LatencyRule rule) {
        int p = design.dotProductSize();
        int act = HardwareConstants.ACTIVATION_BITS;
        long tiles = tiles(op.cout(), op.cin(), op.tokens(), array, p);
        int latency = tileLatency(design.bitSerial(), bits, rule);
        long compute = Math.multiplyExact(tiles, latency);

        long w = operandBytes(op.cout(), op.cin(), bits);
        long in = operandBytes(op.tokens(), op.cin(), act);
        long out = operandBytes(op.tokens(), op.cout(), act);
        Refetch rf = refetch(w, in, HardwareConstants.BUFFER_BYTES);
        long bytes = w * rf.weightFetches() + in * rf.inputFetches() + out;
        long dram = dramCycles(bytes);

        double sramBit = SramEnergyTable.bufferPicojoulesPerBit();
        double computePj = design.peEnergyPj() * HardwareConstants.PLACE_AND_ROUTE_SCALING * array.pes() * (double) compute;
        double readBitsPerTile = (double) array.rows() * p * bits + (double) array.cols() * p * act;
        double sramReadPj = tiles * readBitsPerTile * sramBit;
        long word = HardwareConstants.SRAM_WRITE_WORD_BITS;
        long writeWords = ceilDiv((long) Math.ceil(op.cin() * bits), word) * op.cout() * rf.weightFetches()
                + ceilDiv(op.cin() * act, word) * op.tokens() * rf.inputFetches()
                + ceilDiv(op.cout() * act, word) * op.tokens();
        double sramWritePj = writeWords * word * sramBit;
        double dramPj = bytes * 8.0 * HardwareConstants.DRAM_PJ_PER_BIT;

        long n = op.count();
        return new LayerCost(op, bits, tiles * n, latency, compute * n, bytes * n, dram * n,
                Math.max(compute, dram) * n, rf, computePj * n, sramReadPj * n, sramWritePj * n, dramPj * n);
    }

    /** Convenience: {@code run(design, Workload.of(model, phase, context))}. */
    public static RunResult run(Design design, ModelConfig model, Phase phase, int context) {
        return run(design, Workload.of(model, phase, context));
    }

    static long ceilDiv(long a, long b) {
        return Math.ceilDiv(a, b);
    }
}
