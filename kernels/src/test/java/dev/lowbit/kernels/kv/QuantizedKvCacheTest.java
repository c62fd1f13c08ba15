package dev.lowbit.kernels.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QuantizedKvCacheTest {

    private static float[] gaussian(Random rnd, int n, double scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextGaussian() * scale);
        }
        return x;
    }

    @Test
    void residualWindowHoldsTheRecentTokensAndBlocksAreWhole() {
        try (Arena arena = Arena.ofConfined()) {
            int heads = 2;
            int d = 16;
            QuantizedKvCache c = QuantizedKvCache.builder(heads, d).scheme(KvScheme.kivi2()).groupSize(8).residual(10).build(arena);
            Random rnd = new Random(5);
            for (int t = 1; t <= 60; t++) {
                c.appendToken(gaussian(rnd, heads * d, 1), gaussian(rnd, heads * d, 1));
                KvCacheSnapshot s = c.snapshot();
                assertEquals(t, s.tokens());
                long expectedBlocks = t < 18 ? 0 : (t - 10) / 8;
                assertEquals(expectedBlocks, s.quantizedBlocks(), "t=" + t);
                assertTrue(s.residualTokens() >= Math.min(t, 10) && s.residualTokens() < 18, "residual " + s.residualTokens());
            }
        }
    }

    @Test
    void residualTokensAreExactAndBitsAreCounted() {
        try (Arena arena = Arena.ofConfined()) {
            int d = 32;
            Random rnd = new Random(6);
            float[] k = gaussian(rnd, 200 * d, 1);
            float[] v = gaussian(rnd, 200 * d, 1);
            QuantizedKvCache c = QuantizedKvCache.builder(1, d).scheme(KvScheme.kivi2()).build(arena);
            c.append(k, v, 200);
            KvCacheSnapshot s = c.snapshot();
            assertEquals(2, s.quantizedBlocks()); // 200 - 128 = 72 -> two blocks of 32 packed, 136 residual
            float[] kk = s.keys(0);
            for (int i = 64 * d; i < 200 * d; i++) {
                assertEquals(k[i], kk[i]);
            }
            // KIVI-2 packed part: 3.0 honest bits per element (2 code + 32-bit meta per 32).
            assertEquals(2 * 64 * d * 3 / 8, s.payloadBytes() + s.metadataBytes());
            assertEquals(136L * d * 8, s.residualBytes());
            assertEquals(2.0, s.payloadBitsPerElement(), 1e-12);
        }
    }

    @Test
    void badInputIsRefusedWithoutChangingTheCache() {
        try (Arena arena = Arena.ofConfined()) {
            QuantizedKvCache c = QuantizedKvCache.builder(2, 4).maxTokens(3).build(arena);
            float[] ok = new float[8];
            float[] nan = new float[8];
            nan[5] = Float.NaN;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.appendToken(ok, nan));
            assertTrue(e.getMessage().contains("V[head 1, token 0, channel 1]"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> c.appendToken(new float[7], ok));
            assertEquals(0, c.tokens());
            c.append(new float[24], new float[24], 3);
            assertThrows(IllegalStateException.class, () -> c.appendToken(ok, ok));
            assertArrayEquals(new float[12], c.snapshot().keys(0));
        }
    }
}
