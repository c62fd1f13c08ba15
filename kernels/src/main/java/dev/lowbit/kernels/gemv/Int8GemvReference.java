package dev.lowbit.kernels.gemv;

import dev.lowbit.packing.bitmod.BitModCodec;
import dev.lowbit.packing.format.Fp16;
import dev.lowbit.packing.format.GroupCodec;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Scalar reference of the int8-activation GEMV ({@link Int8LutGemv}, {@link Int8BitPlaneGemv}):
 * the same integer algorithm, plain loops, so the SIMD kernels equal it bit for bit.
 *
 * <h2>Algorithm (per row r, groups g in order, float accumulator acc = +0)</h2>
 * <pre>
 *   S_g  = Σ_{i in g} v_i · q_i                 exact integer (v_i the weight's integer value)
 *   TERNARY2, TERNARY_B3, BITMOD3/4:  acc = fma((float) S_g, ws_g · as_g, acc)
 *   INT2 (w = min + v·step, v = q in 0..3):
 *                                     acc = fma((float) S_g, step_g · as_g, acc)
 *                                     acc = fma(min_g, as_g · (float) A_g, acc)      A_g = Σ q_i
 *   y_r = acc
 * </pre>
 * {@code ws·as}, {@code step·as} and {@code as·A} are single float multiplies. Every row is one
 * serial chain of float operations, so a kernel that keeps rows in lanes and sums each group
 * exactly in integers reproduces it exactly (no reduction order to match). Kernels may compute
 * S_g from remapped codes with a negated scale (fma(−S, −t, acc) = fma(S, t, acc) exactly).
 */
public final class Int8GemvReference {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private Int8GemvReference() {}

    /** True when {@code f} has an int8-activation path. */
    public static boolean supports(PackedFormat f) {
        return switch (f) {
            case TERNARY2, TERNARY_B3, INT2, BITMOD3, BITMOD4 -> true;
            default -> false;
        };
    }

    static void checkFormat(QuantizedTensor w) {
        GemvReference.checkWeights(w);
        if (!supports(w.format())) {
            throw new IllegalArgumentException("int8 GEMV: expected TERNARY2, TERNARY_B3, INT2, BITMOD3 or BITMOD4 weights, found " + w.format());
        }
    }

    static void checkShapes(QuantizedTensor w, Int8Activations a, float[] y) {
        if (a.cols() != w.cols() || a.blockSize() != w.groupSize()) {
            throw new IllegalArgumentException("int8 GEMV: activations of " + a.cols() + " in blocks of " + a.blockSize()
                    + ", expected cols = " + w.cols() + " in blocks of the group size " + w.groupSize());
        }
        if (y.length != w.rows()) {
            throw new IllegalArgumentException("gemv: y of length " + y.length + ", expected rows = " + w.rows());
        }
    }

    /** The integer value of element {@code i} of block {@code k}: trit, q (INT2) or the BitMoD type's value. */
    static int value(QuantizedTensor w, long k, int i) {
        GroupCodec c = w.format().codec();
        int code = c.code(w.codes(), k * c.codeBytes(w.groupSize()), i);
        if (c instanceof BitModCodec b) {
            return b.type(BitModCodec.typeId(w.meta(), k * 2)).value(code);
        }
        return code;
    }

    /** The group scale of block {@code k}: ws (ternary, BitMoD) or step (INT2). */
    static float scale(QuantizedTensor w, long k) {
        return switch (w.format()) {
            case BITMOD3, BITMOD4 -> BitModCodec.scale(w.meta(), k * 2);
            case INT2 -> Fp16.decode(w.meta().get(F16, k * 4));
            default -> Fp16.decode(w.meta().get(F16, k * 2));
        };
    }

    /** INT2's minimum of block {@code k}. */
    static float min(QuantizedTensor w, long k) {
        return Fp16.decode(w.meta().get(F16, k * 4 + 2));
    }

    /** y = W·x̂ with x̂ the int8 activations {@code a} (blocks = the weight groups). */
    public static void gemv(QuantizedTensor w, Int8Activations a, float[] y) {
        checkFormat(w);
        checkShapes(w, a, y);
        int groups = a.blocks();
        boolean int2 = w.format() == PackedFormat.INT2;
        for (int r = 0; r < y.length; r++) {
            float acc = 0f;
            for (int gi = 0; gi < groups; gi++) {
                long k = (long) r * groups + gi;
                int len = w.blockLength(k);
                int s = 0;
                for (int i = 0; i < len; i++) {
                    s += value(w, k, i) * a.value(gi, i);
                }
                float as = a.scale(gi);
                acc = Math.fma((float) s, scale(w, k) * as, acc);
                if (int2) {
                    acc = Math.fma(min(w, k), as * (float) a.sum(gi), acc);
                }
            }
            y[r] = acc;
        }
    }

    /**
     * Bound on |y_int8 − y_float| per row, y_float the exact product with the dequantized weights
     * and the float activations: Σ_g e_g·Σ_{i in g} m_i (the activation rounding, e_g =
     * as_g·(1/2 + 2^−16) per element; for a subnormal scale, whose relative precision is lost,
     * max|x| + 127·as) plus (groups + 8)·2^−22·Σ m_i·(|x̂_i| + |x_i|) for the float epilogue
     * (two roundings per group on a sum of |S_g·ws·as| ≤ Σ m|x̂|, INT2's min·A term, and the
     * rounding of each dequantized weight) plus (groups + 1)·2^−126 for underflow. m_i = |w_i|
     * dequantized, for INT2 |q·step| + |min| (the kernels compute step·Σq·x̂ + min·Σx̂).
     */
    public static float[] bound(QuantizedTensor w, Int8Activations a, float[] x) {
        checkFormat(w);
        int groups = a.blocks();
        int g = w.groupSize();
        boolean int2 = w.format() == PackedFormat.INT2;
        float[] out = new float[Math.toIntExact(w.rows())];
        for (int r = 0; r < out.length; r++) {
            double quant = 0;
            double mag = 0;
            for (int gi = 0; gi < groups; gi++) {
                long k = (long) r * groups + gi;
                int len = w.blockLength(k);
                float as = a.scale(gi);
                double e;
                if (as < Float.MIN_NORMAL) {
                    double mx = 0;
                    for (int i = 0; i < len; i++) {
                        mx = Math.max(mx, Math.abs(x[gi * g + i]));
                    }
                    e = mx + 127.0 * as;
                } else {
                    e = as * (0.5 + 0x1p-16);
                }
                double ws = scale(w, k);
                double mn = int2 ? min(w, k) : 0;
                for (int i = 0; i < len; i++) {
                    double m = Math.abs(value(w, k, i) * ws) + Math.abs(mn);
                    quant += e * m;
                    mag += m * (Math.abs(a.value(gi, i) * (double) as) + Math.abs(x[gi * g + i]));
                }
            }
            out[r] = (float) ((quant + (groups + 8) * 0x1p-22 * mag) * (1 + 0x1p-20) + (groups + 1) * 0x1p-126);
        }
        return out;
    }
}
