package dev.lowbit.propertytests.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.kernels.parallel.KernelPool;
import dev.lowbit.kernels.attention.QuantizedAttention;
import dev.lowbit.kernels.kv.KvCacheSnapshot;
import dev.lowbit.kernels.kv.KvScheme;
import dev.lowbit.kernels.kv.QuantizedKvCache;
import dev.lowbit.kernels.kv.ReferenceAttention;
import dev.lowbit.packing.kv.SalientTokens;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Several reader threads run GQA attention (the scalar reference on snapshots, and the fused
 * SIMD {@link QuantizedAttention} kernel) while one writer appends
 * tokens in random chunk sizes, bounded in time. Checked: token counts never go back; every
 * attention output a reader computed at n tokens equals, bit for bit, the output of a cache
 * built in one batch from the first n tokens (so each read saw a consistent prefix, neither torn
 * nor stale); every fused-kernel output at n tokens is within float tolerance of that reference;
 * and the final cache equals the batch-built cache in every packed byte and every
 * decoded value.
 */
class KvCacheConcurrencyReliabilityTest {
    private static final int KV_HEADS = 2;
    private static final int Q_HEADS = 4; // GQA: two query heads per KV head
    private static final int D = 16;
    private static final int G = 8;
    private static final int R = 16;
    private static final int TOKENS = 600;

    static float[] data(long seed, int n) {
        Random rnd = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextGaussian() * (1 + (i % D) * 0.3));
        }
        return x;
    }

    /** Tokens [0, n) of [heads][TOKENS][D] data as [heads][n][D]. */
    static float[] prefix(float[] x, int n) {
        float[] out = new float[KV_HEADS * n * D];
        for (int h = 0; h < KV_HEADS; h++) {
            System.arraycopy(x, h * TOKENS * D, out, h * n * D, n * D);
        }
        return out;
    }

    static QuantizedKvCache.Builder builder(KvScheme scheme) {
        return QuantizedKvCache.builder(KV_HEADS, D).scheme(scheme).groupSize(G).residual(R)
                .salient(SalientTokens.of(5, 40, 41, 300, 301, 302));
    }

    @ParameterizedTest
    @ValueSource(strings = {"vidkv", "kivi2", "int1", "ternary"})
    void readersRunAttentionWhileAWriterAppends(String schemeName) {
        assertTimeoutPreemptively(Duration.ofSeconds(60), () -> run(KvScheme.parse(schemeName)));
    }

    private void run(KvScheme scheme) throws Exception {
        float[] k = data(1, KV_HEADS * TOKENS * D);
        float[] v = data(2, KV_HEADS * TOKENS * D);
        float[] q = data(3, Q_HEADS * D);
        Map<Long, float[]> seen = new ConcurrentHashMap<>();
        List<FusedRead> fusedSeen = java.util.Collections.synchronizedList(new ArrayList<>());
        try (Arena arena = Arena.ofShared()) {
            QuantizedKvCache cache = builder(scheme).blocksPerChunk(3).build(arena);
            AtomicBoolean done = new AtomicBoolean();
            CountDownLatch ready = new CountDownLatch(3);
            java.util.concurrent.atomic.AtomicInteger fusedReads = new java.util.concurrent.atomic.AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<Integer>> readers = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    readers.add(pool.submit(() -> {
                        long last = 0;
                        int reads = 0;
                        float[] out = new float[Q_HEADS * D];
                        float[] fusedOut = new float[Q_HEADS * D];
                        KernelPool one = new KernelPool(1);
                        QuantizedAttention fused = new QuantizedAttention(cache, Q_HEADS, one);
                        ready.countDown();
                        while (!done.get()) {
                            // the SIMD fused kernel takes its own snapshot at some n in [n0, n1]
                            long n0 = cache.snapshot().tokens();
                            if (n0 > 0) {
                                fused.attend(q, fusedOut);
                                long n1 = cache.snapshot().tokens();
                                fusedSeen.add(new FusedRead(n0, n1, fusedOut.clone()));
                                fusedReads.incrementAndGet();
                            }
                            KvCacheSnapshot s = cache.snapshot();
                            long n = s.tokens();
                            if (n < last) {
                                throw new AssertionError("token count went back from " + last + " to " + n);
                            }
                            last = n;
                            if (n > 0) {
                                ReferenceAttention.decode(s, q, Q_HEADS, out);
                                float[] prev = seen.putIfAbsent(n, out.clone());
                                if (prev != null && !java.util.Arrays.equals(prev, out)) {
                                    throw new AssertionError("two reads of the same " + n + "-token prefix gave different attention");
                                }
                                reads++;
                            }
                        }
                        return reads;
                    }));
                }
                ready.await();
                Random rnd = new Random(4);
                int appends = 0;
                for (int t = 0; t < TOKENS; ) {
                    int n = Math.min(TOKENS - t, 1 + rnd.nextInt(24));
                    float[] kk = new float[KV_HEADS * n * D];
                    float[] vv = new float[KV_HEADS * n * D];
                    for (int h = 0; h < KV_HEADS; h++) {
                        System.arraycopy(k, (h * TOKENS + t) * D, kk, h * n * D, n * D);
                        System.arraycopy(v, (h * TOKENS + t) * D, vv, h * n * D, n * D);
                    }
                    cache.append(kk, vv, n);
                    t += n;
                    Thread.sleep(1); // let the readers interleave (2 cores, 4 threads)
                    if (++appends % 3 == 0) {
                        // the fused kernel is slow until the JIT compiles it: now and then let one of its reads finish
                        int before = fusedReads.get();
                        long deadline = System.nanoTime() + 500_000_000L;
                        while (fusedReads.get() == before && System.nanoTime() < deadline) {
                            Thread.sleep(1);
                        }
                    }
                }
                done.set(true);
                int reads = 0;
                for (Future<Integer> f : readers) {
                    reads += f.get();
                }
                assertTrue(reads > 0 && seen.size() > 1, "readers did not overlap the writer: " + reads + " reads");
            } finally {
                done.set(true);
                pool.shutdownNow();
            }

            // The final cache equals one built in one batch, byte for byte.
            QuantizedKvCache batch = builder(scheme).build(arena);
            batch.append(k, v, TOKENS);
            assertSameCache(batch.snapshot(), cache.snapshot());

            // Every attention output a reader saw equals the batch cache's at that prefix (sampled).
            TreeMap<Long, float[]> sorted = new TreeMap<>(seen);
            List<Long> ns = new ArrayList<>(sorted.keySet());
            for (int i = 0; i < ns.size(); i += Math.max(1, ns.size() / 12)) {
                long n = ns.get(i);
                QuantizedKvCache ref = builder(scheme).build(arena);
                ref.append(prefix(k, (int) n), prefix(v, (int) n), (int) n);
                float[] expected = new float[Q_HEADS * D];
                ReferenceAttention.decode(ref.snapshot(), q, Q_HEADS, expected);
                assertArrayEquals(expected, sorted.get(n), "attention read at " + n + " tokens is not that of the " + n + "-token prefix");
            }
            // The fused SIMD kernel's reads: each is within float tolerance of the reference attention
            // of some prefix n in [n0, n1] (the tokens before and after its call).
            List<FusedRead> reads;
            synchronized (fusedSeen) {
                reads = fusedSeen.stream().filter(r -> r.n1() - r.n0() <= 60).toList();
            }
            assertTrue(!reads.isEmpty(), "no fused read completed within 60 tokens of appends");
            Map<Long, float[]> refCache = new java.util.HashMap<>();
            for (int i = 0; i < reads.size(); i += Math.max(1, reads.size() / 8)) {
                FusedRead r = reads.get(i);
                boolean matched = false;
                StringBuilder tried = new StringBuilder();
                for (long n = r.n0(); n <= r.n1() && !matched; n++) {
                    float[] expected = refCache.computeIfAbsent(n, m -> {
                        QuantizedKvCache ref = builder(scheme).build(arena);
                        ref.append(prefix(k, (int) (long) m), prefix(v, (int) (long) m), (int) (long) m);
                        float[] e = new float[Q_HEADS * D];
                        ReferenceAttention.decode(ref.snapshot(), q, Q_HEADS, e);
                        return e;
                    });
                    matched = true;
                    for (int j = 0; j < expected.length && matched; j++) {
                        matched = Math.abs(r.out()[j] - expected[j]) <= 1e-3f * (1 + Math.abs(expected[j]));
                    }
                    tried.append(n).append(' ');
                }
                assertTrue(matched, "fused attention read between " + r.n0() + " and " + r.n1()
                        + " tokens matches no prefix's reference attention (tried " + tried + ")");
            }
        }
    }

    /** A fused-kernel read: the tokens published before and after the call, and its output. */
    record FusedRead(long n0, long n1, float[] out) {}

    static void assertSameCache(KvCacheSnapshot a, KvCacheSnapshot b) {
        assertEquals(a.tokens(), b.tokens());
        assertEquals(a.quantizedBlocks(), b.quantizedBlocks());
        assertEquals(a.payloadBytes(), b.payloadBytes());
        assertEquals(a.metadataBytes(), b.metadataBytes());
        for (int h = 0; h < a.kvHeads(); h++) {
            for (long blk = 0; blk < a.quantizedBlocks(); blk++) {
                assertSameBytes(a.keyCodes(h, blk), a.keyCodeOffset(h, blk), b.keyCodes(h, blk), b.keyCodeOffset(h, blk),
                        a.keyCodec(h).codeBytes(), "key codes of head " + h + " block " + blk);
                assertSameBytes(a.keyMeta(h, blk), a.keyMetaOffset(h, blk), b.keyMeta(h, blk), b.keyMetaOffset(h, blk),
                        a.keyCodec(h).metaBytes(), "key metadata of head " + h + " block " + blk);
                assertSameBytes(a.valueCodes(h, blk), a.valueCodeOffset(h, blk), b.valueCodes(h, blk), b.valueCodeOffset(h, blk),
                        a.valueCodec(h).codeBytes(), "value codes of head " + h + " block " + blk);
                assertSameBytes(a.valueMeta(h, blk), a.valueMetaOffset(h, blk), b.valueMeta(h, blk), b.valueMetaOffset(h, blk),
                        a.valueCodec(h).metaBytes(), "value metadata of head " + h + " block " + blk);
            }
            assertArrayEquals(a.keys(h), b.keys(h), "decoded keys of head " + h);
            assertArrayEquals(a.values(h), b.values(h), "decoded values of head " + h);
        }
    }

    private static void assertSameBytes(MemorySegment a, long aOff, MemorySegment b, long bOff, int len, String what) {
        assertEquals(-1, MemorySegment.mismatch(a, aOff, aOff + len, b, bOff, bOff + len), what);
    }
}
