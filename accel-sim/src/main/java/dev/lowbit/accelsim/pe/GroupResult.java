package dev.lowbit.accelsim.pe;

/**
 * What a PE returns for one group: the exact integer accumulator (before the one rescale per
 * group) and the cycles it took.
 *
 * @param accumulator Σ value(code_i) · a_i over the group, exact
 * @param cycles PE cycles for the group: ⌈len / lanes⌉ · cycles per weight
 */
public record GroupResult(long accumulator, long cycles) {}
