package dev.lowbit.propertytests.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.lowbit.kernels.kv.KvCacheSnapshot;
import dev.lowbit.kernels.kv.KvScheme;
import dev.lowbit.kernels.kv.QuantizedKvCache;
import dev.lowbit.kernels.kv.ReferenceAttention;
import dev.lowbit.packing.kv.ChannelSplit;
import dev.lowbit.packing.kv.KvBlockCodec;
import dev.lowbit.packing.kv.RowStore;
import dev.lowbit.packing.kv.SalientTokens;
import dev.lowbit.packing.kv.VidKvKeyQuantizer;
import dev.lowbit.testsupport.Gens;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** The quantized KV cache: streaming == batch, and reference attention from packed data. */
class KvCacheProperties {

    static final Gen<String> SCHEMES = Gens.oneOf(KvScheme.NAMES);

    /** A scheme, head count, GQA group, head dimension, group size, residual length, token count and data seed. */
    record Case(String scheme, int heads, int group, int d, int g, int r, int tokens, long seed) {}

    static Gen<Case> cases(int maxGroup, int maxD, int maxR, int minTokens, int maxTokens) {
        Gen<Integer> headss = Gens.ints(1, 3);
        Gen<Integer> groups = Gens.ints(1, maxGroup);
        Gen<Integer> ds = Gens.ints(1, maxD);
        Gen<Integer> gs = Gens.ints(1, 16);
        Gen<Integer> rs = Gens.ints(0, maxR);
        Gen<Integer> tokenss = Gens.ints(minTokens, maxTokens);
        Gen<Long> seeds = Gens.seeds();
        return in -> new Case(SCHEMES.generate(in), headss.generate(in), groups.generate(in), ds.generate(in), gs.generate(in),
                rs.generate(in), tokenss.generate(in), seeds.generate(in));
    }

    private static SalientTokens randomSalient(Random rnd, int tokens) {
        int[] idx = rnd.ints(tokens / 5, 0, Math.max(1, tokens)).toArray();
        return SalientTokens.of(idx);
    }

    private static byte[] bytes(MemorySegment seg, long off, int len) {
        return seg.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE);
    }

    /**
     * Streaming append in random chunk sizes gives the same packed bytes and residual as one bulk
     * append, and both equal batch quantization of each block with the scheme's codecs (VidKV: the
     * split ranked on the head's first R + G tokens).
     */
    @Test
    void streamingAppendEqualsBatchQuantization() {
        qt().withExamples(50).forAll(cases(1, 24, 40, 0, 160))
                .checkAssert(c -> streamingEqualsBatch(c.scheme, c.heads, c.d, c.g, c.r, c.tokens, c.seed));
    }

    private static void streamingEqualsBatch(String schemeName, int heads, int d, int g, int r, int tokens, long seed) {
        Random rnd = new Random(seed);
        KvScheme scheme = KvScheme.parse(schemeName);
        float[] k = KvData.random(seed, heads, tokens, d);
        float[] v = KvData.random(seed + 1, heads, tokens, d);
        SalientTokens sal = randomSalient(rnd, tokens);
        try (Arena arena = Arena.ofConfined()) {
            QuantizedKvCache bulk = QuantizedKvCache.builder(heads, d).scheme(scheme).groupSize(g).residual(r).salient(sal)
                    .blocksPerChunk(1 + rnd.nextInt(3)).build(arena);
            QuantizedKvCache stream = QuantizedKvCache.builder(heads, d).scheme(scheme).groupSize(g).residual(r).salient(sal)
                    .blocksPerChunk(1 + rnd.nextInt(3)).build(arena);
            bulk.append(k, v, tokens);
            for (int t = 0; t < tokens; ) {
                int n = Math.min(tokens - t, rnd.nextInt(3) == 0 ? 0 : 1 + rnd.nextInt(2 * g + 3));
                stream.append(KvData.slice(k, heads, tokens, d, t, n), KvData.slice(v, heads, tokens, d, t, n), n);
                t += n;
            }
            KvCacheSnapshot a = bulk.snapshot();
            KvCacheSnapshot b = stream.snapshot();
            assertEquals(tokens, a.tokens());
            assertEquals(a.quantizedBlocks(), b.quantizedBlocks());
            long expectedBlocks = tokens < r + g ? 0 : (tokens - r) / g;
            assertEquals(expectedBlocks, a.quantizedBlocks());
            for (int h = 0; h < heads; h++) {
                KvBlockCodec kc = a.keyCodec(h);
                KvBlockCodec vc = a.valueCodec(h);
                KvBlockCodec batchKey = null;
                if (a.quantizedBlocks() > 0) {
                    float[] calib = KvData.head(k, h, tokens, d, 0, r + g);
                    batchKey = scheme.keyCodec(h, g, d, calib, r + g);
                    if (kc instanceof VidKvKeyQuantizer vk) {
                        assertEquals(((VidKvKeyQuantizer) batchKey).split(), vk.split());
                        assertEquals(vk.split(), ((VidKvKeyQuantizer) b.keyCodec(h)).split());
                    }
                }
                for (long blk = 0; blk < a.quantizedBlocks(); blk++) {
                    byte[] ka = bytes(a.keyCodes(h, blk), a.keyCodeOffset(h, blk), kc.codeBytes());
                    assertArrayEquals(ka, bytes(b.keyCodes(h, blk), b.keyCodeOffset(h, blk), kc.codeBytes()));
                    assertArrayEquals(bytes(a.keyMeta(h, blk), a.keyMetaOffset(h, blk), kc.metaBytes()),
                            bytes(b.keyMeta(h, blk), b.keyMetaOffset(h, blk), kc.metaBytes()));
                    assertArrayEquals(bytes(a.valueCodes(h, blk), a.valueCodeOffset(h, blk), vc.codeBytes()),
                            bytes(b.valueCodes(h, blk), b.valueCodeOffset(h, blk), vc.codeBytes()));
                    assertArrayEquals(bytes(a.valueMeta(h, blk), a.valueMetaOffset(h, blk), vc.metaBytes()),
                            bytes(b.valueMeta(h, blk), b.valueMetaOffset(h, blk), vc.metaBytes()));
                    // batch: the block quantized directly by a freshly made codec
                    MemorySegment codes = arena.allocate(Math.max(1, kc.codeBytes()));
                    MemorySegment meta = arena.allocate(Math.max(1, kc.metaBytes()));
                    batchKey.quantize(KvData.head(k, h, tokens, d, (int) blk * g, g), 0, null, codes, 0, meta, 0, null);
                    assertArrayEquals(ka, bytes(codes, 0, kc.codeBytes()), "batch key codes, block " + blk);
                }
                assertArrayEquals(a.keys(h), b.keys(h));
                assertArrayEquals(a.values(h), b.values(h));
                // batch values: dequantize each block quantized directly
                float[] va = a.values(h);
                KvBlockCodec batchValue = scheme.valueCodec(g, d);
                RowStore rows = new RowStore(arena, batchValue.rowCodeBytes(), batchValue.rowMetaBytes(), 4);
                for (long blk = 0; blk < a.quantizedBlocks(); blk++) {
                    boolean[] s = new boolean[g];
                    for (int t = 0; t < g; t++) {
                        s[t] = sal.contains(blk * g + t);
                    }
                    MemorySegment codes = arena.allocate(Math.max(1, batchValue.codeBytes()));
                    MemorySegment meta = arena.allocate(Math.max(1, batchValue.metaBytes()));
                    batchValue.quantize(KvData.head(v, h, tokens, d, (int) blk * g, g), 0, s, codes, 0, meta, 0, rows);
                    float[] out = new float[g * d];
                    batchValue.dequantize(codes, 0, meta, 0, rows, out, 0);
                    for (int i = 0; i < g * d; i++) {
                        assertEquals(out[i], va[(int) blk * g * d + i], "batch value, block " + blk);
                    }
                }
                // residual tokens are exact
                float[] kk = a.keys(h);
                for (long i = a.quantizedTokens() * d; i < (long) tokens * d; i++) {
                    assertEquals(k[(int) (h * tokens * d + i)], kk[(int) i]);
                }
            }
            assertEquals(a.payloadBytes(), b.payloadBytes());
            assertEquals(a.metadataBytes(), b.metadataBytes());
            assertEquals(a.residualBytes(), b.residualBytes());
        }
    }

    /**
     * Reference attention from the packed data (Parseval form for VidKV keys) equals float attention
     * over the dequantized cache, with GQA (query head i reads KV head i / group).
     */
    @Test
    void packedAttentionEqualsAttentionOverDequantizedCache() {
        qt().withExamples(50).forAll(cases(3, 40, 24, 1, 120))
                .checkAssert(c -> packedAttentionEqualsDequantized(c.scheme, c.heads, c.group, c.d, c.g, c.r, c.tokens, c.seed));
    }

    private static void packedAttentionEqualsDequantized(String schemeName, int heads, int group, int d, int g, int r,
                                                         int tokens, long seed) {
        Random rnd = new Random(seed);
        KvScheme scheme = KvScheme.parse(schemeName);
        float[] k = KvData.random(seed, heads, tokens, d);
        float[] v = KvData.random(seed + 7, heads, tokens, d);
        int qHeads = heads * group;
        float[] q = new float[qHeads * d];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) (rnd.nextGaussian() * 0.05);
        }
        try (Arena arena = Arena.ofConfined()) {
            QuantizedKvCache c = QuantizedKvCache.builder(heads, d).scheme(scheme).groupSize(g).residual(r)
                    .salient(randomSalient(rnd, tokens)).build(arena);
            c.append(k, v, tokens);
            KvCacheSnapshot s = c.snapshot();
            float[] packed = new float[qHeads * d];
            float[] deq = new float[qHeads * d];
            ReferenceAttention.decode(s, q, qHeads, packed);
            ReferenceAttention.decodeDequantized(s, q, qHeads, deq);
            for (int qh = 0; qh < qHeads; qh++) {
                // GQA: the same output as single-head attention of this query against its KV head
                float[] one = new float[d];
                float[] qq = java.util.Arrays.copyOfRange(q, qh * d, qh * d + d);
                int h = qh / group;
                ReferenceAttention.exact(s.keys(h), s.values(h), 1, tokens, d, qq, 1, one);
                double vmax = 0;
                for (int t = 0; t < tokens * d; t++) {
                    vmax = Math.max(vmax, Math.abs(s.values(h)[t]));
                }
                for (int ch = 0; ch < d; ch++) {
                    assertEquals(deq[qh * d + ch], one[ch], 1e-6 * vmax + 1e-30, "GQA head " + qh);
                    // packed vs dequantized: only float rounding of the reconstructed keys/values differs
                    assertEquals(deq[qh * d + ch], packed[qh * d + ch], 2e-5 * vmax + 1e-30, "head " + qh + " channel " + ch);
                }
            }
        }
    }

    @Test
    void explicitVidKvSplitIsUsedAsGiven() {
        qt().withExamples(30).forAll(Gens.ints(2, 24), Gens.seeds()).checkAssert(KvCacheProperties::explicitSplitIsUsed);
    }

    private static void explicitSplitIsUsed(int d, long seed) {
        Random rnd = new Random(seed);
        int[] anomalous = rnd.ints(0, d).distinct().limit(rnd.nextInt(d)).toArray();
        ChannelSplit split = ChannelSplit.explicit(d, anomalous);
        try (Arena arena = Arena.ofConfined()) {
            QuantizedKvCache c = QuantizedKvCache.builder(1, d).scheme(KvScheme.vidkv(java.util.List.of(split)))
                    .groupSize(8).residual(0).build(arena);
            c.append(KvData.random(seed, 1, 16, d), KvData.random(seed, 1, 16, d), 16);
            assertEquals(split, ((VidKvKeyQuantizer) c.snapshot().keyCodec(0)).split());
            assertTrue(c.snapshot().quantizedBlocks() == 2);
        }
    }
}
