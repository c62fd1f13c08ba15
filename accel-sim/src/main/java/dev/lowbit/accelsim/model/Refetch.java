package dev.lowbit.accelsim.model;

/**
 * How many times a layer's weights and inputs cross the DRAM bus.
 *
 * @param weightFetches times the whole stationary operand is read from DRAM
 * @param inputFetches  times the whole input is read from DRAM
 */
public record Refetch(long weightFetches, long inputFetches) {
    /** Both operands read once. */
    public static final Refetch NONE = new Refetch(1, 1);
}
