package dev.lowbit.kernels.attention;

import dev.lowbit.kernels.VectorShapes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Integer key scores of one block (G = 32 tokens, {@link KeyBitPlanes}) for one query head: the
 * query is folded with the block's scales and quantized to int8, then every token is scored by
 * AND + popcount of its bit words against the 8 two's-complement bit planes of the weights.
 * Per-worker scratch; allocation-free per call.
 *
 * <p><b>Algorithm.</b> With prepared (1/√d-scaled) query {@code qp_r} per key-tile row r, each
 * bit row j gets a float weight: INT2 row r (code = lo + 2·hi, value = step·code + min):
 * {@code u_lo = qp_r·step_r}, {@code u_hi = 2·u_lo}; INT1 row r (value = ±scale):
 * {@code u = 2·qp_r·scale_r}. So {@code score_t = Σ_j u_j·x_{j,t} + C} with bits x and
 * {@code C = Σ_INT2 qp_r·min_r − Σ_INT1 qp_r·scale_r} (one number per block and head).
 * The weights are quantized once per block and head: {@code α = max_j|u_j| / 127},
 * {@code ũ_j = round(u_j/α)} in [−127, 127]; then {@code acc_t = Σ_j ũ_j·x_{j,t}} is exact
 * integer arithmetic ({@code = Σ_k Σ_{p<7} 2^p·popcnt(P_{k,p} & T_{t,k}) − 128·popcnt(P_{k,7} & T_{t,k})})
 * and {@code score_t = α·acc_t + C} in float.
 *
 * <p><b>Error bound.</b> {@code |u_j − α·ũ_j| ≤ α·(1/2 + 2^-15)} (round half up; the 2^-15
 * covers the float division and the +128.5 shift), so against exact scores from the same float weights
 * {@code |Δscore_t| ≤ J·α·(1/2 + 2^-15)} with J bit rows — about {@code J/254·max_j|u_j|}; plus the
 * float rounding of u, C and α·acc (relative ~2^-23 each). A per-block scale (rather than one per
 * step) keeps α proportional to the block's own largest weight.
 *
 * <p><b>Status.</b> Opt-in ({@code QuantizedAttention(..., integerKeys = true)}): measured slower
 * than the float-decode path at d = 128, G = 32 (an in-process A/B, since removed from the tests):
 * requantizing the weights per block and head, the transpose and 8 planes × chunks popcounts cost
 * more than 2 FMA vectors per key row. Separate α per chunk of 64 bit rows was tried: ~25% slower,
 * no error gain on KIVI-2.
 */
final class IntegerKeyScorer {
    private static final VectorSpecies<Long> L = VectorShapes.L;
    private static final int G = KeyBitPlanes.G;

    private static final VectorSpecies<Float> F = VectorShapes.F;
    private static final VectorSpecies<Integer> I = VectorShapes.I;

    final float[] u;
    final int[] wq;
    final long[] planes;
    final long[] acc = new long[G];
    /** Scratch for one vector's lane sum ({@link LaneSum#sum}). */
    private final float[] lanes = new float[F.length()];
    /** α and C of the last {@link #quantize} call. */
    float alpha;
    float c;

    IntegerKeyScorer(KeyBitPlanes kb) {
        u = new float[kb.chunks * 64];
        wq = new int[kb.chunks * 64];
        planes = new long[kb.chunks * 8];
    }

    /**
     * From the expanded query {@code qx[xOff ..]} ({@link KeyBitPlanes#expandQuery}) and the block's
     * scales: u, α, C, the int8 weights wq (zero-padded) and their bit planes
     * ({@code bit i of planes[k·8 + p] = bit p of wq[64k + i]}, two's complement). SIMD.
     * Rounding: {@code wq = (int) (u·(127/max) + 128.5f) − 128} (round half up; |u·127/max| ≤ 127).
     */
    void quantize(KeyBitPlanes kb, float[] qx, int xOff) {
        int n = kb.chunks * 64;
        int fl = F.length();
        FloatVector mx = FloatVector.zero(F);
        for (int j = 0; j < n; j += fl) {
            FloatVector w = FloatVector.fromArray(F, qx, xOff + j).mul(FloatVector.fromArray(F, kb.bitScale, j));
            w.intoArray(u, j);
            mx = mx.max(w.abs());
        }
        float max = mx.reduceLanes(VectorOperators.MAX);
        FloatVector cc = FloatVector.zero(F);
        for (int r = 0; r < kb.rowsPadded; r += fl) {
            cc = FloatVector.fromArray(F, qx, xOff + n + r).fma(FloatVector.fromArray(F, kb.rowConst, r), cc);
        }
        cc.intoArray(lanes, 0);
        c = LaneSum.sum(lanes, 0);
        java.util.Arrays.fill(planes, 0L);
        if (!(max > 0f) || max == Float.POSITIVE_INFINITY) {
            alpha = max == 0f ? 0f : Float.NaN; // non-finite query or scales: NaN scores, as on the float path
            java.util.Arrays.fill(wq, 0);
            return;
        }
        alpha = max / 127f;
        float inv = 127f / max;
        for (int j = 0; j < n; j += fl) {
            FloatVector x = FloatVector.fromArray(F, u, j).mul(inv).add(128.5f);
            IntVector q = ((IntVector) x.convert(VectorOperators.F2I, 0)).sub(128);
            q.intoArray(wq, j);
            int base = (j >>> 6) * 8;
            int sh = j & 63;
            for (int p = 0; p < 8; p++) {
                planes[base + p] |= q.and(1 << p).compare(VectorOperators.NE, 0).toLong() << sh;
            }
        }
    }

    /** The quantization written for clarity (scalar, same float operations): fills {@code wqOut}, returns α. */
    static float quantizeReference(KeyBitPlanes kb, float[] qx, int xOff, int[] wqOut) {
        int n = kb.chunks * 64;
        float[] w = new float[n];
        float max = 0f;
        for (int j = 0; j < n; j++) {
            w[j] = qx[xOff + j] * kb.bitScale[j];
            max = Math.max(max, Math.abs(w[j]));
        }
        if (!(max > 0f) || max == Float.POSITIVE_INFINITY) {
            java.util.Arrays.fill(wqOut, 0);
            return max == 0f ? 0f : Float.NaN;
        }
        float inv = 127f / max;
        for (int j = 0; j < n; j++) {
            wqOut[j] = (int) (w[j] * inv + 128.5f) - 128;
        }
        return max / 127f;
    }

    /** acc[t] by AND + popcount with LongVector lanes over tokens. */
    void accumulateVector(KeyBitPlanes kb) {
        int ll = L.length();
        long[] tw = kb.tokenWords;
        for (int t0 = 0; t0 < G; t0 += ll) {
            LongVector a = LongVector.zero(L);
            for (int k = 0; k < kb.chunks; k++) {
                LongVector x = LongVector.fromArray(L, tw, k * G + t0);
                for (int p = 0; p < 7; p++) {
                    a = a.add(x.and(planes[k * 8 + p]).lanewise(VectorOperators.BIT_COUNT).lanewise(VectorOperators.LSHL, p));
                }
                a = a.sub(x.and(planes[k * 8 + 7]).lanewise(VectorOperators.BIT_COUNT).lanewise(VectorOperators.LSHL, 7));
            }
            a.intoArray(acc, t0);
        }
    }

    /** acc[t] by AND + {@link Long#bitCount}, scalar (the same integer algorithm). */
    void accumulateScalar(KeyBitPlanes kb) {
        long[] tw = kb.tokenWords;
        for (int t = 0; t < G; t++) {
            long a = 0;
            for (int k = 0; k < kb.chunks; k++) {
                long x = tw[k * G + t];
                for (int p = 0; p < 7; p++) {
                    a += (long) Long.bitCount(x & planes[k * 8 + p]) << p;
                }
                a -= (long) Long.bitCount(x & planes[k * 8 + 7]) << 7;
            }
            acc[t] = a;
        }
    }

    /** Reference for acc: {@code Σ_j wq_j · (bit t of rowBits[j])}, no planes, no transpose. */
    static void accumulateReference(KeyBitPlanes kb, int[] wq, long[] out) {
        for (int t = 0; t < G; t++) {
            long a = 0;
            for (int j = 0; j < kb.bitRows(); j++) {
                a += wq[j] * ((kb.rowBits[j] >>> t) & 1);
            }
            out[t] = a;
        }
    }

    /** {@code out[outOff + t] = α·acc[t] + C}. */
    void finish(float[] out, int outOff) {
        for (int t = 0; t < G; t++) {
            out[outOff + t] = alpha * (float) acc[t] + c;
        }
    }

    /** The kernel's path: quantize, planes, vector popcount, scores. */
    void score(KeyBitPlanes kb, float[] qx, int xOff, float[] out, int outOff) {
        quantize(kb, qx, xOff);
        accumulateVector(kb);
        finish(out, outOff);
    }
}
