package dev.lowbit.packing.kv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.packing.Tensor;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

class SalientTokensTest {

    @Test
    void explicitPositions() {
        SalientTokens s = SalientTokens.of(5, 1, 5, 40);
        assertArrayEquals(new int[] {1, 5, 40}, s.positions());
        assertTrue(s.contains(40));
        assertFalse(s.contains(2));
        assertFalse(s.contains(-1));
        assertThrows(IllegalArgumentException.class, () -> SalientTokens.of(-3));
    }

    @Test
    void keepCountRoundsToMultiplesOf32() {
        assertEquals(0, SalientTokens.keepCount(0.1, 100));   // 10 -> 0
        assertEquals(32, SalientTokens.keepCount(0.2, 100));  // 20 -> 32
        assertEquals(224, SalientTokens.keepCount(0.1, 2304)); // 230.4 -> 224
        assertEquals(96, SalientTokens.keepCount(1.0, 100));  // 100 -> 96
        assertEquals(128, SalientTokens.keepCount(1.0, 128));
        assertEquals(0, SalientTokens.keepCount(1.0, 10));    // round(10 / 32) = 0: fewer than 16 vision tokens keep none
    }

    @Test
    void picksTheVisionTokensMostAlignedWithTheMeanTextEmbedding() {
        try (Arena arena = Arena.ofConfined()) {
            int nv = 64;
            float[] vis = new float[nv * 2];
            for (int i = 0; i < nv; i++) {
                vis[2 * i] = i % 2 == 0 ? 1 + i : -1; // even tokens point along the text direction, growing
                vis[2 * i + 1] = 0.5f;
            }
            float[] txt = {2, 0, 0, 0}; // two text tokens; mean = (1, 0)
            SalientTokens s = SalientTokens.fromEmbeddings(Tensor.of(arena, vis, nv, 2), Tensor.of(arena, txt, 2, 2), 0.5, 10);
            assertEquals(32, s.count());
            for (int p : s.positions()) {
                assertEquals(0, (p - 10) % 2, "odd vision tokens point away from the text: " + p);
            }
            assertTrue(s.contains(10 + 62));
        }
    }

    @Test
    void refusesBadEmbeddings() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor v = Tensor.of(arena, new float[6], 3, 2);
            Tensor t3 = Tensor.of(arena, new float[3], 1, 3);
            assertThrows(IllegalArgumentException.class, () -> SalientTokens.fromEmbeddings(v, t3, 0.1, 0));
            Tensor t = Tensor.of(arena, new float[2], 1, 2);
            assertThrows(IllegalArgumentException.class, () -> SalientTokens.fromEmbeddings(v, t, 1.5, 0));
            Tensor bad = Tensor.of(arena, new float[] {Float.NaN, 0, 0, 0, 0, 0}, 3, 2);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> SalientTokens.fromEmbeddings(bad, Tensor.of(arena, new float[] {1, 1}, 1, 2), 0.5, 0));
            assertTrue(e.getMessage().contains("vision token 0"), e.getMessage());
        }
    }
}
