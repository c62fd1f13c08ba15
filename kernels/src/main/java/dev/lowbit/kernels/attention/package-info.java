/**
 * Decode attention kernels, all behind {@link dev.lowbit.kernels.attention.DecodeAttention}:
 * {@link dev.lowbit.kernels.attention.ScalarAttention} (the scalar reference over a dense cache),
 * {@link dev.lowbit.kernels.attention.DenseAttention} (FP32 / FP16-stored SIMD baseline) and
 * {@link dev.lowbit.kernels.attention.QuantizedAttention} (fused over a
 * {@link dev.lowbit.kernels.kv.QuantizedKvCache}: KIVI-2, VidKV). All SIMD kernels share the
 * frame of {@link dev.lowbit.kernels.attention.SplitAttention}: KV head × token chunk units on a
 * {@link dev.lowbit.kernels.attention.KernelPool}, online softmax per block of 32 tokens, GQA
 * query heads scored four at a time against each loaded tile, partials merged in chunk order.
 */
package dev.lowbit.kernels.attention;
