package dev.lowbit.packing.bitmod;

import java.util.SplittableRandom;

/**
 * A small generator of LLM-like weight matrices {@code [rows, cols]} for demos, tests and
 * benchmarks when no real checkpoint is at hand. The structure BitMoD exploits is there:
 * <ul>
 *   <li>a Gaussian body whose standard deviation varies per output row (log-normal, σ = 0.3);</li>
 *   <li>heavy tails: each weight's scale is drawn from a mixture (90% ×1, 9% ×2.5, 1% ×6), a
 *       Gaussian scale mixture with excess kurtosis like trained layers;</li>
 *   <li>salient input channels: 1% of the columns carry 4× larger weights in every row;</li>
 *   <li>per-group outliers: each group of 128 along a row gets 0–2 weights of 8–15 σ, with a
 *       random sign, so groups are asymmetric (what the sp/sr special values are for).</li>
 * </ul>
 * Deterministic for a seed.
 */
public final class SyntheticWeights {
    private SyntheticWeights() {}

    /** A row-major {@code [rows, cols]} float matrix (rows·cols ≤ 2^31 − 1). */
    public static float[] generate(int rows, int cols, long seed) {
        if (rows <= 0 || cols <= 0 || (long) rows * cols > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("shape: expected rows, cols > 0 with rows·cols < 2^31, found [" + rows + ", " + cols + "]");
        }
        SplittableRandom r = new SplittableRandom(seed);
        boolean[] salient = new boolean[cols];
        for (int c = 0; c < cols; c++) {
            salient[c] = r.nextDouble() < 0.01;
        }
        float[] w = new float[rows * cols];
        for (int row = 0; row < rows; row++) {
            double sigma = 0.02 * Math.exp(0.3 * gaussian(r));
            int base = row * cols;
            for (int c = 0; c < cols; c++) {
                double u = r.nextDouble();
                double mix = u < 0.90 ? 1 : u < 0.99 ? 2.5 : 6;
                w[base + c] = (float) (gaussian(r) * sigma * mix * (salient[c] ? 4 : 1));
            }
            for (int g0 = 0; g0 < cols; g0 += 128) {
                int len = Math.min(128, cols - g0);
                int outliers = r.nextInt(3);
                for (int k = 0; k < outliers; k++) {
                    int c = g0 + r.nextInt(len);
                    w[base + c] = (float) ((r.nextBoolean() ? 1 : -1) * sigma * (8 + 7 * r.nextDouble()));
                }
            }
        }
        return w;
    }

    private static double gaussian(SplittableRandom r) {
        // Box-Muller (SplittableRandom has no nextGaussian before JDK 17's RandomGenerator default)
        double u1 = 1.0 - r.nextDouble();
        double u2 = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}
