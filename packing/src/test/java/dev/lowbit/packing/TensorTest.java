package dev.lowbit.packing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.packing.format.Fp16;
import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;

class TensorTest {
    @Test
    void viewsShareMemoryAndIndexCorrectly() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.allocate(arena, DType.F32, 3, 4, 5);
            assertEquals(0, t.segment().address() % Tensor.ALIGNMENT);
            for (long i = 0; i < t.elementCount(); i++) {
                t.setFlat(i, i);
            }
            assertEquals(2 * 20 + 3 * 5 + 4, t.get(2, 3, 4));
            Tensor s = t.select(0, 1).slice(1, 2, 5);     // [4, 3], row-major strides kept
            assertArrayEquals(new long[] {4, 3}, s.shape());
            assertEquals(20 + 2 * 5 + 3, s.get(2, 1));
            Tensor tr = s.transpose(0, 1);
            assertEquals(s.get(3, 2), tr.get(2, 3));
            assertFalse(tr.isContiguous());
            tr.set(-1f, 0, 0);                              // writes through to the base tensor
            assertEquals(-1f, t.get(1, 0, 2));
            Tensor r = t.reshape(12, 5);
            assertEquals(t.get(2, 3, 4), r.get(11, 4));
            assertThrows(IllegalStateException.class, () -> tr.reshape(12));
            assertThrows(IndexOutOfBoundsException.class, () -> t.get(3, 0, 0));
            assertThrows(IllegalArgumentException.class, () -> t.get(0, 0));
        }
    }

    @Test
    void f16TensorsRoundToNearestEven() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor h = Tensor.allocate(arena, DType.F16, 2);
            h.set(1.0009765625f + 0.0001f, 0);
            assertEquals(Fp16.round(1.0009765625f + 0.0001f), h.get(0));
            assertEquals(2, h.copy(arena, DType.F32).toFloatArray().length);
        }
    }

    @Test
    void shapesThatOverflowAreRefused() {
        var e = assertThrows(IllegalArgumentException.class, () -> Shapes.elementCount(1L << 40, 1L << 40));
        assertTrue(e.getMessage().contains("overflows"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Shapes.elementCount(3, -1));
    }

    @Test
    void fp16DirectedRoundingBracketsTheValue() {
        float[] vs = {0f, -0f, 1e-8f, -1e-8f, 0.1f, -0.1f, 3.14159f, -65504f, 65504f, 1000.3f};
        for (float v : vs) {
            assertTrue(Fp16.decode(Fp16.encodeDown(v)) <= v, "down " + v);
            assertTrue(Fp16.decode(Fp16.encodeUp(v)) >= v, "up " + v);
        }
    }
}
