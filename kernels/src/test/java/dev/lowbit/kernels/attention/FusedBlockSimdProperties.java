package dev.lowbit.kernels.attention;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.lowbit.kernels.VectorShapes;
import dev.lowbit.kernels.kv.KvCacheSnapshot;
import dev.lowbit.kernels.parallel.KernelPool;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The register-fused block kernels ({@link FusedBlock}) equal their scalar reference
 * ({@link FusedBlockReference}: the same float operations in the same order) bit for bit, for
 * every key and value layout (VidKV, KIVI-2, int2, int1, ternary), GQA groups 1..17 (passes of
 * 8 and 4 with padded heads), head dims that are multiples of nothing; and fused attention gives
 * bit-identical results on 1 and 2 threads. Re-run on 256/128-bit species by surefire.
 */
class FusedBlockSimdProperties {
    private static final String[] SCHEMES = {"vidkv", "kivi2", "int2", "int1", "ternary"};

    /** tables: per-channel ternary values by {@link TernaryPairTables} (else the float kernels). */
    record Case(int schemeIx, int group, int d, int blocks, long seed, boolean tables) {}

    static Gen<Case> cases(int maxGroup, int maxD, int maxBlocks) {
        Gen<Integer> scheme = integers().between(0, 4);
        Gen<Integer> group = integers().between(1, maxGroup);
        Gen<Integer> dim = integers().between(1, maxD);
        Gen<Integer> blocks = integers().between(1, maxBlocks);
        Gen<Long> seed = longs().all();
        Gen<Integer> tables = integers().between(0, 1);
        return in -> new Case(scheme.generate(in), group.generate(in), dim.generate(in), blocks.generate(in), seed.generate(in),
                tables.generate(in) == 1);
    }

    @Test
    void blockKernelsEqualScalarReference() {
        qt().withExamples(60).forAll(cases(17, 140, 3)).checkAssert(c -> {
            try (Arena arena = Arena.ofShared()) {
                check(arena, c);
            }
        });
    }

    /**
     * The int16 pair-table values against the float kernel on the same codes and probabilities:
     * each output within (0.5/1023 + 2⁻²⁰)·Σ_t |v̂_t,c| (p quantized to 1/1023, TernaryPairTables'
     * stated bound) plus float rounding.
     */
    @Test
    void tableValuesWithinStatedBoundOfFloatValues() {
        qt().withExamples(40).forAll(cases(17, 140, 3)).checkAssert(c -> {
            int scheme = c.schemeIx() % 2 == 0 ? 0 : 4; // vidkv or ternary: per-channel ternary values
            try (Arena arena = Arena.ofShared()) {
                int d = c.d();
                int group = c.group();
                var b = FusedAttentionSimdProperties.build(arena, c.seed(), scheme, 1, group, d, 32, 0, c.blocks() * 32 + 7);
                KvCacheSnapshot s = b.cache().snapshot();
                FusedBlock.ValuesLayout vl = FusedBlock.ValuesLayout.of(s.valueCodec(0));
                int ph = FusedBlock.paddedHeads(group);
                int stride = 32;
                Random r = new Random(c.seed());
                float[] p = new float[ph * stride];
                float[] v = new float[32 * d];
                FusedBlock tables = new FusedBlock(d, d, true);
                FusedBlock floats = new FusedBlock(d, d, false);
                for (long blk = 0; blk < s.quantizedBlocks(); blk++) {
                    for (int i = 0; i < p.length; i++) {
                        p[i] = r.nextInt(10) == 0 ? r.nextInt(2) : r.nextFloat();
                    }
                    float[] got = new float[ph * d];
                    float[] want = new float[ph * d];
                    tables.values(vl, s.valueCodes(0, blk), s.valueCodeOffset(0, blk), s.valueMeta(0, blk), s.valueMetaOffset(0, blk),
                            d, p, group, stride, got, 0);
                    floats.values(vl, s.valueCodes(0, blk), s.valueCodeOffset(0, blk), s.valueMeta(0, blk), s.valueMetaOffset(0, blk),
                            d, p, group, stride, want, 0);
                    s.dequantizeValueBlock(0, blk, v, 0);
                    for (int h = 0; h < group; h++) {
                        for (int ch = 0; ch < d; ch++) {
                            double mass = 0;
                            for (int t = 0; t < 32; t++) {
                                mass += Math.abs(v[t * d + ch]);
                            }
                            double bound = (0.5 / 1023 + 0x1p-20) * mass + 0x1p-18 * (1 + Math.abs(want[h * d + ch]));
                            double err = Math.abs(got[h * d + ch] - want[h * d + ch]);
                            if (err > bound) {
                                throw new AssertionError(SCHEMES[scheme] + " head " + h + " channel " + ch + " on " + VectorShapes.describe()
                                        + ": tables " + got[h * d + ch] + " vs float " + want[h * d + ch] + ", error " + err + " > bound " + bound);
                            }
                        }
                    }
                }
            }
        });
    }

    private static void check(Arena arena, Case c) {
        int d = c.d();
        int group = c.group();
        var b = FusedAttentionSimdProperties.build(arena, c.seed(), c.schemeIx(), 1, group, d, 32, 0, c.blocks() * 32 + 7);
        KvCacheSnapshot s = b.cache().snapshot();
        var kp = new KvTileDecoder.KeyPlan(s.keyCodec(0));
        FusedBlock.KeyLayout kl = FusedBlock.KeyLayout.of(kp);
        FusedBlock.ValuesLayout vl = FusedBlock.ValuesLayout.of(s.valueCodec(0));
        assertNotNull(kl, SCHEMES[c.schemeIx()] + " keys have a fused layout");
        assertNotNull(vl, SCHEMES[c.schemeIx()] + " values have a fused layout");
        int ph = FusedBlock.paddedHeads(group);
        int rows = kp.rows;
        Random r = new Random(c.seed() ^ 0x5DEECE66DL);
        float[] q = new float[ph * rows];
        for (int i = 0; i < group * rows; i++) {
            q[i] = (float) r.nextGaussian();
        }
        float[] qt = new float[FusedBlock.interleavedHeads(group) * rows];
        FusedBlock.interleaveQuery(q, 0, group, rows, qt, 0);
        int stride = 32;
        float[] p = new float[ph * stride];
        FusedBlock fb = new FusedBlock(rows, d, c.tables());
        for (long blk = 0; blk < s.quantizedBlocks(); blk++) {
            float[] got = new float[ph * stride];
            float[] want = new float[ph * stride];
            fb.keyScores(kl, s.keyCodes(0, blk), s.keyCodeOffset(0, blk), s.keyMeta(0, blk), s.keyMetaOffset(0, blk), qt, 0, group, got, stride);
            FusedBlockReference.keyScores(kl, s.keyCodes(0, blk), s.keyCodeOffset(0, blk), s.keyMeta(0, blk), s.keyMetaOffset(0, blk), q, 0, group, want, stride);
            for (int i = 0; i < group * stride; i++) {
                assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), SCHEMES[c.schemeIx()] + " score head "
                        + i / stride + " token " + i % stride + " on " + VectorShapes.describe() + ": " + got[i] + " vs " + want[i]);
            }
            for (int i = 0; i < p.length; i++) { // probabilities in [0, 1], some exactly 0 and 1
                p[i] = r.nextInt(10) == 0 ? r.nextInt(2) : r.nextFloat();
            }
            float[] accGot = new float[ph * d];
            for (int i = 0; i < accGot.length; i++) {
                accGot[i] = (float) r.nextGaussian();
            }
            float[] accWant = accGot.clone();
            fb.values(vl, s.valueCodes(0, blk), s.valueCodeOffset(0, blk), s.valueMeta(0, blk), s.valueMetaOffset(0, blk),
                    d, p, group, stride, accGot, 0);
            FusedBlockReference.values(vl, s.valueCodes(0, blk), s.valueCodeOffset(0, blk), s.valueMeta(0, blk), s.valueMetaOffset(0, blk),
                    d, p, group, stride, accWant, 0, c.tables());
            for (int i = 0; i < group * d; i++) {
                assertEquals(Float.floatToRawIntBits(accWant[i]), Float.floatToRawIntBits(accGot[i]), SCHEMES[c.schemeIx()] + " value head "
                        + i / d + " channel " + i % d + " on " + VectorShapes.describe() + ": " + accGot[i] + " vs " + accWant[i]);
            }
        }
    }

    /**
     * VidKV's salient rows kept block by block and summed in batches ({@link SalientRows}) equal
     * {@link FusedBlockReference#salientBatch} bit for bit: rows decoded by the codec, batches cut
     * where the next block's rows would pass 32 and at the end, each against the running max of its
     * moment (here: raised by every block, sometimes above its scores); a block's rows in one storage
     * chunk or spread over two.
     */
    @Test
    void salientBatchesEqualScalarReference() {
        qt().withExamples(40).forAll(cases(17, 140, 20)).checkAssert(c -> {
            int d = c.d();
            int group = c.group();
            try (Arena arena = Arena.ofShared()) {
                // one block per chunk (4 side rows) in half the tries (by the seed's low bit): a block's rows
                // then often span two chunks, the per-row copy path
                int blocksPerChunk = (c.seed() & 1) == 0 ? 1 : 64;
                var b = FusedAttentionSimdProperties.build(arena, c.seed(), 0, 1, group, d, 32, 0, c.blocks() * 32 + 7, blocksPerChunk);
                KvCacheSnapshot s = b.cache().snapshot();
                FusedBlock.ValuesLayout vl = FusedBlock.ValuesLayout.of(s.valueCodec(0));
                var q = vl.vidkv;
                Random r = new Random(c.seed());
                int stride = 32;
                float[] sc = new float[FusedBlock.paddedHeads(group) * stride];
                float[] m = new float[group];
                java.util.Arrays.fill(m, Float.NEGATIVE_INFINITY);
                float[] accGot = new float[group * d];
                for (int i = 0; i < accGot.length; i++) {
                    accGot[i] = (float) r.nextGaussian();
                }
                float[] accWant = accGot.clone();
                SalientRows sr = new SalientRows(d, group);
                float[][] rows = new float[32][d];
                float[][] score = new float[group][32];
                int n = 0;
                int kept = 0;
                for (long blk = 0; blk < s.quantizedBlocks(); blk++) {
                    for (int i = 0; i < sc.length; i++) {
                        sc[i] = (float) (3 * r.nextGaussian());
                    }
                    MemorySegment meta = s.valueMeta(0, blk);
                    long mo = s.valueMetaOffset(0, blk);
                    int ns = 0;
                    for (int t = 0; t < 32; t++) {
                        ns += q.isSalient(meta, mo, t) ? 1 : 0;
                    }
                    if (ns > 0 && n + ns > 32) {
                        FusedBlockReference.salientBatch(rows, n, score, m, group, d, accWant, 0);
                        n = 0;
                    }
                    sr.keep(q, meta, mo, s.valueRows(0), sc, stride, m, 0, accGot, 0);
                    long row = q.firstRow(meta, mo);
                    for (int t = 0; t < 32; t++) {
                        if (q.isSalient(meta, mo, t)) {
                            q.dequantizeSalientRow(s.valueRows(0), row++, rows[n], 0);
                            for (int h = 0; h < group; h++) {
                                score[h][n] = sc[h * stride + t];
                            }
                            n++;
                            kept++;
                        }
                    }
                    for (int h = 0; h < group; h++) { // the block's softmax step moves the running max
                        for (int t = 0; t < 32; t++) {
                            m[h] = Math.max(m[h], sc[h * stride + t] + (r.nextInt(4) == 0 ? r.nextFloat() : 0f));
                        }
                    }
                    assertEquals(n, sr.pending(), "rows kept after block " + blk);
                }
                FusedBlockReference.salientBatch(rows, n, score, m, group, d, accWant, 0);
                sr.flush(m, 0, accGot, 0);
                assertEquals(0, sr.pending(), "flush empties the buffer");
                for (int i = 0; i < accGot.length; i++) {
                    assertEquals(Float.floatToRawIntBits(accWant[i]), Float.floatToRawIntBits(accGot[i]), "salient rows (" + kept
                            + " kept) head " + i / d + " channel " + i % d + " on " + VectorShapes.describe() + ": " + accGot[i] + " vs " + accWant[i]);
                }
            }
        });
    }

    @Test
    void sameResultOnOneAndTwoThreads() {
        qt().withExamples(25).forAll(FusedAttentionSimdProperties.attnCases(9, 2, 96, 2, 1500)).checkAssert(c -> {
            int g = new int[] {32, 32, 16}[c.gIx()];
            try (Arena arena = Arena.ofShared(); KernelPool one = new KernelPool(1); KernelPool two = new KernelPool(2)) {
                var b = FusedAttentionSimdProperties.build(arena, c.seed(), c.schemeIx(), c.kvHeads(), c.group(), c.d(), g, c.residual(), c.tokens());
                float[] got1 = new float[b.q().length];
                float[] got2 = new float[b.q().length];
                QuantizedAttention a1 = new QuantizedAttention(b.cache(), b.queryHeads(), one);
                QuantizedAttention a2 = new QuantizedAttention(b.cache(), b.queryHeads(), two);
                a1.attend(b.q(), got1);
                a2.attend(b.q(), got2);
                assertArrayEquals(got1, got2, "1 vs 2 threads, " + SCHEMES[c.schemeIx()] + " g " + g + " on " + VectorShapes.describe());
                float[] again = new float[got2.length];
                a2.attend(b.q(), again);
                assertArrayEquals(got2, again, "the same step twice");
            }
        });
    }
}
