/**
 * A cycle-level emulation of a BitMoD PE array ({@link dev.lowbit.accelsim.array.PeArrayEmulator})
 * built from the bit-accurate PE model in {@code dev.lowbit.accelsim.pe}: it runs real quantized
 * GEMV/GEMM tiles, equals the reference bit-exactly and takes the analytical model's cycle count.
 */
package dev.lowbit.accelsim.array;
