package dev.lowbit.packing.kv;

import dev.lowbit.packing.Tensor;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Objects;

/**
 * The tokens whose values VidKV keeps at INT2 (semantic token preservation): an immutable set
 * of absolute cache token positions, given explicitly or chosen from embeddings.
 *
 * <p>From embeddings: for vision tokens {@code V [nv, e]} and text tokens {@code T [nt, e]},
 * salience of vision token i = mean over text tokens j of {@code V_i · T_j} (= V_i · mean_j T_j);
 * the {@code round(ratio·nv / 32)·32} most salient vision tokens (capped at nv; ties to the lower
 * index) are kept, at cache positions {@code visionStart + i}.
 */
public final class SalientTokens {
    private static final SalientTokens NONE = new SalientTokens(new BitSet());
    /** Salient counts are rounded to a multiple of this (one cache block). */
    public static final int ROUNDING = 32;

    private final BitSet tokens;

    private SalientTokens(BitSet tokens) {
        this.tokens = tokens;
    }

    public static SalientTokens none() {
        return NONE;
    }

    /** Explicit token positions (each {@code >= 0}; duplicates allowed). */
    public static SalientTokens of(int... positions) {
        BitSet b = new BitSet();
        for (int p : positions) {
            if (p < 0) {
                throw new IllegalArgumentException("salient token position must be >= 0, got " + p);
            }
            b.set(p);
        }
        return new SalientTokens(b);
    }

    /**
     * Salient vision tokens from embeddings.
     *
     * @param vision [nv, e] vision token embeddings
     * @param text [nt, e] text token embeddings ({@code nt >= 1})
     * @param ratio fraction of vision tokens to keep, in [0, 1]
     * @param visionStart cache position of vision token 0
     */
    public static SalientTokens fromEmbeddings(Tensor vision, Tensor text, double ratio, int visionStart) {
        Objects.requireNonNull(vision, "vision");
        Objects.requireNonNull(text, "text");
        if (vision.rank() != 2 || text.rank() != 2) {
            throw new IllegalArgumentException("embeddings must be rank 2 [tokens, dim], got vision rank " + vision.rank()
                    + " and text rank " + text.rank());
        }
        if (vision.shape(1) != text.shape(1)) {
            throw new IllegalArgumentException("embedding dims differ: vision " + vision.shape(1) + ", text " + text.shape(1));
        }
        if (text.shape(0) < 1) {
            throw new IllegalArgumentException("text embeddings: expected at least one token, got 0");
        }
        if (!(ratio >= 0 && ratio <= 1)) {
            throw new IllegalArgumentException("salient ratio must be in [0, 1], got " + ratio);
        }
        if (visionStart < 0) {
            throw new IllegalArgumentException("visionStart must be >= 0, got " + visionStart);
        }
        int nv = Math.toIntExact(vision.shape(0));
        int nt = Math.toIntExact(text.shape(0));
        int e = Math.toIntExact(vision.shape(1));
        double[] meanText = new double[e];
        float[] row = new float[e];
        for (int j = 0; j < nt; j++) {
            text.readRow(j, row, 0);
            for (int k = 0; k < e; k++) {
                meanText[k] += row[k];
            }
        }
        for (int k = 0; k < e; k++) {
            meanText[k] /= nt;
        }
        double[] score = new double[nv];
        for (int i = 0; i < nv; i++) {
            vision.readRow(i, row, 0);
            double s = 0;
            for (int k = 0; k < e; k++) {
                s += row[k] * meanText[k];
            }
            if (!Double.isFinite(s)) {
                throw new IllegalArgumentException("salience of vision token " + i + " is " + s + " (non-finite embeddings)");
            }
            score[i] = s;
        }
        int keep = keepCount(ratio, nv);
        Integer[] order = new Integer[nv];
        for (int i = 0; i < nv; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> score[a] != score[b] ? Double.compare(score[b], score[a]) : Integer.compare(a, b));
        BitSet b = new BitSet();
        for (int i = 0; i < keep; i++) {
            b.set(visionStart + order[i]);
        }
        return new SalientTokens(b);
    }

    /** {@code round(ratio·nv / 32)·32}, capped at nv. */
    public static int keepCount(double ratio, int nv) {
        long k = Math.round(ratio * nv / ROUNDING) * ROUNDING;
        return (int) Math.min(nv, Math.max(0, k));
    }

    public boolean contains(long position) {
        return position >= 0 && position <= Integer.MAX_VALUE && tokens.get((int) position);
    }

    public int count() {
        return tokens.cardinality();
    }

    /** The positions, ascending. */
    public int[] positions() {
        return tokens.stream().toArray();
    }

    @Override
    public String toString() {
        return "SalientTokens[" + count() + "]";
    }
}
