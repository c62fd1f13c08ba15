package dev.lowbit.kernels.attention;

import dev.lowbit.kernels.VectorShapes;
import jdk.incubator.vector.ByteVector;
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
 * <p><b>Error bound.</b> {@code |u_j − α·ũ_j| ≤ α·(1/2 + 2^-15)} (round to nearest; the 2^-15
 * covers the float division), so against exact scores from the same float weights
 * {@code |Δscore_t| ≤ J·α·(1/2 + 2^-15)} with J bit rows — about {@code J/254·max_j|u_j|}; plus the
 * float rounding of u, C and α·acc (relative ~2^-23 each). A per-block scale (rather than one per
 * step) keeps α proportional to the block's own largest weight.
 */
final class IntegerKeyScorer {
    private static final VectorSpecies<Long> L = VectorShapes.L;
    private static final VectorSpecies<Byte> B = VectorShapes.B;
    private static final int G = KeyBitPlanes.G;

    final float[] u;
    final byte[] wq;
    final long[] planes;
    final long[] acc = new long[G];
    /** α and C of the last {@link #quantize} call. */
    float alpha;
    float c;

    IntegerKeyScorer(KeyBitPlanes kb) {
        u = new float[kb.chunks * 64];
        wq = new byte[kb.chunks * 64];
        planes = new long[kb.chunks * 8];
    }

    /** Fills u, wq (int8 weights, zero-padded), α and C for query {@code qp[qOff ..]}. Scalar, deterministic. */
    void quantize(KeyBitPlanes kb, float[] qp, int qOff) {
        KvTileDecoder.KeyPlan p = kb.plan;
        double cc = 0;
        float max = 0f;
        for (int r = 0; r < p.rows; r++) {
            float q = qp[qOff + r];
            int j = kb.bitRowOf[r];
            float w = q * kb.step[r];
            if (kb.isInt2(r)) {
                u[j] = w;
                u[j + 1] = 2f * w;
                cc += (double) q * kb.min[r];
                max = Math.max(max, Math.abs(2f * w));
            } else {
                u[j] = 2f * w;
                cc -= w;
                max = Math.max(max, Math.abs(2f * w));
            }
        }
        c = (float) cc;
        int n = kb.bitRows();
        if (max == 0f || !Float.isFinite(max)) {
            alpha = max == 0f ? 0f : Float.NaN; // NaN query: scores NaN, as on the float path
            java.util.Arrays.fill(wq, (byte) 0);
            return;
        }
        alpha = max / 127f;
        float inv = 127f / max;
        for (int j = 0; j < n; j++) {
            int v = Math.round(u[j] * inv);
            wq[j] = (byte) Math.max(-127, Math.min(127, v));
        }
    }

    /** The 8 bit planes of wq per chunk: bit i of {@code planes[k·8 + p]} = bit p of wq[64k + i]. SIMD. */
    void buildPlanes(int chunks) {
        int bl = B.length();
        java.util.Arrays.fill(planes, 0, chunks * 8, 0L);
        for (int k = 0; k < chunks; k++) {
            for (int i = 0; i < 64; i += bl) {
                ByteVector v = ByteVector.fromArray(B, wq, 64 * k + i);
                for (int p = 0; p < 8; p++) {
                    long m = v.and((byte) (1 << p)).compare(VectorOperators.NE, 0).toLong();
                    planes[k * 8 + p] |= m << i;
                }
            }
        }
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
    static void accumulateReference(KeyBitPlanes kb, byte[] wq, long[] out) {
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
    void score(KeyBitPlanes kb, float[] qp, int qOff, float[] out, int outOff) {
        quantize(kb, qp, qOff);
        buildPlanes(kb.chunks);
        accumulateVector(kb);
        finish(out, outOff);
    }
}
