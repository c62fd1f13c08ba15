package dev.lowbit.packing.kv;

import dev.lowbit.packing.format.GroupCodec;
import dev.lowbit.packing.format.PackedFormat;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * VidKV keys for one KV head with a fixed {@link ChannelSplit}: anomalous channels INT2 per
 * channel (groups of G tokens); normal channels (n of them) transformed per token by a real FFT
 * along the channel axis, the n Hermitian-packed coefficients (see {@link RealFft}) quantized to
 * 1 bit per coefficient and token: sign × absmean per coefficient and group of G tokens (INT1).
 *
 * <p>The stored spectrum is unitary-scaled: {@code S = R / √n} with R the packed forward
 * transform of the token's normal sub-vector (in the order of {@link ChannelSplit#normal()}), so
 * coefficient magnitudes stay near the key magnitudes (FP16 scales); with weights
 * {@code w = (1, 2, …, 2, [1 for even n])} Parseval reads {@code ‖x‖² = Σ w_m S_m²}.
 * Reconstruction: {@code x̂ = A·(√n·Ŝ)} ({@link RealFft#inverse}). Attention never reconstructs:
 * {@code q·x̂ = (√n·Aᵀq)·Ŝ}, see {@link #prepareQuery} and {@link #scores}.
 *
 * <h2>Layout of one block (G tokens)</h2>
 * With nA anomalous and n normal channels, {@code cb2 = INT2 codeBytes(G)} (8 at G = 32) and
 * {@code cb1 = INT1 codeBytes(G)} (4 at G = 32):
 * <ul>
 *   <li>codes: anomalous channel {@code i} (i-th of {@link ChannelSplit#anomalous()}) at
 *       {@code i·cb2} (INT2 group, token t at bits 2t, 2t+1); then spectral coefficient {@code m}
 *       at {@code nA·cb2 + m·cb1} (INT1 group, token t at bit t; bit 1 = +scale).</li>
 *   <li>metadata: anomalous channel {@code i}: FP16 step, FP16 min at {@code 4i}; coefficient
 *       {@code m}: FP16 scale (mean |S_m| over the G tokens) at {@code 4·nA + 2m}.</li>
 * </ul>
 * Honest bits at G = 32, nA = n = d/2: (3.0 + 1.5)/2 = 2.25 per element, plus the per-head channel
 * map (counted by the cache). Payload: (2 + 1)/2 = 1.5.
 */
public final class VidKvKeyQuantizer implements KvBlockCodec {
    private static final GroupCodec INT2 = PackedFormat.INT2.codec();
    private static final GroupCodec INT1 = PackedFormat.INT1.codec();

    private final int g;
    private final int d;
    private final ChannelSplit split;
    private final int nA;
    private final int n;
    private final RealFft fft;
    private final double sqrtN;

    public VidKvKeyQuantizer(int groupSize, ChannelSplit split) {
        this.g = KvChecks.positive("group size", groupSize);
        this.split = Objects.requireNonNull(split, "split");
        this.d = split.headDim();
        this.nA = split.anomalousCount();
        this.n = split.normalCount();
        this.fft = n > 0 ? RealFft.of(n) : null;
        this.sqrtN = Math.sqrt(n);
    }

    public ChannelSplit split() {
        return split;
    }

    @Override
    public String name() {
        return "vidkv-key(" + nA + " int2 + " + n + " fft1)";
    }

    @Override
    public int groupSize() {
        return g;
    }

    @Override
    public int headDim() {
        return d;
    }

    /** Byte offset of coefficient 0's codes inside a block. */
    public int spectrumCodeOffset() {
        return nA * INT2.codeBytes(g);
    }

    /** Byte offset of coefficient 0's scale inside a block's metadata. */
    public int spectrumMetaOffset() {
        return nA * INT2.metaBytes();
    }

    @Override
    public int codeBytes() {
        return nA * INT2.codeBytes(g) + n * INT1.codeBytes(g);
    }

    @Override
    public int metaBytes() {
        return nA * INT2.metaBytes() + n * INT1.metaBytes();
    }

    @Override
    public double payloadBitsPerElement() {
        return (2.0 * nA + 1.0 * n) / d;
    }

    /** The unitary-scaled packed spectra S (token-major [G][n]) of the normal sub-vectors of a block. */
    public double[] spectra(float[] x, int xOff) {
        double[] s = new double[g * n];
        double[] sub = new double[n];
        for (int t = 0; t < g; t++) {
            for (int i = 0; i < n; i++) {
                sub[i] = x[xOff + t * d + split.normalChannel(i)];
            }
            fft.forward(sub, 0, s, t * n);
            for (int m = 0; m < n; m++) {
                s[t * n + m] /= sqrtN;
            }
        }
        return s;
    }

    /** Parseval weight of packed coefficient m: 1 for Re X_0 (and Re X_{n/2}), 2 for the others. */
    public static double parsevalWeight(int m, int n) {
        return (m == 0 || (n % 2 == 0 && m == n - 1)) ? 1 : 2;
    }

    @Override
    public void quantize(float[] x, int xOff, boolean[] salient, MemorySegment codes, long codeOff,
                         MemorySegment meta, long metaOff, RowStore rows) {
        float[] group = new float[g];
        for (int i = 0; i < nA; i++) {
            int c = split.anomalousChannel(i);
            for (int t = 0; t < g; t++) {
                group[t] = x[xOff + t * d + c];
            }
            INT2.quantize(group, 0, g, codes, codeOff + (long) i * INT2.codeBytes(g), meta, metaOff + (long) i * INT2.metaBytes());
        }
        if (n == 0) {
            return;
        }
        double[] s = spectra(x, xOff);
        for (int m = 0; m < n; m++) {
            for (int t = 0; t < g; t++) {
                double v = s[t * n + m];
                if (!(Math.abs(v) <= 65504)) {
                    throw new IllegalArgumentException("key spectrum coefficient " + m + " of token " + t + " is " + v
                            + ", beyond the FP16 scale range; VidKV keys need |x|·√n <= 65504");
                }
                group[t] = (float) v;
            }
            INT1.quantize(group, 0, g, codes, codeOff + spectrumCodeOffset() + (long) m * INT1.codeBytes(g),
                    meta, metaOff + spectrumMetaOffset() + (long) m * INT1.metaBytes());
        }
    }

    /** The dequantized spectra Ŝ (token-major [G][n]) of a block: ±scale per coefficient. */
    public double[] dequantizeSpectra(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff) {
        double[] s = new double[g * n];
        float[] group = new float[g];
        for (int m = 0; m < n; m++) {
            INT1.dequantize(codes, codeOff + spectrumCodeOffset() + (long) m * INT1.codeBytes(g),
                    meta, metaOff + spectrumMetaOffset() + (long) m * INT1.metaBytes(), g, group, 0);
            for (int t = 0; t < g; t++) {
                s[t * n + m] = group[t];
            }
        }
        return s;
    }

    @Override
    public void dequantize(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, RowStore rows,
                           float[] out, int outOff) {
        float[] group = new float[g];
        for (int i = 0; i < nA; i++) {
            int c = split.anomalousChannel(i);
            INT2.dequantize(codes, codeOff + (long) i * INT2.codeBytes(g), meta, metaOff + (long) i * INT2.metaBytes(), g, group, 0);
            for (int t = 0; t < g; t++) {
                out[outOff + t * d + c] = group[t];
            }
        }
        if (n == 0) {
            return;
        }
        double[] s = dequantizeSpectra(codes, codeOff, meta, metaOff);
        double[] spec = new double[n];
        double[] x = new double[n];
        for (int t = 0; t < g; t++) {
            for (int m = 0; m < n; m++) {
                spec[m] = s[t * n + m] * sqrtN;
            }
            fft.inverse(spec, 0, x, 0);
            for (int i = 0; i < n; i++) {
                out[outOff + t * d + split.normalChannel(i)] = (float) x[i];
            }
        }
    }

    /** Prepared query: {@code [q at the anomalous channels (nA), √n·Aᵀ·q_normal (n)]}. */
    @Override
    public void prepareQuery(float[] q, int qOff, double[] prepared) {
        for (int i = 0; i < nA; i++) {
            prepared[i] = q[qOff + split.anomalousChannel(i)];
        }
        if (n == 0) {
            return;
        }
        double[] qn = new double[n];
        for (int i = 0; i < n; i++) {
            qn[i] = q[qOff + split.normalChannel(i)];
        }
        fft.transposeInverse(qn, 0, prepared, nA);
        for (int m = 0; m < n; m++) {
            prepared[nA + m] *= sqrtN;
        }
    }

    /**
     * Parseval-form scores from the packed data: INT2 anomalous channels dotted with the query's
     * anomalous part, plus the 1-bit spectrum (±scale per coefficient) dotted with the prepared
     * query spectrum. No inverse transform of any key.
     */
    @Override
    public void scores(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, RowStore rows,
                       double[] prepared, double[] out) {
        java.util.Arrays.fill(out, 0, g, 0.0);
        float[] group = new float[g];
        for (int i = 0; i < nA; i++) {
            INT2.dequantize(codes, codeOff + (long) i * INT2.codeBytes(g), meta, metaOff + (long) i * INT2.metaBytes(), g, group, 0);
            for (int t = 0; t < g; t++) {
                out[t] += prepared[i] * group[t];
            }
        }
        for (int m = 0; m < n; m++) {
            INT1.dequantize(codes, codeOff + spectrumCodeOffset() + (long) m * INT1.codeBytes(g),
                    meta, metaOff + spectrumMetaOffset() + (long) m * INT1.metaBytes(), g, group, 0);
            double qm = prepared[nA + m];
            for (int t = 0; t < g; t++) {
                out[t] += qm * group[t];
            }
        }
    }
}
