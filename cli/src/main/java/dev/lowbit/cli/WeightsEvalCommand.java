package dev.lowbit.cli;

import dev.lowbit.kernels.gemv.Int8LutGemv;
import dev.lowbit.kernels.gemv.LowBitGemv;
import dev.lowbit.packing.ErrorStats;
import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.bitmod.BitModType;
import dev.lowbit.packing.bitmod.SyntheticWeights;
import dev.lowbit.packing.bitmod.WeightScheme;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import dev.lowbit.packing.io.Npy;
import java.io.PrintStream;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lowbit weights-eval}: BitMoD against its baselines on one weight matrix [out, in]:
 * honest bits per weight, MSE, relative error and max error per scheme, which datatypes
 * BitMoD chose, and the end-to-end relative error of y = W·x on the GEMV kernels with float and
 * with int8 activations (a second table; in CSV mode on stderr as {@code #} lines).
 */
@Command(name = "weights-eval", header = "Compare BitMoD with INT, FP and ANT on a weight matrix",
        description = "Quantize a weight matrix [out, in] with bitmod, int_sym, int_asym, fp and ant (groups along 'in') and compare errors.")
final class WeightsEvalCommand implements Callable<Integer> {
    static final String CSV_HEADER = "scheme,bits,honest_bits,mse,rel_err,max_err";

    static final class Source {
        @Option(names = "--w", description = "Weights .npy (float32 or float16, rank 2 [out, in]).")
        Path w;

        @Option(names = "--synthetic", description = "Synthetic LLM-like weights of shape ROWSxCOLS instead (outliers, heavy tails).")
        String synthetic;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--bits", defaultValue = "4", description = "3 or 4 (default ${DEFAULT-VALUE}).")
    int bits;

    @Option(names = "--format", defaultValue = "table", description = "table or csv (default ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--group-size", defaultValue = "128", description = "Group size along the input dimension (default ${DEFAULT-VALUE}).")
    int groupSize;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of --synthetic (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() throws Exception {
        if (bits != 3 && bits != 4) {
            throw new IllegalArgumentException("--bits: expected 3 or 4, found " + bits);
        }
        boolean csv = switch (format.toLowerCase(Locale.ROOT)) {
            case "csv" -> true;
            case "table" -> false;
            default -> throw new IllegalArgumentException("--format: expected table or csv, found '" + format + "'");
        };
        if (groupSize <= 0) {
            throw new IllegalArgumentException("--group-size: expected > 0, found " + groupSize);
        }
        int rows;
        int cols;
        float[] w;
        String what;
        if (source.w != null) {
            try (Arena arena = Arena.ofConfined()) {
                Tensor t = Npy.read(source.w, arena);
                if (t.rank() != 2) {
                    throw new IllegalArgumentException(source.w + ": expected a rank-2 weight [out, in], found shape " + Arrays.toString(t.shape()));
                }
                if (t.elementCount() > Integer.MAX_VALUE - 8) {
                    throw new IllegalArgumentException(source.w + ": " + t.elementCount() + " weights; weights-eval handles up to 2^31 - 9");
                }
                rows = (int) t.shape(0);
                cols = (int) t.shape(1);
                w = new float[rows * cols];
                for (int i = 0; i < w.length; i++) {
                    float v = t.getFlat(i);
                    if (!Float.isFinite(v) || Math.abs(v) > 65504f) {
                        throw new IllegalArgumentException(source.w + ": element (" + i / cols + ", " + i % cols + ") is " + v
                                + "; expected finite values with |w| <= 65504");
                    }
                    w[i] = v;
                }
            }
            what = source.w.toString();
        } else {
            String[] p = source.synthetic.toLowerCase(Locale.ROOT).split("x");
            if (p.length != 2) {
                throw new IllegalArgumentException("--synthetic: expected ROWSxCOLS such as 1024x4096, found '" + source.synthetic + "'");
            }
            try {
                rows = Integer.parseInt(p[0].trim());
                cols = Integer.parseInt(p[1].trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--synthetic: expected ROWSxCOLS such as 1024x4096, found '" + source.synthetic + "'");
            }
            w = SyntheticWeights.generate(rows, cols, seed);
            what = "synthetic " + rows + "x" + cols + " (seed " + seed + ")";
        }
        PrintStream out = System.out;
        if (!csv) {
            out.printf("weights: %s, [%d, %d], %d-bit schemes, groups of %d along the input dimension%n%n", what, rows, cols, bits, groupSize);
            out.printf("%-9s %4s %11s %12s %9s %10s%n", "scheme", "bits", "honest_bits", "mse", "rel_err", "max_err");
        } else {
            out.println(CSV_HEADER);
        }
        float[] q = new float[w.length];
        long[] bitmodHist = null;
        BitModType[] bitmodTypes = null;
        for (String name : WeightScheme.NAMES) {
            WeightScheme s = WeightScheme.of(name, bits);
            long[] hist = new long[Math.max(1, s.choices().length)];
            s.fakeQuantize(w, rows, cols, groupSize, q, hist);
            ErrorStats e = new ErrorStats();
            for (int i = 0; i < w.length; i++) {
                e.add(w[i], q[i]);
            }
            double honest = s.honestBits(cols, groupSize);
            if (csv) {
                out.printf(Locale.ROOT, "%s,%d,%.4f,%.6e,%.6f,%.6e%n", name, bits, honest, e.mse(), e.relL2(), e.maxAbs());
            } else {
                out.printf(Locale.ROOT, "%-9s %4d %11.4f %12.4e %9.5f %10.4e%n", name, bits, honest, e.mse(), e.relL2(), e.maxAbs());
            }
            if (name.equals("bitmod")) {
                bitmodHist = hist;
                bitmodTypes = s.choices();
            }
        }
        PrintStream h = csv ? System.err : out;
        long groups = Arrays.stream(bitmodHist).sum();
        h.printf("%sbitmod datatypes chosen (%d groups):", csv ? "# " : "\n", groups);
        for (int k = 0; k < bitmodTypes.length; k++) {
            h.printf(Locale.ROOT, " %s %.1f%% (%d)", bitmodTypes[k].paperName(), 100.0 * bitmodHist[k] / Math.max(1, groups), bitmodHist[k]);
        }
        h.println();
        gemvError(w, rows, cols, csv ? System.err : out, csv ? "# " : "");
        return 0;
    }

    /**
     * End-to-end error of y = W·x on the kernels, x ~ N(0, 1) (seeded): relative L2 error of the
     * float-activation path ({@link LowBitGemv}) and of the int8-activation path
     * ({@link Int8LutGemv}) against the exact product with the original weights, and of the
     * int8 path against the float path (what quantizing x alone costs).
     */
    private void gemvError(float[] w, int rows, int cols, PrintStream h, String prefix) {
        float[] x = new float[cols];
        java.util.Random r = new java.util.Random(seed + 1);
        for (int i = 0; i < cols; i++) {
            x[i] = (float) r.nextGaussian();
        }
        double[] exact = new double[rows];
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int c = 0; c < cols; c++) {
                s += (double) w[i * cols + c] * x[c];
            }
            exact[i] = s;
        }
        h.printf("%n%sgemv y = W·x, x ~ N(0,1) (seed %d), groups of %d: relative L2 error vs the exact FP32 product%n", prefix, seed + 1, groupSize);
        h.printf("%s%-10s %12s %12s %14s%n", prefix, "format", "float_path", "int8_path", "int8_vs_float");
        PackedFormat[] formats = {bits == 3 ? PackedFormat.BITMOD3 : PackedFormat.BITMOD4, PackedFormat.TERNARY2, PackedFormat.TERNARY_B3, PackedFormat.INT2};
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.of(arena, w, rows, cols);
            for (PackedFormat f : formats) {
                QuantizedTensor q = QuantizedTensor.quantize(t, f, GroupAxis.TOKEN, groupSize, arena);
                float[] yf = new float[rows];
                float[] yi = new float[rows];
                new LowBitGemv(q).multiply(x, yf);
                new Int8LutGemv(q).multiply(x, yi);
                h.printf(Locale.ROOT, "%s%-10s %12.6f %12.6f %14.6f%n", prefix, f.name().toLowerCase(Locale.ROOT),
                        relL2(yf, exact), relL2(yi, exact), relL2(yi, toDouble(yf)));
            }
        }
    }

    private static double[] toDouble(float[] v) {
        double[] d = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            d[i] = v[i];
        }
        return d;
    }

    private static double relL2(float[] y, double[] ref) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < y.length; i++) {
            num += (y[i] - ref[i]) * (y[i] - ref[i]);
            den += ref[i] * ref[i];
        }
        return den == 0 ? Math.sqrt(num) : Math.sqrt(num / den);
    }
}
