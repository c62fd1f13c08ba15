package dev.lowbit.cli;

import dev.lowbit.kernels.gemv.Fp32Gemv;
import dev.lowbit.kernels.gemv.Gemv;
import dev.lowbit.kernels.gemv.Int8LutGemv;
import dev.lowbit.kernels.gemv.LowBitGemv;
import dev.lowbit.kernels.parallel.RowPool;
import dev.lowbit.packing.ErrorStats;
import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.bitmod.BitModType;
import dev.lowbit.packing.bitmod.SyntheticWeights;
import dev.lowbit.packing.bitmod.WeightScheme;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Step 2 of the demo: one weight matrix [out, in] with LLM-like structure (per-group outliers,
 * heavy tails) quantized by BitMoD and its baselines at 3 and 4 bits (groups of 128 along the
 * input dimension), and GEMV y = W·x timed for FP32 and the packed formats.
 */
final class WeightsDemo {
    static final int GROUP = 128;

    record ErrorRow(String scheme, int bits, double honestBits, double mse, double relErr) {}

    /** One kernel: median ms per GEMV on one thread and on the demo's thread count. */
    record GemvRow(String kernel, long weightBytes, double ms1, double msN, double relErrVsFp32) {
        double gbPerS1() {
            return weightBytes / ms1 / 1e6;
        }
    }

    record Result(int rows, int cols, int threads, List<ErrorRow> errors, List<GemvRow> gemv, String bitmodTypes) {}

    private WeightsDemo() {}

    static Result run(int rows, int cols, int threads, long seed, Progress p) {
        float[] w = p.task("generating synthetic LLM-like weights " + rows + "x" + cols, () -> SyntheticWeights.generate(rows, cols, seed));
        List<ErrorRow> errors = new ArrayList<>();
        float[] q = new float[w.length];
        StringBuilder types = new StringBuilder();
        for (int bits : new int[] {4, 3}) {
            for (String name : WeightScheme.NAMES) {
                WeightScheme s = WeightScheme.of(name, bits);
                long[] hist = new long[Math.max(1, s.choices().length)];
                ErrorStats e = p.task("quantizing with " + name + " (" + bits + "-bit)", () -> {
                    s.fakeQuantize(w, rows, cols, GROUP, q, hist);
                    ErrorStats st = new ErrorStats();
                    for (int i = 0; i < w.length; i++) {
                        st.add(w[i], q[i]);
                    }
                    return st;
                });
                errors.add(new ErrorRow(name, bits, s.honestBits(cols, GROUP), e.mse(), e.relL2()));
                if (name.equals("bitmod") && bits == 4) {
                    BitModType[] ts = s.choices();
                    long total = java.util.Arrays.stream(hist).sum();
                    for (int i = 0; i < ts.length; i++) {
                        types.append(i == 0 ? "" : ", ").append(String.format(java.util.Locale.ROOT, "%s %.1f%%",
                                ts[i].paperName(), 100.0 * hist[i] / Math.max(1, total)));
                    }
                }
            }
        }

        List<GemvRow> gemv = new ArrayList<>();
        try (Arena arena = Arena.ofShared(); RowPool one = new RowPool(1); RowPool pool = new RowPool(threads)) {
            Tensor wt = Tensor.of(arena, w, rows, cols);
            float[] x = new float[cols];
            SplittableRandom r = new SplittableRandom(seed + 1);
            for (int i = 0; i < cols; i++) {
                x[i] = (float) r.nextGaussian();
            }
            float[] yRef = new float[rows];
            float[] y = new float[rows];
            Fp32Gemv fp32 = new Fp32Gemv(wt);
            double f1 = p.task("timing FP32 SIMD GEMV, 1 thread", () -> QuickTimer.medianMillis(() -> fp32.multiply(x, yRef, one), 15));
            double fn = p.task("timing FP32 SIMD GEMV, " + threads + " threads", () -> QuickTimer.medianMillis(() -> fp32.multiply(x, yRef, pool), 15));
            gemv.add(new GemvRow("fp32", fp32.weightBytes(), f1, fn, 0));
            for (PackedFormat f : List.of(PackedFormat.BITMOD4, PackedFormat.BITMOD3, PackedFormat.TERNARY2, PackedFormat.INT2)) {
                QuantizedTensor qt = p.task("packing " + f.name().toLowerCase(), () -> QuantizedTensor.quantize(wt, f, GroupAxis.TOKEN, GROUP, arena));
                // Each format twice: float activations (reference path), then int8 activations (fast path).
                String name = f.name().toLowerCase();
                gemv.add(timed(name, new LowBitGemv(qt), x, y, yRef, one, pool, p));
                gemv.add(timed(name + "_i8", new Int8LutGemv(qt), x, y, yRef, one, pool, p));
            }
        }
        return new Result(rows, cols, threads, errors, gemv, types.toString());
    }

    /** Times {@code k} on one thread and on {@code pool}; its error is relative L2 against {@code yRef}. */
    private static GemvRow timed(String name, Gemv k, float[] x, float[] y, float[] yRef, RowPool one, RowPool pool, Progress p) {
        double ms1 = p.task("timing " + name + " GEMV, 1 thread", () -> QuickTimer.medianMillis(() -> k.multiply(x, y, one), 15));
        double msN = p.task("timing " + name + " GEMV, " + pool.threads() + " threads", () -> QuickTimer.medianMillis(() -> k.multiply(x, y, pool), 15));
        double err = 0;
        double ref = 0;
        for (int i = 0; i < y.length; i++) {
            err += ((double) y[i] - yRef[i]) * ((double) y[i] - yRef[i]);
            ref += (double) yRef[i] * yRef[i];
        }
        return new GemvRow(name, k.weightBytes(), ms1, msN, Math.sqrt(err / ref));
    }
}
