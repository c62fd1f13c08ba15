package dev.lowbit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.kernels.parallel.KernelPool;
import dev.lowbit.kernels.parallel.RowPool;
import dev.lowbit.kernels.kv.KvScheme;
import java.lang.foreign.Arena;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The lowbit backends wired into the real model: exact where nothing is quantized, close where it is. */
class LowBitBackendsTest {
    private static final List<String> SENTENCES = List.of("The train to Berlin leaves at nine.", "How do I reset my password?",
            "Astronomers discovered a planet orbiting a distant star, far beyond our own solar system.");

    private static E5Model model;
    private static BertConfig cfg;
    private static RowPool rows;
    private static KernelPool attn;
    private static Arena arena;
    private static float[][] reference;

    @BeforeAll
    static void setUp() {
        model = E5Model.get();
        cfg = model.weights().config();
        rows = new RowPool(2);
        attn = new KernelPool(2);
        arena = Arena.ofShared();
        reference = embed(WeightFormat.FP32, new Fp32Attention(cfg.heads(), cfg.headDim()));
    }

    @AfterAll
    static void tearDown() {
        rows.close();
        attn.close();
        arena.close();
    }

    private static float[][] embed(WeightFormat w, AttentionBackend a) {
        BertEncoder enc = new BertEncoder(model.weights(), w, a, arena, rows);
        float[][] e = new float[SENTENCES.size()][];
        for (int i = 0; i < e.length; i++) {
            e[i] = enc.embed(model.tokens(SENTENCES.get(i)));
        }
        return e;
    }

    private static double minCosine(float[][] e) {
        double min = 1;
        for (int i = 0; i < e.length; i++) {
            min = Math.min(min, Metrics.cosine(e[i], reference[i]));
        }
        return min;
    }

    @Test
    void fusedKernelOnAnUnquantizedCacheEqualsFp32Attention() {
        // G = 512 > every sentence, R = 0: every token stays in the FP32 residual window of the cache
        LowBitAttention a = new LowBitAttention(KvScheme.kivi2(), cfg.heads(), cfg.headDim(), 512, attn);
        double min = minCosine(embed(WeightFormat.FP32, a));
        assertEquals(0.0, a.stats().quantizedFraction());
        assertEquals(32.0, a.stats().bitsPerElement(), 1e-9);
        assertTrue(min >= 0.99999, "cosine " + min);
    }

    @Test
    void oneGroupPerSentenceQuantizesEveryToken() {
        LowBitAttention a = new LowBitAttention(KvScheme.kivi2(), cfg.heads(), cfg.headDim(), 0, attn);
        double min = minCosine(embed(WeightFormat.FP32, a));
        assertEquals(1.0, a.stats().quantizedFraction());
        assertTrue(a.stats().bitsPerElement() > 2 && a.stats().bitsPerElement() < 8, "kv bits " + a.stats().bitsPerElement());
        assertTrue(min >= 0.95 && min < 0.99999, "KIVI-2 cosine " + min + " (quantization must change something, not much)");
    }

    @Test
    void fixedGroupLeavesTheTailInFp32() {
        LowBitAttention a = new LowBitAttention(KvScheme.plain("int2", dev.lowbit.packing.format.PackedFormat.INT2),
                cfg.heads(), cfg.headDim(), 8, attn);
        embed(WeightFormat.FP32, a);
        int tokens = 0;
        int quantized = 0;
        for (String s : SENTENCES) {
            int n = model.tokens(s).length;
            tokens += n;
            quantized += n - n % 8;
        }
        assertEquals((double) quantized / tokens, a.stats().quantizedFraction(), 1e-12);
    }

    @Test
    void bitmod4WeightsOnTheLowBitGemv() {
        BertEncoder enc = new BertEncoder(model.weights(), WeightFormat.BITMOD4, new Fp32Attention(cfg.heads(), cfg.headDim()), arena, rows);
        // 4-bit codes + 16 bits of scale and type per group of 128
        assertEquals(4 + 16.0 / 128, enc.weightBitsPerElement(), 1e-9);
        double min = 1;
        for (int i = 0; i < SENTENCES.size(); i++) {
            min = Math.min(min, Metrics.cosine(enc.embed(model.tokens(SENTENCES.get(i))), reference[i]));
        }
        assertTrue(min >= 0.97 && min < 0.99999, "BitMoD-4 cosine " + min);
    }
}
