package dev.lowbit.packing.format;

/**
 * VidKV's 1.58-bit rule, shared by both ternary layouts: with m = mean |x| of the group,
 * threshold t = 0.5·m, trit = sign(x) where |x| > t else 0, value = trit · scale, scale = m
 * stored as FP16. (The authors' dequantizer drops the scale; ours keeps it.)
 */
final class TernaryRule {
    private TernaryRule() {}

    static double meanAbs(float[] x, int off, int len) {
        return GroupStats.meanAbs(x, off, len);
    }

    /** The trit of {@code v} for group mean |x| {@code m}. */
    static int trit(float v, double m) {
        double t = 0.5 * m;
        if (Math.abs(v) > t) {
            return v > 0 ? 1 : -1;
        }
        return 0;
    }

    /** Bound: zeros err by at most t = m/2; ±scale errs by at most max(maxAbs − s, s − t). */
    static float errorBound(float[] x, int off, int len) {
        float maxAbs = GroupStats.maxAbs(x, off, len);
        return maxAbs * (1 + 0x1p-10f) + GroupStats.FP16_SUBNORMAL_HALF_STEP + GroupStats.slack(x, off, len);
    }
}
