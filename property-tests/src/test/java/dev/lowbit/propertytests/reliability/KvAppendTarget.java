package dev.lowbit.propertytests.reliability;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import dev.lowbit.kernels.kv.KvCacheSnapshot;
import dev.lowbit.kernels.kv.KvScheme;
import dev.lowbit.kernels.kv.QuantizedKvCache;
import dev.lowbit.kernels.kv.ReferenceAttention;
import dev.lowbit.packing.kv.SalientTokens;
import java.lang.foreign.Arena;
import java.util.Arrays;

/**
 * Fuzz target of {@link QuantizedKvCache#append}: any scheme and geometry, then a sequence of
 * appends with arbitrary token counts, wrong array lengths, hostile floats (NaN, ±Inf, beyond
 * FP16, subnormals) and a small capacity. Checked after every call: a refused append
 * ({@link IllegalArgumentException} / {@link IllegalStateException}, one line) leaves the cache
 * exactly as it was; an accepted one adds its tokens, keeps the residual tokens bit-exact and
 * the decoded cache finite. At the end the streamed cache equals one built in a single batch from
 * the accepted tokens, and attention over it is finite.
 */
final class KvAppendTarget {
    private KvAppendTarget() {}

    static void append(FuzzedDataProvider d) {
        KvScheme scheme = KvScheme.parse(d.pickValue(KvScheme.NAMES));
        int heads = d.consumeInt(1, 3);
        int dim = d.consumeInt(1, 20);
        int g = d.consumeInt(1, 12);
        int r = d.consumeInt(0, 20);
        long cap = d.consumeBoolean() ? Long.MAX_VALUE : d.consumeLong(0, 200);
        int[] salient = new int[d.consumeInt(0, 4)];
        for (int i = 0; i < salient.length; i++) {
            salient[i] = d.consumeInt(0, 100);
        }
        try (Arena arena = Arena.ofConfined()) {
            QuantizedKvCache.Builder b;
            QuantizedKvCache cache;
            try {
                b = QuantizedKvCache.builder(heads, dim).scheme(scheme).groupSize(g).residual(r).maxTokens(cap)
                        .salient(SalientTokens.of(salient)).blocksPerChunk(d.consumeInt(1, 4));
                cache = b.build(arena);
            } catch (IllegalArgumentException e) {
                FuzzTargets.requireOneLine(e);
                return;
            }
            float[] allK = new float[0];
            float[] allV = new float[0];
            int total = 0;
            int calls = d.consumeInt(0, 12);
            for (int c = 0; c < calls && d.remainingBytes() > 0; c++) {
                int n = d.consumeInt(-1, 40);
                int len = Math.max(0, heads * Math.max(n, 0) * dim) + (d.consumeInt(0, 15) == 0 ? d.consumeInt(-1, 1) : 0);
                len = Math.max(0, len);
                float[] k = new float[len];
                float[] v = new float[len];
                boolean hostile = d.consumeBoolean();
                for (int i = 0; i < len; i++) {
                    k[i] = hostile ? d.consumeFloat() : d.consumeRegularFloat(-100, 100);
                    v[i] = hostile ? d.consumeFloat() : d.consumeRegularFloat(-100, 100);
                }
                KvCacheSnapshot before = cache.snapshot();
                float[][] beforeK = decoded(before, true);
                try {
                    cache.append(k, v, n);
                } catch (IllegalArgumentException | IllegalStateException e) {
                    FuzzTargets.requireOneLine(e);
                    KvCacheSnapshot after = cache.snapshot();
                    if (after.tokens() != before.tokens() || !Arrays.deepEquals(beforeK, decoded(after, true))) {
                        throw new AssertionError("a refused append changed the cache: " + e.getMessage(), e);
                    }
                    continue;
                }
                KvCacheSnapshot after = cache.snapshot();
                if (after.tokens() != total + (long) n) {
                    throw new AssertionError("tokens " + after.tokens() + " after appending " + n + " to " + total);
                }
                allK = concat(allK, k, heads, total, n, dim);
                allV = concat(allV, v, heads, total, n, dim);
                total += n;
                checkResidualExact(after, allK, allV, heads, total, dim);
            }
            if (total > 0) {
                QuantizedKvCache batch = b.build(arena);
                batch.append(allK, allV, total);
                KvCacheConcurrencyReliabilityTest.assertSameCache(batch.snapshot(), cache.snapshot());
                float[] q = new float[2 * heads * dim];
                Arrays.fill(q, 0.25f);
                float[] out = new float[q.length];
                ReferenceAttention.decode(cache.snapshot(), q, 2 * heads, out);
                for (float o : out) {
                    if (!Float.isFinite(o)) {
                        throw new AssertionError("attention over a valid cache gave " + o);
                    }
                }
            }
        }
    }

    /** Every head's decoded keys (or values), each element finite. */
    private static float[][] decoded(KvCacheSnapshot s, boolean keys) {
        float[][] out = new float[s.kvHeads()][];
        for (int h = 0; h < s.kvHeads(); h++) {
            out[h] = keys ? s.keys(h) : s.values(h);
            for (float x : out[h]) {
                if (!Float.isFinite(x)) {
                    throw new AssertionError("the cache decodes to " + x);
                }
            }
        }
        return out;
    }

    /** Tokens past the quantized blocks are the appended floats, bit for bit. */
    private static void checkResidualExact(KvCacheSnapshot s, float[] allK, float[] allV, int heads, int total, int dim) {
        long q = s.quantizedTokens();
        for (int h = 0; h < heads; h++) {
            float[] k = s.keys(h);
            float[] v = s.values(h);
            for (long t = q; t < total; t++) {
                for (int c = 0; c < dim; c++) {
                    int src = (h * total + (int) t) * dim + c;
                    int dst = (int) t * dim + c;
                    if (Float.floatToRawIntBits(k[dst]) != Float.floatToRawIntBits(allK[src])
                            || Float.floatToRawIntBits(v[dst]) != Float.floatToRawIntBits(allV[src])) {
                        throw new AssertionError("residual token " + t + " of head " + h + " is not what was appended");
                    }
                }
            }
        }
    }

    /** [heads][total][dim] ++ [heads][n][dim] → [heads][total+n][dim]. */
    private static float[] concat(float[] all, float[] x, int heads, int total, int n, int dim) {
        float[] out = new float[heads * (total + n) * dim];
        for (int h = 0; h < heads; h++) {
            System.arraycopy(all, h * total * dim, out, h * (total + n) * dim, total * dim);
            System.arraycopy(x, h * n * dim, out, (h * (total + n) + total) * dim, n * dim);
        }
        return out;
    }
}
