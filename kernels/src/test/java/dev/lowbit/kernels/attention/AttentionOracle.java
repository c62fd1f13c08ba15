package dev.lowbit.kernels.attention;

import java.util.function.IntFunction;

/** Double-precision attention and its float error bound, for the properties. */
final class AttentionOracle {
    static final double U = 0x1p-24;

    private AttentionOracle() {}

    /** Element accessor (kvHead, token, i) -> value as stored. */
    interface Elem {
        double get(int kvHead, int token, int i);
    }

    /** Exact (double) attention, two-pass softmax. */
    static double[] attend(AttentionShape s, int tokens, float[] q, Elem key, Elem value) {
        int d = s.headDim();
        double[] out = new double[s.queryHeads() * d];
        double scale = s.scale();
        for (int qh = 0; qh < s.queryHeads(); qh++) {
            int kv = qh / s.groupSize();
            double[] sc = new double[tokens];
            double m = Double.NEGATIVE_INFINITY;
            for (int t = 0; t < tokens; t++) {
                double x = 0;
                for (int i = 0; i < d; i++) {
                    x += (double) q[qh * d + i] * key.get(kv, t, i);
                }
                sc[t] = x * scale;
                m = Math.max(m, sc[t]);
            }
            double l = 0;
            for (int t = 0; t < tokens; t++) {
                sc[t] = Math.exp(sc[t] - m);
                l += sc[t];
            }
            for (int t = 0; t < tokens; t++) {
                for (int i = 0; i < d; i++) {
                    out[qh * d + i] += sc[t] / l * value.get(kv, t, i);
                }
            }
        }
        return out;
    }

    /**
     * Float error bound for head qh's outputs: scores are off by at most
     * es = scale·γ(d+2)·max_t Σ|q_i k_i| (dot product in any summation order, plus the scale
     * multiply), which moves each softmax weight by a factor within e^{±2es}; exp and the sums
     * over T tokens and d terms add relative errors of at most ~(T + d + 16)·u each, counted 8
     * times for safety. The output is a convex combination of values, so the error is that
     * relative weight error times max|v|.
     */
    static double bound(AttentionShape s, int tokens, float[] q, int qh, Elem key, Elem value) {
        int d = s.headDim();
        int kv = qh / s.groupSize();
        double maxAbsDot = 0;
        double maxV = 0;
        for (int t = 0; t < tokens; t++) {
            double a = 0;
            for (int i = 0; i < d; i++) {
                a += Math.abs((double) q[qh * d + i] * key.get(kv, t, i));
                maxV = Math.max(maxV, Math.abs(value.get(kv, t, i)));
            }
            maxAbsDot = Math.max(maxAbsDot, a);
        }
        double es = s.scale() * (d + 2) * U * maxAbsDot * 1.01;
        return maxV * Math.expm1(2 * es + 8 * (tokens + d + 16) * U) + Float.MIN_NORMAL;
    }

    static String where(IntFunction<String> f, int i) {
        return f.apply(i);
    }
}
