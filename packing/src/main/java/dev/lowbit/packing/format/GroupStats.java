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
