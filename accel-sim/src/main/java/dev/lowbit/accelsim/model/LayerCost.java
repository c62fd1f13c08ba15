package dev.lowbit.accelsim.model;

import dev.lowbit.accelsim.workload.LayerOp;

/**
 * The cost of one {@link LayerOp} on one design, summed over the op's {@code count} occurrences
 * (per-occurrence values are the totals divided by {@code op.count()}).
 *
 * @param op             the operation
 * @param operandBits    bits per element of the stationary operand (weight bits, or 16 for attention)
 * @param tiles          array tiles, all occurrences
 * @param tileLatency    cycles per tile
 * @param computeCycles  tiles × tileLatency
 * @param dramBytes      bytes moved over the DRAM bus (weights and inputs with re-fetch, outputs)
 * @param dramCycles     cycles the bus needs for them
 * @param cycles         Σ max(compute, DRAM) per occurrence
 * @param refetch        the re-fetch decision of one occurrence
 * @param computePj      PE energy
 * @param sramReadPj     buffer reads feeding the array
 * @param sramWritePj    buffer writes of fetched operands and of outputs
 * @param dramPj         DRAM traffic energy
 */
public record LayerCost(LayerOp op, double operandBits, long tiles, int tileLatency, long computeCycles,
                        long dramBytes, long dramCycles, long cycles, Refetch refetch,
                        double computePj, double sramReadPj, double sramWritePj, double dramPj) {

    /** True when DRAM, not the array, sets this layer's time. */
    public boolean memoryBound() {
        return dramCycles > computeCycles;
    }

    /** All energy, pJ. */
    public double totalPj() {
        return computePj + sramReadPj + sramWritePj + dramPj;
    }
}
