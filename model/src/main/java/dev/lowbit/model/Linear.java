package dev.lowbit.model;

/**
 * A linear layer y = W·x + b applied to each of n token rows. One implementation per way of
 * storing W: {@link Fp32Linear} (FP32, or weights fake-quantized to a scheme lowbit has no packed
 * format for) and {@link LowBitLinear} (packed weights on lowbit's GEMV).
 */
public interface Linear {
    int in();

    int out();

    /** {@code y[t] = W·x[t] + b} for {@code t < n}; rows of x hold {@link #in()}, rows of y {@link #out()} floats. */
    void forward(float[][] x, float[][] y, int n);

    /** Bits of storage for the weight matrix W, codes and all metadata (bias excluded: it stays FP32). */
    long weightBits();
}
