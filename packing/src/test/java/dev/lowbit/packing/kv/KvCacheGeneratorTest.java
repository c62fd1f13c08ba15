package dev.lowbit.packing.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class KvCacheGeneratorTest {
    private static final KvCacheGenerator SMALL = new KvCacheGenerator(2, 32, 4, 20, 8, 16, 7);

    @Test
    void shapesFollowTheTokenSequence() {
        try (Arena arena = Arena.ofConfined()) {
            KvCacheGenerator.Cache c = SMALL.generate(arena);
            assertEquals(8 + 80 + 16, SMALL.tokens());
            assertArrayEquals(new long[] {2, 104, 32}, c.keys().shape());
            assertArrayEquals(new long[] {2, 104, 32}, c.values().shape());
            assertArrayEquals(new long[] {80, KvCacheGenerator.LATENT}, c.vision().shape());
            assertArrayEquals(new long[] {16, KvCacheGenerator.LATENT}, c.text().shape());
            assertArrayEquals(new long[] {2 * KvCacheGenerator.QUERY_GROUP, 16, 32}, c.queries().shape());
            assertEquals(8, c.visionStart());
        }
    }

    @Test
    void deterministicPerSeed() {
        try (Arena arena = Arena.ofConfined()) {
            float[] a = SMALL.generate(arena).keys().toFloatArray();
            float[] b = SMALL.generate(arena).keys().toFloatArray();
            float[] c = new KvCacheGenerator(2, 32, 4, 20, 8, 16, 8).generate(arena).keys().toFloatArray();
            assertArrayEquals(a, b);
            assertFalse(Arrays.equals(a, c));
        }
    }

    @Test
    void keysHaveOutlierChannelsAndValuesDoNot() {
        try (Arena arena = Arena.ofConfined()) {
            KvCacheGenerator g = new KvCacheGenerator(1, 128, 8, 64, 16, 32, 3);
            KvCacheGenerator.Cache c = g.generate(arena);
            double[] km = meanAbs(c.keys().toFloatArray(), g.tokens(), 128);
            double[] vm = meanAbs(c.values().toFloatArray(), g.tokens(), 128);
            // the 8th largest key channel (by mean |k|) is several times the median; values are far flatter
            double keySpread = km[127 - 8] / km[64];
            double valueSpread = vm[127 - 8] / vm[64];
            assertTrue(keySpread > 4, "key spread " + keySpread);
            assertTrue(keySpread > 2 * valueSpread, "key spread " + keySpread + " vs value spread " + valueSpread);
        }
    }

    /** Sorted per-channel mean |x|. */
    private static double[] meanAbs(float[] x, int tokens, int d) {
        double[] r = new double[d];
        for (int c = 0; c < d; c++) {
            for (int t = 0; t < tokens; t++) {
                r[c] += Math.abs(x[t * d + c]) / tokens;
            }
        }
        Arrays.sort(r);
        return r;
    }

    @Test
    void refusesBadShapes() {
        assertThrows(IllegalArgumentException.class, () -> new KvCacheGenerator(1, 31, 1, 1, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new KvCacheGenerator(0, 32, 1, 1, 0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> new KvCacheGenerator(1, 32, 1, 1, -1, 1, 0));
    }
}
