/** Low-bit GEMV y = W·x: the scalar reference, the FP32 SIMD baseline, table-lookup SIMD kernels on packed weights, the bit-plane kernel for BitMoD weights, and a deterministic row pool. */
package dev.lowbit.kernels.gemv;
