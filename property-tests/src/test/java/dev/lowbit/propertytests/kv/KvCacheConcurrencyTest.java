package dev.lowbit.propertytests.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.kernels.kv.KvCacheSnapshot;
import dev.lowbit.kernels.kv.KvScheme;
import dev.lowbit.kernels.kv.QuantizedKvCache;
import dev.lowbit.kernels.kv.ReferenceAttention;
import dev.lowbit.packing.kv.SalientTokens;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** One writer appends while readers take snapshots: every snapshot is a consistent prefix. */
class KvCacheConcurrencyTest {

    @ParameterizedTest
    @ValueSource(strings = {"vidkv", "kivi2", "int1"})
    void readersSeeConsistentPrefixesWhileAWriterAppends(String schemeName) throws Exception {
        int heads = 2;
        int d = 16;
        int g = 8;
        int r = 12;
        int tokens = 700;
        float[] k = KvData.random(11, heads, tokens, d);
        float[] v = KvData.random(12, heads, tokens, d);
        SalientTokens sal = SalientTokens.of(3, 40, 41, 42, 200, 333, 500, 650);
        KvScheme scheme = KvScheme.parse(schemeName);
        try (Arena arena = Arena.ofShared()) {
            QuantizedKvCache ref = QuantizedKvCache.builder(heads, d).scheme(scheme).groupSize(g).residual(r).salient(sal).build(arena);
            ref.append(k, v, tokens);
            float[][] refK = new float[heads][];
            float[][] refV = new float[heads][];
            for (int h = 0; h < heads; h++) {
                refK[h] = ref.snapshot().keys(h);
                refV[h] = ref.snapshot().values(h);
            }
            QuantizedKvCache cache = QuantizedKvCache.builder(heads, d).scheme(scheme).groupSize(g).residual(r).salient(sal)
                    .blocksPerChunk(2).build(arena);
            AtomicBoolean done = new AtomicBoolean();
            ExecutorService pool = Executors.newFixedThreadPool(3);
            try {
                List<Future<Integer>> readers = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    readers.add(pool.submit(() -> {
                        int checked = 0;
                        long last = 0;
                        float[] q = new float[heads * d];
                        float[] out = new float[heads * d];
                        java.util.Arrays.fill(q, 0.01f);
                        while (!done.get() || checked == 0) {
                            KvCacheSnapshot s = cache.snapshot();
                            long n = s.tokens();
                            assertTrue(n >= last, "token count went back from " + last + " to " + n);
                            last = n;
                            long blocks = n < r + g ? 0 : (n - r) / g;
                            assertEquals(blocks, s.quantizedBlocks(), "blocks at " + n + " tokens");
                            for (int h = 0; h < heads; h++) {
                                float[] kk = s.keys(h);
                                float[] vv = s.values(h);
                                for (int i2 = 0; i2 < kk.length; i2++) {
                                    boolean packed = i2 < s.quantizedTokens() * d;
                                    float ek = packed ? refK[h][i2] : k[h * tokens * d + i2];
                                    float ev = packed ? refV[h][i2] : v[h * tokens * d + i2];
                                    if (Float.floatToIntBits(ek) != Float.floatToIntBits(kk[i2])
                                            || Float.floatToIntBits(ev) != Float.floatToIntBits(vv[i2])) {
                                        throw new AssertionError("inconsistent element " + i2 + " of head " + h + " at " + n + " tokens");
                                    }
                                }
                            }
                            if (n > 0) {
                                ReferenceAttention.decode(s, q, heads, out);
                            }
                            checked++;
                        }
                        return checked;
                    }));
                }
                Random rnd = new Random(3);
                for (int t = 0; t < tokens; ) {
                    int n = Math.min(tokens - t, 1 + rnd.nextInt(20));
                    cache.append(KvData.slice(k, heads, tokens, d, t, n), KvData.slice(v, heads, tokens, d, t, n), n);
                    t += n;
                    Thread.onSpinWait();
                }
                done.set(true);
                int total = 0;
                for (Future<Integer> f : readers) {
                    total += f.get();
                }
                assertTrue(total >= 2, "readers checked " + total + " snapshots");
                assertEquals(tokens, cache.tokens());
            } finally {
                done.set(true);
                pool.shutdownNow();
            }
        }
    }
}
