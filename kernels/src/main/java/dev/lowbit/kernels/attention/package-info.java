/**
 * Decode attention kernels, all behind {@link dev.lowbit.kernels.attention.DecodeAttention}:
 * {@link dev.lowbit.kernels.attention.ScalarAttention} (the scalar reference over a dense cache),
 * {@link dev.lowbit.kernels.attention.DenseAttention} (FP32 / FP16-stored SIMD baseline) and
 * {@link dev.lowbit.kernels.attention.QuantizedAttention} (fused over a
 * {@link dev.lowbit.kernels.kv.QuantizedKvCache}: KIVI-2, VidKV). All SIMD kernels share the
 * frame of {@link dev.lowbit.kernels.attention.SplitAttention}: KV head × token chunk units on a
 * {@link dev.lowbit.kernels.parallel.KernelPool}, online softmax per block of 32 tokens, all
 * GQA query heads of a KV head scored and accumulated against each loaded block in passes of
 * 8, 7 or 4 heads ({@link dev.lowbit.kernels.attention.FusedBlock} for packed blocks,
 * {@link dev.lowbit.kernels.attention.DenseBlock} for FP32), partials merged in unit order.
 */
package dev.lowbit.kernels.attention;
