package dev.lowbit.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.kernels.attention.DecodeAttention;
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
import dev.lowbit.packing.io.PackedFile;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's "Use it from your runtime" examples, compiled and run as written there. */
class ReadmeExamplesTest {
    @TempDir
    Path dir;

    @Test
    void quantizedKvCacheWithFusedAttention() {
        Random rnd = new Random(1);
        // --- README example 1 ---
        try (Arena arena = Arena.ofShared(); KernelPool pool = new KernelPool(2)) {
            QuantizedKvCache cache = QuantizedKvCache.builder(4, 128)      // 4 KV heads, head dim 128
                    .scheme(KvScheme.vidkv()).groupSize(32).residual(128).build(arena);
            float[] k = new float[4 * 128];                                 // one token, head-major
            float[] v = new float[4 * 128];
            for (int t = 0; t < 1000; t++) {
                for (int i = 0; i < k.length; i++) {
                    k[i] = (float) rnd.nextGaussian();
                    v[i] = (float) rnd.nextGaussian();
                }
                cache.appendToken(k, v);                                    // blocks of 32 are packed once
            }
            DecodeAttention attention = new QuantizedAttention(cache, 28, pool); // 28 query heads (GQA 7:1)
            float[] q = new float[28 * 128];
            float[] out = new float[28 * 128];
            attention.attend(q, out);                                       // one decode step
            // --- end ---
            assertTrue(Float.isFinite(out[0]) && cache.snapshot().bitsPerElement() < 32);
        }
    }

    @Test
    void packedWeightsAndGemv() throws Exception {
        Random rnd = new Random(2);
        float[] weights = new float[512 * 1024];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) rnd.nextGaussian() * 0.02f;
        }
        float[] x = new float[1024];
        float[] y = new float[512];
        Path file = dir.resolve("w.lbq");
        // --- README example 2 ---
        try (Arena arena = Arena.ofShared(); RowPool pool = new RowPool(2)) {
            Tensor w = Tensor.of(arena, weights, 512, 1024);               // [out, in] float32
            QuantizedTensor packed = QuantizedTensor.quantize(w, PackedFormat.BITMOD4, GroupAxis.TOKEN, 128, arena);
            PackedFile.write(packed, file);                                 // checksummed, atomic
            QuantizedTensor mapped = PackedFile.map(file, arena);           // zero-copy, verified
            new LowBitGemv(mapped).multiply(x, y, pool);                    // y = W·x
        }
        // --- end ---
        assertTrue(Float.isFinite(y[0]));
    }
}
