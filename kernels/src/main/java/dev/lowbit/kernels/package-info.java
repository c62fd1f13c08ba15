/**
 * SIMD kernels ({@code jdk.incubator.vector}) over packed low-bit data: bulk decode, fused
 * dequant-attention over a quantized KV cache, low-bit GEMV, bit-serial MAC; each beside its
 * plain scalar reference.
 */
package dev.lowbit.kernels;
