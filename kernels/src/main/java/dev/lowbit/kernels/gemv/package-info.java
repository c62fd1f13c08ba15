/**
 * Low-bit GEMV y = W·x: the scalar references, the FP32 SIMD baseline, and two families of SIMD
 * kernels on packed weights with a deterministic row pool.
 * <ul>
 *   <li>Float activations (the simple, reference path): {@link dev.lowbit.kernels.gemv.LowBitGemv}
 *       (codes → float by a table permute, one FMA per weight) and
 *       {@link dev.lowbit.kernels.gemv.BitPlaneGemv}; held to {@link dev.lowbit.kernels.gemv.GemvReference}
 *       within a float bound.</li>
 *   <li>Int8 activations (the fast path): {@link dev.lowbit.kernels.gemv.Int8Activations} (one
 *       scale per weight group), {@link dev.lowbit.kernels.gemv.Int8LutGemv} (int16 lookup tables,
 *       rows in lanes, repacked weights) and {@link dev.lowbit.kernels.gemv.Int8BitPlaneGemv}
 *       (bit-serial, equal to the BitMoD PE model); bit-equal to
 *       {@link dev.lowbit.kernels.gemv.Int8GemvReference}, which also states their bound against
 *       the float product.</li>
 * </ul>
 */
package dev.lowbit.kernels.gemv;
