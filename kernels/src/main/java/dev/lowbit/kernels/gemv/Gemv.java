package dev.lowbit.kernels.gemv;

import dev.lowbit.kernels.parallel.RowPool;

/**
 * A GEMV kernel y = W·x over weights it was built on: {@link Fp32Gemv}, {@link LowBitGemv},
 * {@link BitPlaneGemv} (float activations), {@link Int8LutGemv}, {@link Int8BitPlaneGemv} (int8
 * activations). Instances keep per-call scratch: one caller at a time; rows are split over a
 * {@link RowPool} inside a call, with a result that does not depend on the pool size.
 */
public interface Gemv {
    /** y = W·x on the calling thread. */
    void multiply(float[] x, float[] y);

    /** y = W·x with rows split over {@code pool}. */
    void multiply(float[] x, float[] y, RowPool pool);

    /** Bytes of weights (and their metadata) one multiply reads. */
    long weightBytes();
}
