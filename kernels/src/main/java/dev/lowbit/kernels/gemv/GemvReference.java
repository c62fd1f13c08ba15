package dev.lowbit.kernels.gemv;

import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.Fp16;
import dev.lowbit.packing.format.GroupCodec;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Scalar reference GEMV, written for clarity: y = W·x with W {@code [rows, cols]} either FP32 or a
 * {@link QuantizedTensor} grouped along the input dimension ({@link GroupAxis#TOKEN}), each group
 * dequantized by its format's scalar reference codec and accumulated in double. The SIMD kernels
 * are held to it within {@link #bound}.
 */
public final class GemvReference {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private GemvReference() {}

    /** y = W·x, W packed with groups along cols (any format with a scalar codec). */
    public static void gemv(QuantizedTensor w, float[] x, float[] y) {
        checkShapes(w, x, y);
        GroupCodec codec = w.format().codec();
        int g = w.groupSize();
        float[] deq = new float[g];
        long perRow = (w.cols() + g - 1) / g;
        for (int r = 0; r < y.length; r++) {
            double acc = 0;
            for (long b = 0; b < perRow; b++) {
                long k = r * perRow + b;
                int len = w.blockLength(k);
                codec.dequantize(w.codes(), k * codec.codeBytes(g), w.meta(), k * codec.metaBytes(), len, deq, 0);
                for (int i = 0; i < len; i++) {
                    acc += (double) deq[i] * x[(int) (b * g) + i];
                }
            }
            y[r] = (float) acc;
        }
    }

    /** y = W·x for a row-major FP32 weight {@code [rows, cols]}. */
    public static void gemv(Tensor w, float[] x, float[] y) {
        if (w.rank() != 2 || w.shape(1) != x.length || w.shape(0) != y.length) {
            throw new IllegalArgumentException("gemv: expected W [" + y.length + ", " + x.length + "], found "
                    + java.util.Arrays.toString(w.shape()));
        }
        for (int r = 0; r < y.length; r++) {
            double acc = 0;
            for (int c = 0; c < x.length; c++) {
                acc += (double) w.get(r, c) * x[c];
            }
            y[r] = (float) acc;
        }
    }

    /**
     * The float error bound the SIMD kernels are held to, per row: (cols + 64) · 2^−23 · Σ_c
     * m_c·|x_c| + 4·Σ_c |x_c|·ulp(m_c), with m_c = |W[r, c]| (dequantized) or, for INT2, whose
     * kernels compute step·Σq·x + min·Σx, m_c = |q·step| + |min| (that rewrite can cancel). Why: a SIMD kernel sums each row in float
     * with L lanes of at most ⌈cols/L⌉ + log2 L additions each and applies each group's scale and
     * offset once (a few more roundings), so its error is below the recursive-summation bound
     * n·u·Σ|terms| with u = 2^−24 (Higham, Thm 4.1), doubled for the rounding of the scale product
     * and the reference's own final rounding.
     */
    public static float[] bound(QuantizedTensor w, float[] x) {
        GroupCodec codec = w.format().codec();
        int g = w.groupSize();
        float[] deq = new float[g];
        long perRow = (w.cols() + g - 1) / g;
        float[] out = new float[(int) w.rows()];
        for (int r = 0; r < out.length; r++) {
            double s = 0;
            double xs = 0;
            for (long b = 0; b < perRow; b++) {
                long k = r * perRow + b;
                int len = w.blockLength(k);
                codec.dequantize(w.codes(), k * codec.codeBytes(g), w.meta(), k * codec.metaBytes(), len, deq, 0);
                for (int i = 0; i < len; i++) {
                    double mag = Math.abs(deq[i]);
                    if (w.format() == PackedFormat.INT2) {
                        // kernels compute step·Σq·x + min·Σx: its terms, not q·step + min, set the error
                        float step = Fp16.decode(w.meta().get(F16, k * 4));
                        float min = Fp16.decode(w.meta().get(F16, k * 4 + 2));
                        mag = Math.abs((double) codec.code(w.codes(), k * codec.codeBytes(g), i) * step) + Math.abs(min);
                    }
                    s += mag * Math.abs(x[(int) (b * g) + i]);
                    xs += Math.abs(x[(int) (b * g) + i]) * Math.ulp((float) Math.max(mag, Float.MIN_NORMAL));
                }
            }
            out[r] = (float) ((w.cols() + 64) * 0x1p-23 * s + 4 * xs) + Float.MIN_NORMAL;
        }
        return out;
    }

    /** Checks that {@code w} is grouped along cols and small enough for int-indexed kernels. */
    static void checkWeights(QuantizedTensor w) {
        Objects.requireNonNull(w, "w");
        if (w.axis() != GroupAxis.TOKEN) {
            throw new IllegalArgumentException("gemv: weights must be grouped along the input dimension (axis token), found "
                    + w.axis().name().toLowerCase());
        }
        if (w.rows() > Integer.MAX_VALUE - 16 || w.cols() > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("gemv: expected rows < 2^31 - 16 and cols < 2^30, found [" + w.rows() + ", " + w.cols() + "]");
        }
    }

    static void checkShapes(QuantizedTensor w, float[] x, float[] y) {
        checkWeights(w);
        if (x.length != w.cols()) {
            throw new IllegalArgumentException("gemv: x of length " + x.length + ", expected cols = " + w.cols());
        }
        if (y.length != w.rows()) {
            throw new IllegalArgumentException("gemv: y of length " + y.length + ", expected rows = " + w.rows());
        }
    }
}
