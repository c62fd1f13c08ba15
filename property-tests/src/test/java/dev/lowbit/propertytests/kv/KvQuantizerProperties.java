package dev.lowbit.propertytests.kv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.lowbit.packing.format.GroupCodec;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.kv.ChannelGroupCodec;
import dev.lowbit.packing.kv.ChannelSplit;
import dev.lowbit.packing.kv.KvBlockCodec;
import dev.lowbit.packing.kv.RowStore;
import dev.lowbit.packing.kv.TokenGroupCodec;
import dev.lowbit.packing.kv.VidKvKeyQuantizer;
import dev.lowbit.packing.kv.VidKvValueQuantizer;
import dev.lowbit.testsupport.Gens;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** Round trips of the KV block quantizers within their documented bounds, and the Parseval identity. */
class KvQuantizerProperties {

    static final Gen<PackedFormat> KV_FORMATS = Gens.oneOf(PackedFormat.INT1, PackedFormat.INT2, PackedFormat.TERNARY2);

    private record Block(MemorySegment codes, MemorySegment meta, RowStore rows) {}

    private static Block quantize(KvBlockCodec codec, float[] x, boolean[] salient, Arena arena) {
        MemorySegment codes = arena.allocate(Math.max(1, codec.codeBytes()));
        MemorySegment meta = arena.allocate(Math.max(1, codec.metaBytes()));
        RowStore rows = new RowStore(arena, codec.rowCodeBytes(), codec.rowMetaBytes(), 8);
        codec.quantize(x, 0, salient, codes, 0, meta, 0, rows);
        return new Block(codes, meta, rows);
    }

    private static float[] dequantize(KvBlockCodec codec, Block b) {
        float[] out = new float[codec.groupSize() * codec.headDim()];
        codec.dequantize(b.codes, 0, b.meta, 0, b.rows, out, 0);
        return out;
    }

    @Test
    void perChannelBlocksRoundTripWithinTheFormatBound() {
        qt().withExamples(80).forAll(KV_FORMATS, Gens.ints(1, 40), Gens.ints(1, 48), Gens.seeds())
                .checkAssert(KvQuantizerProperties::perChannelRoundTrip);
    }

    private static void perChannelRoundTrip(PackedFormat f, int g, int d, long seed) {
        float[] x = KvData.random(seed, 1, g, d);
        ChannelGroupCodec codec = new ChannelGroupCodec(f, g, d);
        try (Arena arena = Arena.ofConfined()) {
            float[] y = dequantize(codec, quantize(codec, x, null, arena));
            GroupCodec gc = f.codec();
            float[] ch = new float[g];
            for (int c = 0; c < d; c++) {
                for (int t = 0; t < g; t++) {
                    ch[t] = x[t * d + c];
                }
                float bound = gc.errorBound(ch, 0, g);
                for (int t = 0; t < g; t++) {
                    assertTrue(Math.abs(y[t * d + c] - ch[t]) <= bound, f + " channel " + c + " token " + t);
                }
            }
        }
    }

    @Test
    void perTokenBlocksRoundTripWithinTheInt2Bound() {
        qt().withExamples(60).forAll(Gens.ints(1, 40), Gens.ints(1, 100), Gens.seeds())
                .checkAssert(KvQuantizerProperties::perTokenRoundTrip);
    }

    private static void perTokenRoundTrip(int g, int d, long seed) {
        float[] x = KvData.random(seed, 1, g, d);
        TokenGroupCodec codec = new TokenGroupCodec(PackedFormat.INT2, g, d);
        try (Arena arena = Arena.ofConfined()) {
            float[] y = dequantize(codec, quantize(codec, x, null, arena));
            GroupCodec gc = PackedFormat.INT2.codec();
            for (int t = 0; t < g; t++) {
                for (int j = 0; j * g < d; j++) {
                    int len = Math.min(g, d - j * g);
                    float bound = gc.errorBound(x, t * d + j * g, len);
                    for (int i = 0; i < len; i++) {
                        int k = t * d + j * g + i;
                        assertTrue(Math.abs(y[k] - x[k]) <= bound, "token " + t + " channel " + (j * g + i));
                    }
                }
            }
        }
    }

    private static ChannelSplit randomSplit(Random rnd, int d) {
        int na = rnd.nextInt(d + 1);
        int[] perm = rnd.ints(0, d).distinct().limit(na).toArray();
        return ChannelSplit.explicit(d, perm);
    }

    /**
     * VidKV keys: anomalous channels within the INT2 bound; on the normal channels the
     * reconstruction error is exactly the spectral error through Parseval
     * (‖x − x̂‖² = Σ w_m (S_m − Ŝ_m)²) and each spectral error is within the INT1 bound of its
     * coefficient group.
     */
    @Test
    void vidkvKeysRoundTripWithinBoundAndParseval() {
        qt().withExamples(60).forAll(Gens.ints(1, 40), Gens.ints(1, 40), Gens.seeds())
                .checkAssert(KvQuantizerProperties::vidkvKeysRoundTrip);
    }

    private static void vidkvKeysRoundTrip(int g, int d, long seed) {
        Random rnd = new Random(seed);
        float[] x = KvData.random(seed, 1, g, d);
        ChannelSplit split = randomSplit(rnd, d);
        VidKvKeyQuantizer codec = new VidKvKeyQuantizer(g, split);
        try (Arena arena = Arena.ofConfined()) {
            Block b = quantize(codec, x, null, arena);
            float[] y = dequantize(codec, b);
            GroupCodec int2 = PackedFormat.INT2.codec();
            GroupCodec int1 = PackedFormat.INT1.codec();
            float[] ch = new float[g];
            for (int i = 0; i < split.anomalousCount(); i++) {
                int c = split.anomalousChannel(i);
                for (int t = 0; t < g; t++) {
                    ch[t] = x[t * d + c];
                }
                float bound = int2.errorBound(ch, 0, g);
                for (int t = 0; t < g; t++) {
                    assertTrue(Math.abs(y[t * d + c] - ch[t]) <= bound, "anomalous channel " + c);
                }
            }
            int n = split.normalCount();
            if (n == 0) {
                return; // every channel is anomalous and was checked above: there is no spectrum
            }
            double[] s = codec.spectra(x, 0);
            double[] sq = codec.dequantizeSpectra(b.codes, 0, b.meta, 0);
            float[] coef = new float[g];
            for (int m = 0; m < n; m++) {
                for (int t = 0; t < g; t++) {
                    coef[t] = (float) s[t * n + m];
                }
                float bound = int1.errorBound(coef, 0, g);
                for (int t = 0; t < g; t++) {
                    assertTrue(Math.abs(sq[t * n + m] - s[t * n + m]) <= bound + 1e-6 * Math.abs(s[t * n + m]),
                            "coefficient " + m + " token " + t);
                }
            }
            for (int t = 0; t < g; t++) {
                double err2 = 0;
                double spec2 = 0;
                double norm2 = 0;
                for (int i = 0; i < n; i++) {
                    int c = split.normalChannel(i);
                    double e = (double) y[t * d + c] - x[t * d + c];
                    err2 += e * e;
                    norm2 += (double) x[t * d + c] * x[t * d + c];
                }
                for (int m = 0; m < n; m++) {
                    double e = sq[t * n + m] - s[t * n + m];
                    spec2 += VidKvKeyQuantizer.parsevalWeight(m, n) * e * e;
                    norm2 += VidKvKeyQuantizer.parsevalWeight(m, n) * sq[t * n + m] * sq[t * n + m];
                }
                // float rounding of x̂ (and of S to float before INT1) is the only difference
                assertEquals(spec2, err2, 1e-5 * norm2 + 1e-30, "token " + t);
            }
        }
    }

    /** VidKV values: non-salient tokens within the ternary bound of the non-salient group, salient ones within INT2. */
    @Test
    void vidkvValuesRoundTripWithSalientTokens() {
        qt().withExamples(60).forAll(Gens.ints(1, 40), Gens.ints(1, 70), Gens.seeds())
                .checkAssert(KvQuantizerProperties::vidkvValuesRoundTrip);
    }

    private static void vidkvValuesRoundTrip(int g, int d, long seed) {
        Random rnd = new Random(seed ^ 0x5A17L);
        float[] x = KvData.random(seed, 1, g, d);
        boolean[] sal = new boolean[g];
        int mode = rnd.nextInt(3);
        for (int t = 0; t < g; t++) {
            sal[t] = mode == 1 || (mode == 2 && rnd.nextInt(4) == 0);
        }
        VidKvValueQuantizer codec = new VidKvValueQuantizer(g, d);
        try (Arena arena = Arena.ofConfined()) {
            Block b = quantize(codec, x, mode == 0 ? null : sal, arena);
            float[] y = dequantize(codec, b);
            int salientCount = 0;
            for (int t = 0; t < g; t++) {
                assertEquals(mode != 0 && sal[t], codec.isSalient(b.meta, 0, t));
                salientCount += (mode != 0 && sal[t]) ? 1 : 0;
            }
            assertEquals(salientCount, b.rows.size());
            GroupCodec tern = PackedFormat.TERNARY2.codec();
            GroupCodec int2 = PackedFormat.INT2.codec();
            float[] kept = new float[g];
            for (int c = 0; c < d; c++) {
                int m = 0;
                for (int t = 0; t < g; t++) {
                    if (mode == 0 || !sal[t]) {
                        kept[m++] = x[t * d + c];
                    }
                }
                float bound = tern.errorBound(kept, 0, m);
                for (int t = 0; t < g; t++) {
                    if (mode == 0 || !sal[t]) {
                        assertTrue(Math.abs(y[t * d + c] - x[t * d + c]) <= bound, "ternary channel " + c + " token " + t);
                    } else {
                        assertEquals(0, tern.code(b.codes, (long) c * tern.codeBytes(g), t), "salient token's trit must be 0");
                        int j = c / g;
                        int len = Math.min(g, d - j * g);
                        float rb = int2.errorBound(x, t * d + j * g, len);
                        assertTrue(Math.abs(y[t * d + c] - x[t * d + c]) <= rb, "salient channel " + c + " token " + t);
                    }
                }
            }
        }
    }

    /** Parseval form: scores from the 1-bit spectrum equal q · (inverse-transformed dequantized keys). */
    @Test
    void parsevalScoresEqualDotsWithReconstructedKeys() {
        qt().withExamples(80).forAll(Gens.ints(1, 40), Gens.ints(1, 64), Gens.seeds())
                .checkAssert(KvQuantizerProperties::parsevalScores);
    }

    private static void parsevalScores(int g, int d, long seed) {
        Random rnd = new Random(seed);
        float[] x = KvData.random(seed, 1, g, d);
        VidKvKeyQuantizer codec = new VidKvKeyQuantizer(g, randomSplit(rnd, d));
        float[] q = new float[d];
        for (int c = 0; c < d; c++) {
            q[c] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(5) - 2));
        }
        try (Arena arena = Arena.ofConfined()) {
            Block b = quantize(codec, x, null, arena);
            float[] k = dequantize(codec, b);
            double[] prepared = new double[codec.preparedQueryLength()];
            codec.prepareQuery(q, 0, prepared);
            double[] scores = new double[g];
            codec.scores(b.codes, 0, b.meta, 0, b.rows, prepared, scores);
            for (int t = 0; t < g; t++) {
                double dot = 0;
                double mag = 0;
                for (int c = 0; c < d; c++) {
                    dot += (double) q[c] * k[t * d + c];
                    mag += Math.abs((double) q[c] * k[t * d + c]);
                }
                // k̂ was rounded to float: the two sides differ by at most ~ulp(float) of the magnitude
                assertEquals(dot, scores[t], 1e-6 * mag + 1e-30, "token " + t);
            }
        }
    }
}
