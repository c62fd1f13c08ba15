package dev.lowbit.propertytests.kv;

import java.util.Random;

/** Random KV data with the shapes of trouble: per-channel scales over six decades, zero and constant channels, outliers. */
final class KvData {
    private KvData() {}

    /** [heads][tokens][d], token-major per head. */
    static float[] random(long seed, int heads, int tokens, int d) {
        Random rnd = new Random(seed);
        float[] x = new float[heads * tokens * d];
        for (int h = 0; h < heads; h++) {
            for (int c = 0; c < d; c++) {
                int kind = rnd.nextInt(10);
                double scale = Math.pow(10, -3 + 5 * rnd.nextDouble()); // 1e-3 .. 1e2
                double bias = rnd.nextInt(4) == 0 ? (rnd.nextDouble() - 0.5) * 20 : 0;
                for (int t = 0; t < tokens; t++) {
                    double v = switch (kind) {
                        case 0 -> 0;                                  // all-zero channel
                        case 1 -> bias + 1.5;                         // constant channel
                        case 2 -> rnd.nextInt(50) == 0 ? 500 * (rnd.nextBoolean() ? 1 : -1) : rnd.nextGaussian() * scale; // rare outliers
                        default -> bias + rnd.nextGaussian() * scale;
                    };
                    x[(h * tokens + t) * d + c] = (float) v;
                }
            }
        }
        return x;
    }

    /** Rows [t0, t0+n) of head h as a token-major array. */
    static float[] head(float[] x, int h, int tokens, int d, int t0, int n) {
        float[] out = new float[n * d];
        System.arraycopy(x, (h * tokens + t0) * d, out, 0, n * d);
        return out;
    }

    /** Tokens [t0, t0+n) of every head, [heads][n][d]. */
    static float[] slice(float[] x, int heads, int tokens, int d, int t0, int n) {
        float[] out = new float[heads * n * d];
        for (int h = 0; h < heads; h++) {
            System.arraycopy(x, (h * tokens + t0) * d, out, h * n * d, n * d);
        }
        return out;
    }
}
