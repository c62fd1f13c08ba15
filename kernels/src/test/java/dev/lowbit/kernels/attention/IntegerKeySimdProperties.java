package dev.lowbit.kernels.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.lowbit.kernels.VectorShapes;
import dev.lowbit.kernels.kv.KvCacheSnapshot;
import dev.lowbit.kernels.kv.ReferenceAttention;
import dev.lowbit.kernels.parallel.KernelPool;
import dev.lowbit.packing.kv.KvBlockCodec;
import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Integer key scoring ({@link KeyBitPlanes}, {@link IntegerKeyScorer}): the SIMD bit-matrix
 * transpose equals its scalar reference; the vector and scalar popcount accumulations equal the
 * direct integer sum Σ_j ũ_j·x_{j,t} bit for bit; scores stay within the stated quantization bound
 * of the codec's double scores; fused attention with integer keys stays within the bound of
 * {@link ReferenceAttention#decode}. Re-run on 256/128-bit species by surefire.
 */
class IntegerKeySimdProperties {
    /** Schemes of FusedAttentionSimdProperties: vidkv, kivi2, int2, int1, ternary (float fallback). */
    private static final int TERNARY = 4;

    @Test
    void transposeEqualsReference() {
        qt().withExamples(100).forAll(integers().between(1, 5), longs().all()).checkAssert(this::transposeEqualsReference);
    }

    void transposeEqualsReference(int chunks, long seed) {
        Random r = new Random(seed);
        int[] rows = new int[chunks * 64];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = r.nextInt(4) == 0 ? (r.nextBoolean() ? -1 : 0) : r.nextInt();
        }
        long[] got = new long[chunks * 32];
        long[] want = new long[chunks * 32];
        java.util.Arrays.fill(got, 0x5A5A5A5AL); // stale contents must be overwritten
        KeyBitPlanes.transpose(rows, got, chunks);
        KeyBitPlanes.transposeReference(rows, want, chunks);
        assertArrayEquals(want, got, "transpose on " + VectorShapes.describe());
    }

    /** J·α·(1/2 + 2^-15) plus the float rounding of u, C and α·acc. */
    static double intBound(KeyBitPlanes kb, IntegerKeyScorer s) {
        double sumU = 0;
        for (int j = 0; j < kb.bitRows(); j++) {
            sumU += Math.abs(s.u[j]);
        }
        int jn = kb.bitRows();
        return jn * s.alpha * (0.5 + 0x1p-15) + (sumU + Math.abs(s.c) + 127.0 * jn * s.alpha) * 0x1p-21;
    }

    @Test
    void integerScoresExactAndBounded() {
        qt().withExamples(60).forAll(integers().between(0, 3), integers().between(1, 140), integers().between(1, 4), longs().all())
                .checkAssert(this::integerScoresExactAndBounded);
    }

    void integerScoresExactAndBounded(int schemeIx, int d, int blocks, long seed) {
        try (Arena arena = Arena.ofShared()) {
            var b = FusedAttentionSimdProperties.build(arena, seed, schemeIx, 1, 1, d, 32, 0, blocks * 32 + 5);
            KvCacheSnapshot s = b.cache().snapshot();
            KvBlockCodec kc = s.keyCodec(0);
            var kp = new KvTileDecoder.KeyPlan(kc);
            KeyBitPlanes kb = new KeyBitPlanes(kp);
            IntegerKeyScorer sc = new IntegerKeyScorer(kb);
            float scale = (float) (1 / Math.sqrt(d));
            float[] qp = new float[kp.rows];
            KvTileDecoder.prepare(kp, b.q(), 0, scale, qp, 0);
            double[] prep = new double[kp.rows];
            for (int i = 0; i < prep.length; i++) {
                prep[i] = qp[i];
            }
            float[] qx = new float[kb.expandedLength()];
            kb.expandQuery(qp, 0, qx, 0);
            int[] wantWq = new int[kb.chunks * 64];
            long[] want = new long[32];
            long[] wantWords = new long[kb.tokenWords.length];
            double[] exact = new double[32];
            float[] got = new float[32];
            for (long blk = 0; blk < s.quantizedBlocks(); blk++) {
                kb.load(s.keyCodes(0, blk), s.keyCodeOffset(0, blk), s.keyMeta(0, blk), s.keyMetaOffset(0, blk));
                KeyBitPlanes.transposeReference(kb.rowBits, wantWords, kb.chunks);
                assertArrayEquals(wantWords, kb.tokenWords, "token words");
                sc.score(kb, qx, 0, got, 0);
                float alpha = IntegerKeyScorer.quantizeReference(kb, qx, 0, wantWq);
                assertEquals(Float.floatToRawIntBits(alpha), Float.floatToRawIntBits(sc.alpha), "alpha");
                assertArrayEquals(wantWq, sc.wq, "int8 weights vs scalar quantization on " + VectorShapes.describe());
                for (int j = 0; j < wantWq.length; j++) {
                    assertTrue(wantWq[j] >= -127 && wantWq[j] <= 127, "weight " + j + " = " + wantWq[j]);
                    for (int p = 0; p < 8; p++) {
                        assertEquals((wantWq[j] >>> p) & 1, (int) (sc.planes[(j / 64) * 8 + p] >>> (j % 64)) & 1, "plane " + p + " row " + j);
                    }
                }
                IntegerKeyScorer.accumulateReference(kb, wantWq, want);
                assertArrayEquals(want, sc.acc, "vector popcount vs reference on " + VectorShapes.describe());
                sc.accumulateScalar(kb);
                assertArrayEquals(want, sc.acc, "scalar popcount vs reference");
                kc.scores(s.keyCodes(0, blk), s.keyCodeOffset(0, blk), s.keyMeta(0, blk), s.keyMetaOffset(0, blk), s.keyRows(0), prep, exact);
                double bound = intBound(kb, sc);
                for (int t = 0; t < 32; t++) {
                    double e = Math.abs(got[t] - exact[t]);
                    assertTrue(e <= bound, "token " + t + ": integer score " + got[t] + " vs " + exact[t] + ", error " + e + " > bound " + bound);
                }
            }
        }
    }

    /**
     * Output bound: scores err by at most es (float path terms, as in FusedAttentionSimdProperties)
     * plus the per-block integer bound; the output moves by at most max|v|·(e^{2(es+ei)+8(T+d+16)u} − 1).
     */
    static double attentionBound(KvCacheSnapshot s, float[] q, int qh, int group) {
        int d = s.headDim();
        int h = qh / group;
        double ei = 0;
        KvBlockCodec kc = s.keyCodec(h);
        if (kc != null) {
            var kp = new KvTileDecoder.KeyPlan(kc);
            if (KeyBitPlanes.supports(kp)) {
                float[] qp = new float[kp.rows];
                KvTileDecoder.prepare(kp, q, qh * d, (float) (1 / Math.sqrt(d)), qp, 0);
                KeyBitPlanes kb = new KeyBitPlanes(kp);
                IntegerKeyScorer sc = new IntegerKeyScorer(kb);
                float[] qx = new float[kb.expandedLength()];
                kb.expandQuery(qp, 0, qx, 0);
                for (long b = 0; b < s.quantizedBlocks(); b++) {
                    kb.load(s.keyCodes(h, b), s.keyCodeOffset(h, b), s.keyMeta(h, b), s.keyMetaOffset(h, b));
                    sc.quantize(kb, qx, 0);
                    ei = Math.max(ei, intBound(kb, sc));
                }
            }
        }
        // the float path's bound (prepared query, float dot products, exp, sums) plus the integer scores' error
        return FusedAttentionSimdProperties.bound(s, q, qh, group, s.groupSize(), ei);
    }

    @Test
    void integerKeyAttentionWithinBound() {
        qt().withExamples(50).forAll(FusedAttentionSimdProperties.attnCases(7, 2, 130, 5, 1200))
                .checkAssert(c -> integerKeyAttentionWithinBound(c.schemeIx(), c.kvHeads(), c.group(), c.d(), c.gIx(),
                        c.residual(), c.tokens(), c.seed()));
    }

    void integerKeyAttentionWithinBound(int schemeIx, int kvHeads, int group, int d, int gIx, int residual, int tokens, long seed) {
        int g = new int[] {32, 32, 32, 32, 16, 20}[gIx]; // mostly the integer path; 16 and 20 fall back to float
        try (Arena arena = Arena.ofShared(); KernelPool one = new KernelPool(1); KernelPool two = new KernelPool(2)) {
            var b = FusedAttentionSimdProperties.build(arena, seed, schemeIx, kvHeads, group, d, g, residual, tokens);
            float[] want = new float[b.q().length];
            KvCacheSnapshot s = b.cache().snapshot();
            ReferenceAttention.decode(s, b.q(), b.queryHeads(), want);
            float[] got1 = new float[want.length];
            float[] got2 = new float[want.length];
            new QuantizedAttention(b.cache(), b.queryHeads(), one, true).attend(b.q(), got1);
            new QuantizedAttention(b.cache(), b.queryHeads(), two, true).attend(b.q(), got2);
            for (int qh = 0; qh < b.queryHeads(); qh++) {
                double bound = attentionBound(s, b.q(), qh, group);
                for (int i = 0; i < d; i++) {
                    int e = qh * d + i;
                    double e1 = Math.abs(got1[e] - want[e]);
                    double e2 = Math.abs(got2[e] - want[e]);
                    assertTrue(e1 <= bound && e2 <= bound, "scheme " + schemeIx + " g " + g + " head " + qh + " elem " + i + " on "
                            + VectorShapes.describe() + ": errors " + e1 + ", " + e2 + " > bound " + bound);
                }
            }
            if (schemeIx == TERNARY || g != 32) {
                float[] flt = new float[want.length];
                // heads the integer path cannot take run the float-tile path, the same code as integerKeys = false, fused = false
                new QuantizedAttention(b.cache(), b.queryHeads(), one, false, false).attend(b.q(), flt);
                assertArrayEquals(flt, got1, "fallback heads must equal the float-tile path");
            }
        }
    }
}
