package dev.lowbit.kernels.attention;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.lowbit.kernels.VectorShapes;
import dev.lowbit.kernels.kv.KvCacheSnapshot;
import dev.lowbit.kernels.kv.KvScheme;
import dev.lowbit.kernels.kv.QuantizedKvCache;
import dev.lowbit.kernels.kv.ReferenceAttention;
import dev.lowbit.kernels.parallel.KernelPool;
import dev.lowbit.packing.kv.KvBlockCodec;
import dev.lowbit.packing.kv.SalientTokens;
import dev.lowbit.packing.kv.VidKvKeyQuantizer;
import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The fused quantized-cache kernel: its tile decode equals the codecs' scalar dequantization bit
 * for bit, and its attention stays within the stated float bound of the double-precision
 * reference over the same packed data ({@link ReferenceAttention#decode}); random schemes, head
 * counts, GQA ratios, group sizes, residual windows 0..R and token counts that are multiples of
 * nothing; 1 and 2 threads. Re-run on 256/128-bit species by surefire.
 */
class FusedAttentionSimdProperties {
    private static final String[] SCHEMES = {"vidkv", "kivi2", "int2", "int1", "ternary"};

    record Built(QuantizedKvCache cache, float[] q, int queryHeads) {}

    static Built build(Arena arena, long seed, int schemeIx, int kvHeads, int group, int d, int g, int residual, int tokens) {
        return build(arena, seed, schemeIx, kvHeads, group, d, g, residual, tokens, 64);
    }

    /** As above, {@code blocksPerChunk} blocks per storage chunk (side rows: 4× that per chunk). */
    static Built build(Arena arena, long seed, int schemeIx, int kvHeads, int group, int d, int g, int residual, int tokens,
                       int blocksPerChunk) {
        Random r = new Random(seed);
        KvScheme scheme = KvScheme.parse(SCHEMES[schemeIx]);
        int[] sal = r.ints(tokens / 7, 0, Math.max(1, tokens)).distinct().sorted().toArray();
        QuantizedKvCache c = QuantizedKvCache.builder(kvHeads, d).scheme(scheme).groupSize(g).residual(residual)
                .salient(SalientTokens.of(sal)).blocksPerChunk(blocksPerChunk).build(arena);
        float[] k = new float[kvHeads * d];
        float[] v = new float[kvHeads * d];
        double[] gain = new double[kvHeads * d];
        for (int i = 0; i < gain.length; i++) {
            gain[i] = r.nextInt(8) == 0 ? 10 : Math.pow(10, -1 + 1.5 * r.nextDouble());
        }
        for (int t = 0; t < tokens; t++) {
            for (int i = 0; i < k.length; i++) {
                k[i] = (float) (gain[i] * r.nextGaussian());
                v[i] = (float) r.nextGaussian();
            }
            c.appendToken(k, v);
        }
        float[] q = new float[kvHeads * group * d];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) r.nextGaussian();
        }
        return new Built(c, q, kvHeads * group);
    }

    /** One try of {@link #tilesEqualScalarDequantization}: scheme, head dim, group size, blocks, seed. */
    record TileCase(int schemeIx, int d, int g, int blocks, long seed) {}

    @Test
    void tilesEqualScalarDequantization() {
        Gen<Integer> scheme = integers().between(0, 4);
        Gen<Integer> dim = integers().between(1, 40);
        Gen<Integer> group = integers().between(2, 40);
        Gen<Integer> blocks = integers().between(1, 5);
        Gen<Long> seed = longs().all();
        Gen<TileCase> cases = in -> new TileCase(scheme.generate(in), dim.generate(in), group.generate(in),
                blocks.generate(in), seed.generate(in));
        qt().withExamples(60).forAll(cases).checkAssert(c -> tilesEqualScalarDequantization(c.schemeIx(), c.d(), c.g(), c.blocks(), c.seed()));
    }

    void tilesEqualScalarDequantization(int schemeIx, int d, int g, int blocks, long seed) {
        try (Arena arena = Arena.ofShared()) {
            Built b = build(arena, seed, schemeIx, 1, 1, d, g, 0, blocks * g + 3);
            KvCacheSnapshot s = b.cache().snapshot();
            KvBlockCodec kc = s.keyCodec(0);
            var kp = new KvTileDecoder.KeyPlan(kc);
            var vp = new KvTileDecoder.ValuePlan(s.valueCodec(0));
            int stride = KvTileDecoder.roundUp(g, 2 * VectorShapes.F.length());
            float[] kt = new float[d * stride];
            float[] vt = new float[g * d];
            float[] want = new float[g * d];
            for (long blk = 0; blk < s.quantizedBlocks(); blk++) {
                KvTileDecoder.keyTile(kp, s.keyCodes(0, blk), s.keyCodeOffset(0, blk), s.keyMeta(0, blk), s.keyMetaOffset(0, blk), kt, stride);
                s.dequantizeKeyBlock(0, blk, want, 0);
                if (kc instanceof VidKvKeyQuantizer vk) {
                    int na = vk.split().anomalousCount();
                    double[] spec = vk.dequantizeSpectra(s.keyCodes(0, blk), s.keyCodeOffset(0, blk), s.keyMeta(0, blk), s.keyMetaOffset(0, blk));
                    int n = vk.split().normalCount();
                    for (int t = 0; t < g; t++) {
                        for (int i = 0; i < na; i++) {
                            assertEquals(Float.floatToRawIntBits(want[t * d + vk.split().anomalousChannel(i)]),
                                    Float.floatToRawIntBits(kt[i * stride + t]), "anomalous row " + i + " token " + t);
                        }
                        for (int m = 0; m < n; m++) {
                            assertEquals(Float.floatToRawIntBits((float) spec[t * n + m]), Float.floatToRawIntBits(kt[(na + m) * stride + t]),
                                    "spectral row " + m + " token " + t);
                        }
                    }
                } else {
                    for (int t = 0; t < g; t++) {
                        for (int c = 0; c < d; c++) {
                            assertEquals(Float.floatToRawIntBits(want[t * d + c]), Float.floatToRawIntBits(kt[c * stride + t]),
                                    SCHEMES[schemeIx] + " key channel " + c + " token " + t);
                        }
                    }
                }
                KvTileDecoder.valueTile(vp, s.valueCodes(0, blk), s.valueCodeOffset(0, blk), s.valueMeta(0, blk), s.valueMetaOffset(0, blk),
                        s.valueRows(0), new KvTileDecoder.ValueScratch(g, d), vt);
                s.dequantizeValueBlock(0, blk, want, 0);
                for (int i = 0; i < want.length; i++) {
                    assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(vt[i]),
                            SCHEMES[schemeIx] + " value token " + i / d + " channel " + i % d + " on " + VectorShapes.describe());
                }
            }
        }
    }

    /** One attention try: scheme, KV heads, GQA ratio, head dim, group-size index, residual window, tokens, seed. */
    record AttnCase(int schemeIx, int kvHeads, int group, int d, int gIx, int residual, int tokens, long seed) {}

    /** Attention tries with the given ranges (scheme 0..4, KV heads 1..3, residual 0..70, any seed). */
    static Gen<AttnCase> attnCases(int maxGroup, int minD, int maxD, int maxGIx, int maxTokens) {
        Gen<Integer> scheme = integers().between(0, 4);
        Gen<Integer> kv = integers().between(1, 3);
        Gen<Integer> group = integers().between(1, maxGroup);
        Gen<Integer> dim = integers().between(minD, maxD);
        Gen<Integer> gIx = integers().between(0, maxGIx);
        Gen<Integer> residual = integers().between(0, 70);
        Gen<Integer> tokens = integers().between(1, maxTokens);
        Gen<Long> seed = longs().all();
        return in -> new AttnCase(scheme.generate(in), kv.generate(in), group.generate(in), dim.generate(in),
                gIx.generate(in), residual.generate(in), tokens.generate(in), seed.generate(in));
    }

    @Test
    void fusedWithinBoundOfPackedReference() {
        qt().withExamples(50).forAll(attnCases(5, 2, 48, 3, 1500)).checkAssert(c -> fusedWithinBoundOfPackedReference(
                c.schemeIx(), c.kvHeads(), c.group(), c.d(), c.gIx(), c.residual(), c.tokens(), c.seed()));
    }

    void fusedWithinBoundOfPackedReference(int schemeIx, int kvHeads, int group, int d, int gIx, int residual, int tokens, long seed) {
        int g = new int[] {8, 16, 32, 20}[gIx];
        try (Arena arena = Arena.ofShared(); KernelPool one = new KernelPool(1); KernelPool two = new KernelPool(2)) {
            Built b = build(arena, seed, schemeIx, kvHeads, group, d, g, residual, tokens);
            float[] want = new float[b.q().length];
            ReferenceAttention.decode(b.cache().snapshot(), b.q(), b.queryHeads(), want);
            float[] got1 = new float[want.length];
            float[] got2 = new float[want.length];
            new QuantizedAttention(b.cache(), b.queryHeads(), one).attend(b.q(), got1);
            new QuantizedAttention(b.cache(), b.queryHeads(), two).attend(b.q(), got2);
            float[] tile = new float[want.length]; // the float-tile path (fallback), same bound
            new QuantizedAttention(b.cache(), b.queryHeads(), one, false, false).attend(b.q(), tile);
            KvCacheSnapshot s = b.cache().snapshot();
            float[] deq = new float[want.length];
            ReferenceAttention.decodeDequantized(s, b.q(), b.queryHeads(), deq);
            for (int qh = 0; qh < b.queryHeads(); qh++) {
                double bound = bound(s, b.q(), qh, group, g);
                double deqBound = bound + dequantizedBound(s, b.q(), qh, group);
                for (int i = 0; i < d; i++) {
                    int e = qh * d + i;
                    double e1 = Math.abs(got1[e] - want[e]);
                    double e2 = Math.abs(got2[e] - want[e]);
                    assertTrue(e1 <= bound && e2 <= bound, SCHEMES[schemeIx] + " head " + qh + " elem " + i + " on "
                            + VectorShapes.describe() + ": errors " + e1 + ", " + e2 + " > bound " + bound);
                    double et = Math.abs(tile[e] - want[e]);
                    assertTrue(et <= bound, SCHEMES[schemeIx] + " tile path head " + qh + " elem " + i + ": error " + et + " > bound " + bound);
                    double e3 = Math.abs(got1[e] - deq[e]);
                    assertTrue(e3 <= deqBound, SCHEMES[schemeIx] + " head " + qh + " elem " + i
                            + ": vs float attention over the dequantized cache, error " + e3 + " > bound " + deqBound);
                }
            }
        }
    }

    /**
     * Float attention over the dequantized cache sees keys rounded to float after the inverse
     * transform (relative error ≤ u each, plus the double transform's): its scores differ from the
     * packed reference's by at most scale·(d+4)·u·max_t Σ_c|q_c·k̂_tc|, which moves the output by at
     * most max|v|·(e^{2·that} − 1), plus the float rounding of both outputs.
     */
    static double dequantizedBound(KvCacheSnapshot s, float[] q, int qh, int group) {
        int d = s.headDim();
        int h = qh / group;
        float[] keys = s.keys(h);
        float[] values = s.values(h);
        double maxDot = 0;
        double maxV = 0;
        for (int t = 0; t < s.tokens(); t++) {
            double a = 0;
            for (int c = 0; c < d; c++) {
                a += Math.abs((double) q[qh * d + c] * keys[t * d + c]);
                maxV = Math.max(maxV, Math.abs(values[t * d + c]));
            }
            maxDot = Math.max(maxDot, a);
        }
        double es = (d + 4) * 0x1p-24 * maxDot / Math.sqrt(d) * 1.01;
        return maxV * (Math.expm1(2 * es) + 4 * 0x1p-24);
    }

    /**
     * Scores differ from the reference's by at most es = scale·(R+4)·u·Σ_r|qp_r·k_r| (prepared query
     * rounded to float, an R-term float dot product, the scale multiply); softmax weights then move by
     * a factor within e^{±2es}; exp, the sums over T tokens and d channels add ~(T+d+16)·u each (×8).
     * The output is a convex combination of values: error ≤ max|v| · (e^{2es + 8(T+d+16)u} − 1).
     */
    static double bound(KvCacheSnapshot s, float[] q, int qh, int group, int g) {
        return bound(s, q, qh, group, g, 0);
    }

    /** The same bound with {@code extraScoreError} more absolute error on every score (the integer key path's). */
    static double bound(KvCacheSnapshot s, float[] q, int qh, int group, int g, double extraScoreError) {
        int d = s.headDim();
        int h = qh / group;
        double u = 0x1p-24;
        double scale = 1 / Math.sqrt(d);
        double maxAbsDot = 0;
        KvBlockCodec kc = s.keyCodec(h);
        if (kc != null) {
            double[] prep = new double[kc.preparedQueryLength()];
            kc.prepareQuery(q, qh * d, prep);
            var kp = new KvTileDecoder.KeyPlan(kc);
            int stride = KvTileDecoder.roundUp(g, 2 * VectorShapes.F.length());
            float[] kt = new float[d * stride];
            for (long b = 0; b < s.quantizedBlocks(); b++) {
                KvTileDecoder.keyTile(kp, s.keyCodes(h, b), s.keyCodeOffset(h, b), s.keyMeta(h, b), s.keyMetaOffset(h, b), kt, stride);
                for (int t = 0; t < g; t++) {
                    double a = 0;
                    for (int r = 0; r < kp.rows; r++) {
                        a += Math.abs(prep[r] * kt[r * stride + t]);
                    }
                    maxAbsDot = Math.max(maxAbsDot, a);
                }
            }
        }
        float[] keys = s.keys(h);
        float[] values = s.values(h);
        double maxV = 0;
        for (int t = 0; t < s.tokens(); t++) {
            double a = 0;
            for (int c = 0; c < d; c++) {
                a += Math.abs((double) q[qh * d + c] * keys[t * d + c]);
                maxV = Math.max(maxV, Math.abs(values[t * d + c]));
            }
            if (t >= s.quantizedTokens()) {
                maxAbsDot = Math.max(maxAbsDot, a);
            }
        }
        double es = scale * (d + 4) * u * maxAbsDot * 1.01;
        return maxV * Math.expm1(2 * (es + extraScoreError) + 8 * (s.tokens() + d + 16) * u) + 1e-30;
    }
}
