package dev.lowbit.propertytests.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.kernels.attention.AttentionShape;
import dev.lowbit.kernels.attention.DenseAttention;
import dev.lowbit.kernels.attention.DenseKvCache;
import dev.lowbit.kernels.parallel.KernelPool;
import dev.lowbit.kernels.attention.QuantizedAttention;
import dev.lowbit.kernels.decode.GroupDecoder;
import dev.lowbit.kernels.gemv.BitPlaneGemv;
import dev.lowbit.kernels.gemv.LowBitGemv;
import dev.lowbit.kernels.parallel.RowPool;
import dev.lowbit.kernels.kv.KvCacheSnapshot;
import dev.lowbit.kernels.kv.KvScheme;
import dev.lowbit.kernels.kv.QuantizedKvCache;
import dev.lowbit.kernels.kv.ReferenceAttention;
import dev.lowbit.packing.DType;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import java.lang.foreign.Arena;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Lifetimes through the kernels: SIMD GEMV, bit-plane GEMV, SIMD group decoding, dense and
 * quantized-cache attention given memory of a closed arena throw {@link IllegalStateException};
 * confined memory reached from a kernel pool's worker threads gives a clear error on the caller;
 * and the pools still compute correct results afterwards.
 */
class KernelLifetimeTest {
    private static final int ROWS = 64;
    private static final int COLS = 256;

    static void assertClosed(Executable e) {
        IllegalStateException ex = assertThrows(IllegalStateException.class, e);
        assertTrue(Groups.oneLine(ex.getMessage()), String.valueOf(ex.getMessage()));
    }

    static QuantizedTensor weights(Arena arena, PackedFormat f, long seed) {
        return QuantizedTensor.quantize(LifetimeTest.random(arena, ROWS, COLS, seed), f, GroupAxis.TOKEN, 128, arena);
    }

    static float[] x() {
        Random rnd = new Random(9);
        float[] x = new float[COLS];
        for (int i = 0; i < COLS; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        return x;
    }

    @Test
    void gemvKernelsOnAClosedArenaThrowIllegalState() {
        for (PackedFormat f : new PackedFormat[] {PackedFormat.TERNARY2, PackedFormat.INT2, PackedFormat.BITMOD3, PackedFormat.BITMOD4}) {
            Arena arena = Arena.ofShared(); // shared: pool workers may touch it, and closed must read as closed
            LowBitGemv gemv = new LowBitGemv(weights(arena, f, 1));
            BitPlaneGemv planes = f.name().startsWith("BITMOD") ? new BitPlaneGemv(gemv.weights(), arena) : null;
            QuantizedTensor w = gemv.weights();
            arena.close();
            float[] y = new float[ROWS];
            assertClosed(() -> gemv.multiply(x(), y));
            try (RowPool pool = new RowPool(2)) {
                assertClosed(() -> gemv.multiply(x(), y, pool));
                if (planes != null) {
                    assertClosed(() -> planes.multiply(x(), y, pool));
                }
            }
            if (planes != null) {
                assertClosed(() -> planes.multiply(x(), y));
            }
            if (planes == null) {
                assertClosed(() -> GroupDecoder.SIMD.decode(w, 0, 4, new float[4 * 128], 0));
            }
        }
    }

    /**
     * A failed multiply must leave the row pool usable: the next call on the same pool computes
     * the same result as a single-threaded call. Repeated, because the failure is a race between
     * the caller's slice and the worker's. Bounded in time: the bug this guards against is a hang.
     *
     * <p>Guards a bug found here (fixed in RowPool, commit 00fd304; RowPool now runs on KernelPool): when the caller's own slice
     * threw, {@code run} returned while the worker still ran the failed task with {@code pending}
     * still counting it; the worker's late decrement consumed the next call's count, so that call
     * returned before the worker's rows were computed, rethrew the old failure ("Already closed"
     * from a live kernel), or waited forever for {@code pending} (then −1) to reach 0.
     */
    @Test
    void aRowPoolComputesCorrectlyAfterAFailedCall() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), this::rowPoolAfterFailure,
                "RowPool hung after a failed call (caller slice threw while the worker still ran)");
    }

    private void rowPoolAfterFailure() {
        try (Arena live = Arena.ofShared(); RowPool pool = new RowPool(2)) {
            LowBitGemv good = new LowBitGemv(weights(live, PackedFormat.INT2, 2));
            Arena dead = Arena.ofShared();
            LowBitGemv bad = new LowBitGemv(weights(dead, PackedFormat.INT2, 3));
            dead.close();
            for (int i = 0; i < 5000; i++) {
                float[] y = new float[ROWS];
                assertClosed(() -> bad.multiply(x(), y, pool));
                // Compared with a tolerance: while the JIT moves between tiers the SIMD reduction order
                // (and so the last bits) can differ between two calls. The bug leaves whole rows stale (NaN here).
                float[] expected = new float[ROWS];
                good.multiply(x(), expected);
                float[] y2 = new float[ROWS];
                java.util.Arrays.fill(y2, Float.NaN);
                good.multiply(x(), y2, pool);
                for (int r = 0; r < ROWS; r++) {
                    float tol = 1e-4f * Math.max(1, Math.abs(expected[r]));
                    if (!(Math.abs(y2[r] - expected[r]) <= tol)) {
                        throw new AssertionError("round " + i + ": after a failed call the pool computed y[" + r + "] = " + y2[r]
                                + ", one thread computes " + expected[r]);
                    }
                }
            }
        }
    }

    /**
     * The same RowPool bug made deterministic with a plain task: the caller's slice fails at once
     * while the worker's slice is still busy; the next call on the pool must still run every row.
     */
    @Test
    void aRowPoolWaitsForItsWorkerWhenTheCallersSliceFails() {
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            try (RowPool pool = new RowPool(2)) {
                java.util.concurrent.CountDownLatch workerBusy = new java.util.concurrent.CountDownLatch(1);
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> pool.run(2, 1, (r0, r1) -> {
                    try {
                        if (r0 == 0) {
                            workerBusy.await(2, java.util.concurrent.TimeUnit.SECONDS);
                            throw new IllegalStateException("the caller's slice fails");
                        }
                        workerBusy.countDown();
                        Thread.sleep(100); // the worker's slice is still running when the caller's fails
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                }));
                assertTrue(e.getMessage().contains("caller's slice"), e.getMessage());
                boolean[] ran = new boolean[2];
                pool.run(2, 1, (r0, r1) -> {
                    for (int r = r0; r < r1; r++) {
                        ran[r] = true;
                    }
                });
                assertTrue(ran[0] && ran[1], "the call after a failure returned before row 1 ran: " + java.util.Arrays.toString(ran));
            }
        }, "RowPool hung after a failed call");
    }

    @Test
    void confinedWeightsThroughARowPoolGiveAClearError() {
        try (Arena arena = Arena.ofConfined(); RowPool pool = new RowPool(2)) {
            LowBitGemv gemv = new LowBitGemv(weights(arena, PackedFormat.TERNARY2, 4));
            float[] y = new float[ROWS];
            RuntimeException e = assertThrows(RuntimeException.class, () -> gemv.multiply(x(), y, pool));
            // refused up front (IllegalStateException naming the confined arena) or by the FFM API on a worker
            assertTrue(e instanceof WrongThreadException || e.getCause() instanceof WrongThreadException
                    || (e instanceof IllegalStateException && e.getMessage().contains("confined")),
                    "expected a clear confined-arena error, got " + e);
            assertTrue(Groups.oneLine(e.getMessage()), e.getMessage());
            // the same kernel on the owner thread alone still works
            float[] y1 = new float[ROWS];
            gemv.multiply(x(), y1);
            assertTrue(Float.isFinite(y1[0]));
        }
    }

    @Test
    void denseAttentionOnAClosedOrConfinedCacheFailsClearly() {
        AttentionShape shape = new AttentionShape(4, 2, 32);
        float[] k = new float[2 * 32];
        float[] v = new float[2 * 32];
        java.util.Arrays.fill(k, 0.5f);
        java.util.Arrays.fill(v, 0.25f);
        try (KernelPool pool = new KernelPool(2)) {
            Arena arena = Arena.ofConfined();
            DenseKvCache cache = DenseKvCache.allocate(arena, shape, DType.F32, 4096);
            for (int t = 0; t < 3000; t++) {
                cache.append(k, v);
            }
            // a confined cache with a multi-threaded pool is refused up front, naming the fix
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new DenseAttention(cache, pool));
            assertTrue(e.getMessage().contains("confined"), e.getMessage());
            DenseAttention att;
            try (KernelPool one = new KernelPool(1)) {
                att = new DenseAttention(cache, one);
            }
            float[] q = new float[4 * 32];
            float[] out = new float[4 * 32];
            // read from another thread: WrongThreadException, not garbage
            Throwable wrong = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    cache.append(k, v);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            }).join();
            assertTrue(wrong instanceof WrongThreadException, "got " + wrong);
            arena.close();
            assertClosed(() -> att.attend(q, out));
            assertClosed(() -> cache.append(k, v));
            // the pool still works on a live cache
            try (Arena shared = Arena.ofShared()) {
                DenseKvCache c2 = DenseKvCache.allocate(shared, shape, DType.F32, 4096);
                for (int t = 0; t < 3000; t++) {
                    c2.append(k, v);
                }
                new DenseAttention(c2, pool).attend(q, out);
                for (float o : out) {
                    assertTrue(Math.abs(o - 0.25f) < 1e-5f, "attention over constant values is that value, got " + o);
                }
            }
        }
    }

    @Test
    void quantizedKvCacheOnAClosedArenaThrowsIllegalState() {
        for (String name : KvScheme.NAMES) {
            Arena arena = Arena.ofConfined();
            QuantizedKvCache cache = QuantizedKvCache.builder(2, 16).scheme(KvScheme.parse(name)).groupSize(8).residual(8).build(arena);
            float[] kv = new float[2 * 40 * 16];
            for (int i = 0; i < kv.length; i++) {
                kv[i] = (float) Math.sin(i);
            }
            cache.append(kv, kv, 40);
            KvCacheSnapshot s = cache.snapshot();
            arena.close();
            float[] q = new float[4 * 16];
            assertClosed(() -> s.keys(0));
            assertClosed(() -> ReferenceAttention.decode(s, q, 4, new float[4 * 16]));
            if (!name.equals("int2")) { // no fused kernel for every scheme name: only those it accepts
                try (KernelPool one = new KernelPool(1)) {
                    QuantizedAttention fused;
                    try {
                        fused = new QuantizedAttention(cache, 4, one);
                    } catch (IllegalArgumentException unsupported) {
                        fused = null;
                    }
                    if (fused != null) {
                        QuantizedAttention f = fused;
                        assertClosed(() -> f.attend(q, new float[4 * 16]));
                    }
                }
            }
            // the next append quantizes a block into the closed arena: refused, the published state unchanged
            assertClosed(() -> cache.append(kv, kv, 40));
            assertTrue(cache.tokens() == 40, name + ": a failed append changed the token count to " + cache.tokens());
        }
    }
}
