package dev.lowbit.packing.format;

/** Per-group statistics shared by the quantizers, computed in double for a stable result. */
final class GroupStats {
    private GroupStats() {}

    static double meanAbs(float[] x, int off, int len) {
        double s = 0;
        for (int i = 0; i < len; i++) {
            s += Math.abs(x[off + i]);
        }
        return len == 0 ? 0 : s / len;
    }

    static float maxAbs(float[] x, int off, int len) {
        float m = 0;
        for (int i = 0; i < len; i++) {
            m = Math.max(m, Math.abs(x[off + i]));
        }
        return m;
    }

    /**
     * Half the FP16 subnormal step (2^-25): rounding a scale to FP16 is relative (2^-11) only for
     * normal values; below 2^-14 it is absolute, up to this much, so a group of tiny values can
     * get a scale above its largest magnitude (a mean of 3e-8 rounds up to 2^-24 = 6e-8).
     */
    static final float FP16_SUBNORMAL_HALF_STEP = 0x1p-25f;

    /** Slack for float rounding in error bounds: a few ulps of the group's largest magnitude. */
    static float slack(float[] x, int off, int len) {
        return 4 * Math.ulp(Math.max(maxAbs(x, off, len), Float.MIN_NORMAL));
    }

    static void requireFiniteMeta(String what, float v) {
        if (!Float.isFinite(v)) {
            throw new IllegalArgumentException("corrupt metadata: " + what + " is " + v + ", expected a finite FP16 value");
        }
    }
}
