package dev.lowbit.kernels.parallel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;

/** Every unit runs exactly once per call, failures reach the caller, a closed pool refuses work. */
class KernelPoolTest {

    @Test
    void runsEveryUnitOnceAcrossManyCalls() {
        try (KernelPool pool = new KernelPool(2)) {
            for (int call = 0; call < 200; call++) {
                int units = 1 + call % 37;
                AtomicIntegerArray seen = new AtomicIntegerArray(units);
                pool.run((u, w) -> {
                    seen.incrementAndGet(u);
                    if (w < 0 || w >= 2) {
                        throw new AssertionError("worker index " + w);
                    }
                }, units);
                for (int u = 0; u < units; u++) {
                    assertEquals(1, seen.get(u), "unit " + u + " of call " + call);
                }
            }
        }
    }

    @Test
    void unitFailureIsRethrownAndPoolStaysUsable() {
        try (KernelPool pool = new KernelPool(2)) {
            var e = assertThrows(IllegalArgumentException.class, () -> pool.run((u, w) -> {
                if (u == 5) {
                    throw new IllegalArgumentException("unit 5 failed");
                }
            }, 9));
            assertEquals("unit 5 failed", e.getMessage());
            AtomicIntegerArray seen = new AtomicIntegerArray(4);
            pool.run((u, w) -> seen.incrementAndGet(u), 4);
            assertEquals("[1, 1, 1, 1]", seen.toString());
        }
    }

    @Test
    void closedPoolAndBadSizesAreRefused() {
        KernelPool pool = new KernelPool(2);
        pool.close();
        var e = assertThrows(IllegalStateException.class, () -> pool.run((u, w) -> { }, 3));
        assertEquals("kernel pool is closed", e.getMessage());
        var e2 = assertThrows(IllegalArgumentException.class, () -> new KernelPool(0));
        assertEquals("threads must be in 1..1024, was 0", e2.getMessage());
    }
}
