package dev.lowbit.packing.bitmod;

import java.util.Locale;

/**
 * A per-group weight quantization scheme for accuracy comparisons ({@code lowbit weights-eval}):
 * groups of G consecutive weights along the input dimension (the last group of a row holds
 * {@code cols % G} weights when G does not divide cols), fake-quantized to floats.
 *
 * <p>Honest bits per weight count codes for every group padded to G, plus each group's
 * metadata as the layout would store it:
 * <ul>
 *   <li>{@code bitmod}: b-bit codes + 16 bits (14-bit E5M9 scale + 2-bit type id; the packed
 *       {@code BITMOD3/4} layout);</li>
 *   <li>{@code int_sym}: INT-b symmetric, FP16 scale (16 bits), scale = max|x| / (2^(b−1)−1);</li>
 *   <li>{@code int_asym}: INT-b asymmetric, FP16 scale + b-bit integer zero point (AWQ/GPTQ style);</li>
 *   <li>{@code fp}: plain FP3 {0, ±1, ±2, ±4} or FP4 E2M1, absmax, FP16 scale;</li>
 *   <li>{@code ant}: ANT-style per-group choice of the least-error type among int and flint
 *       (4-bit: INT4 / FLINT4; 3-bit: INT3 / FP3, the 3-bit flint), FP16 scale + 1-bit type.</li>
 * </ul>
 */
public abstract class WeightScheme {
    private final String name;
    final int bits;
    private final int metaBits;

    WeightScheme(String name, int bits, int metaBits) {
        if (bits != 3 && bits != 4) {
            throw new IllegalArgumentException("bits: expected 3 or 4, found " + bits);
        }
        this.name = name;
        this.bits = bits;
        this.metaBits = metaBits;
    }

    /** Scheme names of {@link #of}. */
    public static final String[] NAMES = {"bitmod", "int_sym", "int_asym", "fp", "ant"};

    /** The scheme called {@code name} at {@code bits} (3 or 4). */
    public static WeightScheme of(String name, int bits) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "bitmod" -> new MixtureScheme("bitmod", BitModQuantizer.forBits(bits), 16);
            case "int_sym" -> new IntSym(bits);
            case "int_asym" -> new IntAsym(bits);
            case "fp" -> new MixtureScheme("fp", new BitModQuantizer(bits == 3 ? BitModType.FP3 : BitModType.FP4), 16);
            case "ant" -> new MixtureScheme("ant", bits == 3
                    ? new BitModQuantizer(BitModType.INT3, BitModType.FP3)
                    : new BitModQuantizer(BitModType.INT4, BitModType.FLINT4), 17);
            default -> throw new IllegalArgumentException("scheme: expected one of bitmod, int_sym, int_asym, fp, ant, found '" + name + "'");
        };
    }

    public String name() {
        return name;
    }

    /** Code bits per weight. */
    public int bits() {
        return bits;
    }

    /** Metadata bits per group. */
    public int metaBits() {
        return metaBits;
    }

    /** Honest bits per weight for rows of {@code cols} in groups of {@code groupSize} (padding counted). */
    public double honestBits(long cols, int groupSize) {
        long groups = (cols + groupSize - 1) / groupSize;
        return groups * ((double) groupSize * bits + metaBits) / cols;
    }

    /** The candidate datatypes when the scheme chooses per group, else an empty array. */
    public BitModType[] choices() {
        return new BitModType[0];
    }

    /**
     * Fake-quantizes {@code x[off, off+len)} into {@code out[off, off+len)}; returns the index of
     * the chosen type in {@link #choices()} or −1. {@code codes} and {@code scratch} hold
     * {@code len} bytes each.
     */
    public abstract int quantizeGroup(float[] x, int off, int len, float[] out, byte[] codes, byte[] scratch);

    /**
     * Fake-quantizes a row-major {@code [rows, cols]} weight into {@code out} in groups of
     * {@code groupSize} along each row; counts choices into {@code histogram} (length
     * {@code choices().length}, may be null).
     *
     * @throws IllegalArgumentException for a NaN, ±Inf or |w| > 65504 weight, naming its (row, column)
     */
    public void fakeQuantize(float[] w, int rows, int cols, int groupSize, float[] out, long[] histogram) {
        if (groupSize <= 0) {
            throw new IllegalArgumentException("group size: expected > 0, found " + groupSize);
        }
        if ((long) rows * cols != w.length || out.length != w.length) {
            throw new IllegalArgumentException("weight of " + w.length + " floats / out of " + out.length
                    + " for shape [" + rows + ", " + cols + "]");
        }
        // Same input policy as QuantizedTensor: refuse non-finite and out-of-FP16-range weights by name.
        for (int i = 0; i < w.length; i++) {
            if (!Float.isFinite(w[i]) || Math.abs(w[i]) > 65504f) {
                throw new IllegalArgumentException("element (" + i / cols + ", " + i % cols + ") is " + w[i]
                        + "; weights must be finite with |w| <= 65504 (FP16 scale range)");
            }
        }
        byte[] codes = new byte[groupSize];
        byte[] scratch = new byte[groupSize];
        for (int r = 0; r < rows; r++) {
            for (int c0 = 0; c0 < cols; c0 += groupSize) {
                int len = Math.min(groupSize, cols - c0);
                int k = quantizeGroup(w, r * cols + c0, len, out, codes, scratch);
                if (k >= 0 && histogram != null) {
                    histogram[k]++;
                }
            }
        }
    }

    /** bitmod, fp and ant: symmetric absmax over a set of datatype tables, least error wins. */
    static final class MixtureScheme extends WeightScheme {
        private final BitModQuantizer q;

        MixtureScheme(String name, BitModQuantizer q, int metaBits) {
            super(name, q.bits(), metaBits);
            this.q = q;
        }

        @Override
        public BitModType[] choices() {
            return q.candidates().toArray(new BitModType[0]);
        }

        @Override
        public int quantizeGroup(float[] x, int off, int len, float[] out, byte[] codes, byte[] scratch) {
            BitModQuantizer.Choice ch = q.quantizeGroup(x, off, len, codes, scratch);
            for (int i = 0; i < len; i++) {
                out[off + i] = ch.type().value(codes[i]) * ch.scale();
            }
            return ch.typeId();
        }
    }

    /** INT-b symmetric: q in [−(2^(b−1)−1), 2^(b−1)−1], FP16 scale. */
    static final class IntSym extends WeightScheme {
        IntSym(int bits) {
            super("int_sym", bits, 16);
        }

        @Override
        public int quantizeGroup(float[] x, int off, int len, float[] out, byte[] codes, byte[] scratch) {
            int qmax = (1 << (bits - 1)) - 1;
            float s = Float.float16ToFloat(Float.floatToFloat16(BitModQuantizer.absMax(x, off, len) / qmax));
            for (int i = 0; i < len; i++) {
                long q = s == 0 ? 0 : Math.round((double) x[off + i] / s);
                out[off + i] = Math.max(-qmax, Math.min(qmax, q)) * s;
            }
            return -1;
        }
    }

    /** INT-b asymmetric: q in [0, 2^b−1], value = (q − z)·s, FP16 scale, b-bit zero point. */
    static final class IntAsym extends WeightScheme {
        IntAsym(int bits) {
            super("int_asym", bits, 16 + bits);
        }

        @Override
        public int quantizeGroup(float[] x, int off, int len, float[] out, byte[] codes, byte[] scratch) {
            int qmax = (1 << bits) - 1;
            float mn = 0;
            float mx = 0; // the range includes 0 so that z is representable (as AWQ does)
            for (int i = 0; i < len; i++) {
                mn = Math.min(mn, x[off + i]);
                mx = Math.max(mx, x[off + i]);
            }
            float s = Float.float16ToFloat(Float.floatToFloat16((mx - mn) / qmax));
            long z = s == 0 ? 0 : Math.max(0, Math.min(qmax, Math.round(-(double) mn / s)));
            for (int i = 0; i < len; i++) {
                long q = s == 0 ? z : Math.max(0, Math.min(qmax, Math.round((double) x[off + i] / s) + z));
                out[off + i] = (q - z) * s;
            }
            return -1;
        }
    }
}
