package dev.lowbit.kernels.gemv;

import java.util.Arrays;

/**
 * Activations quantized to int8 once per GEMV call and reused by every row: one float scale per
 * block, and the block is the weight group (so each (weight group, activation block) product
 * needs exactly one scale multiply, ws·as, and the integer sum of a group never mixes scales).
 * BitMoD's group is 128, as is every weight group the benchmarks use; q8_K uses 256 (coarser
 * scale, larger error) and a block smaller than the group would cost one multiply per block
 * inside the group.
 *
 * <h2>Layout</h2>
 * Block {@code b} covers inputs {@code [b·G, b·G + G)} and is stored padded to {@code gp =}
 * {@link #paddedBlock(int) ⌈G/16⌉·16} values: {@code q[b·gp + i]}, zeros past the block's length
 * (a short last block, or the padding of a G that is not a multiple of 16). The kernels' repacked
 * weights use the same padded index space, and padding weights are zero codes.
 *
 * <h2>Rule</h2>
 * as_b = max|x| over the block / 127 (a float), q_i = clamp(rint(x_i / as_b), −127, 127); a
 * block of zeros gets as_b = 0 and q = 0. So |q_i·as_b − x_i| ≤ as_b·(1/2 + 2^−16) (the rounding
 * of x/as and of as itself add at most a few ulps of 127). Also kept per block: the integer sum
 * Σ q_i (INT2's zero points need it).
 *
 * <p>Not thread-safe: one instance per kernel, overwritten by each call.
 */
public final class Int8Activations {
    /** Padded values per block are a multiple of this (the kernels step 16 inputs at a time at most). */
    public static final int PAD = 16;

    private final int cols;
    private final int g;
    private final int gp;
    private final int blocks;
    private final byte[] q;
    private final float[] scale;
    private final int[] sum;

    /** Storage for {@code cols} activations in blocks of {@code g}. */
    public Int8Activations(int cols, int g) {
        if (cols < 1 || g < 1) {
            throw new IllegalArgumentException("int8 activations: expected cols >= 1 and block >= 1, found " + cols + " and " + g);
        }
        this.cols = cols;
        this.g = g;
        this.gp = paddedBlock(g);
        this.blocks = (cols + g - 1) / g;
        this.q = new byte[Math.toIntExact((long) blocks * gp)];
        this.scale = new float[blocks];
        this.sum = new int[blocks];
    }

    /** Padded values per block for a block of {@code g}: ⌈g/16⌉·16. */
    public static int paddedBlock(int g) {
        return Math.toIntExact(((long) g + PAD - 1) / PAD * PAD);
    }

    /** Quantizes {@code x} (length cols, finite) into this storage. */
    public Int8Activations quantize(float[] x) {
        if (x.length != cols) {
            throw new IllegalArgumentException("int8 activations: x of length " + x.length + ", expected cols = " + cols);
        }
        for (int b = 0; b < blocks; b++) {
            int x0 = b * g;
            int len = Math.min(g, cols - x0);
            float m = 0;
            for (int i = 0; i < len; i++) {
                m = Math.max(m, Math.abs(x[x0 + i]));
            }
            if (!(m <= Float.MAX_VALUE)) {
                throw new IllegalArgumentException("int8 activations: x must be finite, found " + firstNonFinite(x, x0, len)
                        + " in block " + b + "; use the float path for non-finite inputs");
            }
            float as = m / 127f;
            int o = b * gp;
            int s = 0;
            for (int i = 0; i < len; i++) {
                int v = as == 0 ? 0 : (int) Math.max(-127, Math.min(127, Math.rint(x[x0 + i] / as)));
                q[o + i] = (byte) v;
                s += v;
            }
            Arrays.fill(q, o + len, o + gp, (byte) 0);
            scale[b] = as;
            sum[b] = s;
        }
        return this;
    }

    /**
     * Sets already quantized values: {@code values} (length cols, each in [−127, 127]) with one
     * scale per block (the PE model's INT8 activations enter this way).
     */
    public Int8Activations set(byte[] values, float[] scales) {
        if (values.length != cols || scales.length != blocks) {
            throw new IllegalArgumentException("int8 activations: expected " + cols + " values and " + blocks + " scales, found "
                    + values.length + " and " + scales.length);
        }
        for (int b = 0; b < blocks; b++) {
            int x0 = b * g;
            int len = Math.min(g, cols - x0);
            int o = b * gp;
            int s = 0;
            for (int i = 0; i < len; i++) {
                if (values[x0 + i] == Byte.MIN_VALUE) {
                    throw new IllegalArgumentException("int8 activations: value " + (x0 + i) + " is -128, expected -127..127");
                }
                q[o + i] = values[x0 + i];
                s += values[x0 + i];
            }
            Arrays.fill(q, o + len, o + gp, (byte) 0);
            if (!(Math.abs(scales[b]) <= Float.MAX_VALUE)) {
                throw new IllegalArgumentException("int8 activations: scale " + b + " must be finite, found " + scales[b]);
            }
            scale[b] = scales[b];
            sum[b] = s;
        }
        return this;
    }

    private static float firstNonFinite(float[] x, int off, int len) {
        for (int i = 0; i < len; i++) {
            if (!Float.isFinite(x[off + i])) {
                return x[off + i];
            }
        }
        return Float.NaN;
    }

    public int cols() {
        return cols;
    }

    /** The block (= weight group) size G. */
    public int blockSize() {
        return g;
    }

    /** Padded values per block. */
    public int paddedBlockSize() {
        return gp;
    }

    public int blocks() {
        return blocks;
    }

    /** Value {@code i} of block {@code b} (0 in the padding). */
    public int value(int b, int i) {
        return q[b * gp + i];
    }

    /** The padded values, {@code [block][gp]} (read-only by contract). */
    byte[] values() {
        return q;
    }

    /** The scale of block {@code b}. */
    public float scale(int b) {
        return scale[b];
    }

    /** Σ q over block {@code b}. */
    public int sum(int b) {
        return sum[b];
    }

    /** x̂_i = q_i·as, the activation the int8 path multiplies by. */
    public float dequantized(int i) {
        int b = i / g;
        return value(b, i - b * g) * scale[b];
    }
}
