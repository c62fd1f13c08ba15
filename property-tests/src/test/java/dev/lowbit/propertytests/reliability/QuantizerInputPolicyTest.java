package dev.lowbit.propertytests.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.kernels.kv.KvScheme;
import dev.lowbit.kernels.kv.QuantizedKvCache;
import dev.lowbit.packing.bitmod.WeightScheme;
import dev.lowbit.packing.kv.SalientTokens;
import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The NaN / ±Inf / |x| &gt; 65504 / subnormal policy for the quantizers that do not go through
 * {@link dev.lowbit.packing.format.QuantizedTensor} (those are covered by
 * {@link NonFiniteInputProperties}): every KV-cache scheme (VidKV keys and values, KIVI, plain
 * INT1/INT2/ternary) and every BitMoD-study weight scheme.
 */
class QuantizerInputPolicyTest {
    private static final float[] HOSTILE = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 65520f, -1e6f,
        Math.nextUp(65504f), Float.MAX_VALUE};

    @Test
    void kvCachesRefuseNonFiniteInputNamingHeadTokenAndChannel() {
        Random rnd = new Random(1);
        for (String name : KvScheme.NAMES) {
            for (float bad : HOSTILE) {
                try (Arena arena = Arena.ofConfined()) {
                    int heads = 2;
                    int d = 12;
                    int n = 40;
                    QuantizedKvCache cache = QuantizedKvCache.builder(heads, d).scheme(KvScheme.parse(name)).groupSize(8).residual(8)
                            .salient(SalientTokens.of(3, 17)).build(arena);
                    float[] k = new float[heads * n * d];
                    float[] v = new float[heads * n * d];
                    for (int i = 0; i < k.length; i++) {
                        k[i] = (float) rnd.nextGaussian();
                        v[i] = (float) rnd.nextGaussian();
                    }
                    cache.append(k, v, n);
                    int h = rnd.nextInt(heads);
                    int t = rnd.nextInt(n);
                    int c = rnd.nextInt(d);
                    boolean inKeys = rnd.nextBoolean();
                    (inKeys ? k : v)[(h * n + t) * d + c] = bad;
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cache.append(k, v, n),
                            name + ": " + bad + " was accepted");
                    String where = (inKeys ? "K" : "V") + "[head " + h + ", token " + (n + t) + ", channel " + c + "]";
                    assertTrue(Groups.oneLine(e.getMessage()) && e.getMessage().contains(where),
                            name + ": message should name " + where + ": " + e.getMessage());
                    assertEquals(n, cache.tokens(), name + ": a refused append changed the cache");
                }
            }
        }
    }

    @Test
    void kvCachesQuantizeSubnormalsToFiniteValues() {
        Random rnd = new Random(2);
        for (String name : KvScheme.NAMES) {
            try (Arena arena = Arena.ofConfined()) {
                int heads = 2;
                int d = 12;
                int n = 64;
                QuantizedKvCache cache = QuantizedKvCache.builder(heads, d).scheme(KvScheme.parse(name)).groupSize(8).residual(8)
                        .build(arena);
                float[] k = new float[heads * n * d];
                float[] v = new float[heads * n * d];
                for (int i = 0; i < k.length; i++) {
                    // float subnormals, FP16 subnormals, zeros, signs mixed
                    k[i] = switch (rnd.nextInt(3)) {
                        case 0 -> Float.intBitsToFloat(rnd.nextInt(1, 0x007fffff)) * (rnd.nextBoolean() ? 1 : -1);
                        case 1 -> Float.float16ToFloat((short) rnd.nextInt(1, 0x3ff)) * (rnd.nextBoolean() ? 1 : -1);
                        default -> 0f;
                    };
                    v[i] = -k[i];
                }
                cache.append(k, v, n);
                for (int h = 0; h < heads; h++) {
                    for (float[] x : new float[][] {cache.snapshot().keys(h), cache.snapshot().values(h)}) {
                        for (float y : x) {
                            assertTrue(Float.isFinite(y) && Math.abs(y) <= 1e-3f, name + ": subnormal input decoded to " + y);
                        }
                    }
                }
            }
        }
    }

    /**
     * Guards a bug found here (fixed in WeightScheme, commit 1b14de8): {@code int_sym} and
     * {@code int_asym} turned NaN, ±Inf and even −1e6 into NaN weights silently; {@code bitmod},
     * {@code fp} and {@code ant} refused them without naming the element.
     */
    @Test
    void weightSchemesRefuseNonFiniteInputNamingTheElement() {
        Random rnd = new Random(3);
        for (String name : WeightScheme.NAMES) {
            for (int bits : new int[] {3, 4}) {
                WeightScheme s = WeightScheme.of(name, bits);
                for (float bad : HOSTILE) {
                    int rows = 4;
                    int cols = 256;
                    float[] w = new float[rows * cols];
                    for (int i = 0; i < w.length; i++) {
                        w[i] = (float) rnd.nextGaussian() * 0.02f;
                    }
                    int at = rnd.nextInt(w.length);
                    w[at] = bad;
                    float[] out = new float[w.length];
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                            () -> s.fakeQuantize(w, rows, cols, 128, out, null),
                            name + bits + ": " + bad + " at (" + at / cols + ", " + at % cols + ") was accepted");
                    assertTrue(Groups.oneLine(e.getMessage()) && e.getMessage().contains("(" + at / cols + ", " + at % cols + ")"),
                            name + bits + ": message should name the element: " + e.getMessage());
                }
            }
        }
    }

    @Test
    void weightSchemesQuantizeSubnormalsToFiniteValues() {
        Random rnd = new Random(4);
        for (String name : WeightScheme.NAMES) {
            for (int bits : new int[] {3, 4}) {
                float[] w = new float[2 * 256];
                for (int i = 0; i < w.length; i++) {
                    w[i] = Float.intBitsToFloat(rnd.nextInt(0, 0x007fffff)) * (rnd.nextBoolean() ? 1 : -1);
                }
                float[] out = new float[w.length];
                WeightScheme.of(name, bits).fakeQuantize(w, 2, 256, 128, out, null);
                for (int i = 0; i < w.length; i++) {
                    assertTrue(Float.isFinite(out[i]) && Math.abs(out[i]) <= 2 * Float.MIN_NORMAL,
                            name + bits + ": subnormal " + w[i] + " fake-quantized to " + out[i]);
                }
            }
        }
    }
}
