package dev.lowbit.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.kernels.parallel.KernelPool;
import dev.lowbit.kernels.attention.QuantizedAttention;
import dev.lowbit.kernels.gemv.LowBitGemv;
import dev.lowbit.kernels.parallel.RowPool;
import dev.lowbit.kernels.kv.KvScheme;
import dev.lowbit.kernels.kv.QuantizedKvCache;
import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

/**
 * The "Real model" README lines a runtime author copies (one attention layer of e5-small-v2 on a
 * lowbit KV cache, its value projection on the low-bit GEMV), compiled and run as written there,
 * and checked against the FP32 computation.
 */
class RuntimeWiringExampleTest {

    @Test
    void kvCacheAndGemvInAForwardPass() {
        BertWeights.Layer layer = E5Model.get().weights().layers()[0];
        float[] weightOutIn = layer.value().weight();
        int heads = 12;
        int headDim = 32;
        int tokens = 20;
        java.util.Random rnd = new java.util.Random(3);
        float[][] x = new float[tokens][384];
        float[][] k = new float[tokens][384];
        float[][] v = new float[tokens][384];
        for (int t = 0; t < tokens; t++) {
            for (int c = 0; c < 384; c++) {
                x[t][c] = (float) rnd.nextGaussian();
                k[t][c] = (float) rnd.nextGaussian();
                v[t][c] = (float) rnd.nextGaussian();
            }
        }
        float[] y = new float[384];
        float[][] out = new float[tokens][384];
        // --- README example (Real model) ---
        try (Arena arena = Arena.ofShared(); RowPool rowPool = new RowPool(2); KernelPool kernelPool = new KernelPool(2)) {
            // weights: pack a [out, in] matrix once (BitMoD-4, groups of 128 inputs), multiply per token
            QuantizedTensor w = QuantizedTensor.quantize(Tensor.of(arena, weightOutIn, 384, 384),
                    PackedFormat.BITMOD4, GroupAxis.TOKEN, 128, arena);
            LowBitGemv gemv = new LowBitGemv(w);
            gemv.multiply(x[0], y, rowPool);                              // y = W·x (add your bias)

            // attention: one cache per layer and sequence; K, V, q rows are [heads][headDim], head-major
            QuantizedKvCache cache = QuantizedKvCache.builder(heads, headDim)
                    .scheme(KvScheme.kivi2())                             // or KvScheme.vidkv()
                    .groupSize(tokens).residual(0)                        // encoder / prefill: quantize every token
                    .build(arena);                                        // decoder: groupSize(32).residual(128)
            for (int t = 0; t < tokens; t++) {
                cache.appendToken(k[t], v[t]);
            }
            QuantizedAttention attention = new QuantizedAttention(cache, heads, kernelPool);
            for (int t = 0; t < tokens; t++) {
                attention.attend(x[t], out[t]);                           // one decode step per query token
            }
        }
        // --- end ---
        float[] ref = new float[384];
        for (int r = 0; r < 384; r++) {
            ref[r] = Fp32Linear.dot(weightOutIn, r * 384, x[0], 384);
        }
        assertTrue(Metrics.cosine(y, ref) > 0.99, "GEMV vs FP32: " + Metrics.cosine(y, ref));
        float[][] exact = new float[tokens][384];
        new Fp32Attention(heads, headDim).attend(x, k, v, tokens, tokens, exact);
        // i.i.d. Gaussian K and V are the hard case for 2-bit groups (no channel structure to exploit):
        // a wiring check, not an accuracy figure (that is model-eval's, on the model's own K and V)
        double sum = 0;
        for (int t = 0; t < tokens; t++) {
            double c = Metrics.cosine(out[t], exact[t]);
            assertTrue(c > 0.8, "token " + t + ": " + c);
            sum += c;
        }
        assertTrue(sum / tokens > 0.9, "mean cosine " + sum / tokens);
    }
}
