package dev.lowbit.model;

/** Vector and ranking metrics of the evaluation. */
public final class Metrics {
    private Metrics() {
    }

    /** Cosine similarity of two vectors (0 if either is zero). */
    public static double cosine(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("cosine of vectors of " + a.length + " and " + b.length + " elements");
        }
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += (double) a[i] * b[i];
            aa += (double) a[i] * a[i];
            bb += (double) b[i] * b[i];
        }
        return aa == 0 || bb == 0 ? 0 : ab / Math.sqrt(aa * bb);
    }

    /** {@code v} scaled to unit length, in place; returns v. */
    public static float[] normalize(float[] v) {
        double n = 0;
        for (float f : v) {
            n += (double) f * f;
        }
        float inv = (float) (1 / Math.max(Math.sqrt(n), 1e-12));
        for (int i = 0; i < v.length; i++) {
            v[i] *= inv;
        }
        return v;
    }

    /**
     * ROC AUC of scores separating positives from negatives: the probability that a random
     * positive scores above a random negative, ties counting half (Mann–Whitney U / (P·N)).
     * NaN when either set is empty.
     */
    public static double auc(double[] positives, double[] negatives) {
        if (positives.length == 0 || negatives.length == 0) {
            return Double.NaN;
        }
        double wins = 0;
        for (double p : positives) {
            for (double q : negatives) {
                wins += p > q ? 1 : p == q ? 0.5 : 0;
            }
        }
        return wins / ((double) positives.length * negatives.length);
    }
}
