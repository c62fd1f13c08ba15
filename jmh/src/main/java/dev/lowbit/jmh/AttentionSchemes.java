package dev.lowbit.jmh;

import dev.lowbit.kernels.attention.AttentionShape;
import dev.lowbit.kernels.attention.DecodeAttention;
import dev.lowbit.kernels.attention.DenseAttention;
import dev.lowbit.kernels.attention.DenseKvCache;
import dev.lowbit.kernels.parallel.KernelPool;
import dev.lowbit.kernels.attention.QuantizedAttention;
import dev.lowbit.kernels.attention.ScalarAttention;
import dev.lowbit.kernels.kv.KvScheme;
import dev.lowbit.kernels.kv.QuantizedKvCache;
import dev.lowbit.packing.DType;
import dev.lowbit.packing.kv.SalientTokens;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;

/**
 * Builds the decode-attention kernel of each benchmarked scheme over a synthetic cache of
 * {@code tokens} tokens (Gaussian keys with a few large-gain channels, Gaussian values; seeded).
 * Names are the CSV {@code benchmark} column: scalar (reference), fp32, fp16 (SIMD over a dense
 * cache), kivi2, vidkv (fused kernel over a {@link QuantizedKvCache} with G = 32, R = 128).
 * VidKV keeps {@link #SALIENT_SHARE} of the tokens salient (INT2 value rows), as the method and
 * the demo do; {@code vidkv-nosalient} is the same cache without them (what runs before
 * 2026-12-04 measured as vidkv).
 */
public final class AttentionSchemes {
    private AttentionSchemes() {}

    /** Parses {@code "28x4x128"} (query heads x KV heads x head dim). */
    public static AttentionShape parseHeads(String heads) {
        String[] p = heads.split("x");
        if (p.length != 3) {
            throw new IllegalArgumentException("heads must look like 28x4x128 (query x kv x dim), was '" + heads + "'");
        }
        return new AttentionShape(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
    }

    /** Fills one token of keys and values for all KV heads. */
    static void token(SplittableRandom r, AttentionShape s, float[] k, float[] v) {
        int d = s.headDim();
        for (int i = 0; i < k.length; i++) {
            double gain = (i % d) % 16 == 3 ? 8 : 1;
            k[i] = (float) (gain * gaussian(r));
            v[i] = (float) gaussian(r);
        }
    }

    static double gaussian(SplittableRandom r) {
        double u = r.nextDouble(1e-12, 1);
        double w = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w);
    }

    /** A query of {@code queryHeads · headDim} Gaussian floats. */
    public static float[] query(AttentionShape s, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] q = new float[s.queryHeads() * s.headDim()];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) gaussian(r);
        }
        return q;
    }

    /**
     * The kernel for {@code scheme} over a fresh synthetic cache in {@code arena} (which must be
     * shared or global when {@code pool} has more than one thread).
     */
    public static DecodeAttention build(String scheme, AttentionShape s, int tokens, KernelPool pool, Arena arena, long seed) {
        return switch (scheme) {
            case "scalar" -> new ScalarAttention(dense(s, tokens, DType.F32, arena, seed));
            case "fp32" -> new DenseAttention(dense(s, tokens, DType.F32, arena, seed), pool);
            case "fp16" -> new DenseAttention(dense(s, tokens, DType.F16, arena, seed), pool);
            // F32 blocks copied into L1 tiles first (sequential reads), for A/B against streaming
            case "fp32-copy" -> new DenseAttention(dense(s, tokens, DType.F32, arena, seed), pool, true);
            case "kivi2", "vidkv", "vidkv-nosalient" -> new QuantizedAttention(quantized(scheme, s, tokens, arena, seed), s.queryHeads(), pool);
            // fused, per-channel ternary values summed by int16 pair tables (A/B against the float default)
            case "vidkv-tables" -> new QuantizedAttention(quantized(base(scheme), s, tokens, arena, seed), s.queryHeads(),
                    pool, false, true, true);
            // the float-tile path (the simple path and fallback), for A/B against the fused default
            case "kivi2-tile", "vidkv-tile" -> new QuantizedAttention(quantized(base(scheme), s, tokens, arena, seed), s.queryHeads(),
                    pool, false, false);
            default -> throw new IllegalArgumentException("unknown attention scheme '" + scheme
                    + "'; expected one of scalar, fp32, fp16, kivi2, vidkv, vidkv-nosalient");
        };
    }

    /** The cache scheme of a benchmark name ({@code vidkv-tile} → {@code vidkv}). */
    static String base(String scheme) {
        int dash = scheme.indexOf('-');
        return dash < 0 ? scheme : scheme.substring(0, dash);
    }

    /** Whether {@code scheme} can be built in this build. */
    public static boolean available(String scheme) {
        return switch (scheme) {
            case "scalar", "fp32", "fp32-copy", "fp16", "kivi2", "vidkv", "vidkv-nosalient", "kivi2-tile", "vidkv-tile", "vidkv-tables" -> true;
            default -> false;
        };
    }

    /** Bytes of cache one decode step of {@code scheme} reads (packed bytes and metadata for quantized schemes). */
    public static long bytesRead(String scheme, AttentionShape s, int tokens) {
        long elems = 2L * s.kvHeads() * tokens * s.headDim();
        return switch (scheme) {
            case "scalar", "fp32", "fp32-copy" -> elems * 4;
            case "fp16" -> elems * 2;
            case "kivi2", "vidkv", "vidkv-nosalient", "kivi2-tile", "vidkv-tile", "vidkv-tables" -> quantizedBytes(scheme, s, tokens);
            default -> throw new IllegalArgumentException("unknown attention scheme '" + scheme + "'");
        };
    }

    /** Default cache geometry of the benchmarks: G = 32, R = 128 (the VidKV / KIVI defaults). */
    public static final int GROUP = 32;
    public static final int RESIDUAL = 128;

    /** Share of tokens the {@code vidkv} benchmarks keep salient: the demo's ratio (KvDemo.SALIENT_RATIO). */
    public static final double SALIENT_SHARE = 0.1;

    /** Whether a benchmark's cache has salient tokens: every VidKV row except {@code vidkv-nosalient}. */
    static boolean hasSalientTokens(String scheme) {
        return base(scheme).equals("vidkv") && !scheme.equals("vidkv-nosalient");
    }

    /**
     * The salient positions of a benchmark cache: each token independently with probability
     * {@link #SALIENT_SHARE}, from a fixed seed (not the cache's), so the byte count needs no seed.
     */
    static int[] salientPositions(int tokens) {
        SplittableRandom r = new SplittableRandom(7 ^ 0x5A1E47L); // the positions the 2026-12-04 sitting measured
        return java.util.stream.IntStream.range(0, tokens).filter(t -> r.nextDouble() < SALIENT_SHARE).toArray();
    }

    /**
     * Packed codes + metadata + FP32 residual bytes of a {@code tokens}-token cache of benchmark
     * {@code scheme}, from the codecs' sizes and the cache's quantization rule (blocks =
     * max(0, floor((T − R)/G)); a salient token of a quantized block adds one value side row per
     * KV head), without building it; equals {@code KvCacheSnapshot} payload + metadata + residual
     * bytes (BenchSuiteTest checks it against built caches).
     */
    static long quantizedBytes(String scheme, AttentionShape s, int tokens) {
        KvScheme ks = KvScheme.parse(base(scheme));
        int d = s.headDim();
        int calibTokens = RESIDUAL + GROUP;
        var kc = ks.keyCodec(0, GROUP, d, new float[calibTokens * d], calibTokens);
        var vc = ks.valueCodec(GROUP, d);
        long blocks = Math.max(0, (tokens - RESIDUAL) / GROUP);
        long salientRows = hasSalientTokens(scheme)
                ? java.util.Arrays.stream(salientPositions(tokens)).filter(t -> t < blocks * GROUP).count()
                : 0;
        long perHead = blocks * (kc.codeBytes() + kc.metaBytes() + vc.codeBytes() + vc.metaBytes())
                + salientRows * (vc.rowCodeBytes() + vc.rowMetaBytes())
                + (blocks > 0 ? ks.headMetadataBytes(d) : 0)
                + (tokens - blocks * GROUP) * d * 8L;
        return perHead * s.kvHeads();
    }

    static QuantizedKvCache quantized(String scheme, AttentionShape s, int tokens, Arena arena, long seed) {
        SalientTokens salient = hasSalientTokens(scheme) ? SalientTokens.of(salientPositions(tokens)) : SalientTokens.none();
        QuantizedKvCache c = QuantizedKvCache.builder(s.kvHeads(), s.headDim()).scheme(KvScheme.parse(base(scheme)))
                .groupSize(GROUP).residual(RESIDUAL).blocksPerChunk(256).salient(salient).build(arena);
        SplittableRandom r = new SplittableRandom(seed);
        int n = 256; // append in batches of [kvHeads][n][d]
        float[] k = new float[s.kvHeads() * s.headDim()];
        float[] v = new float[k.length];
        float[] kb = new float[s.kvHeads() * n * s.headDim()];
        float[] vb = new float[kb.length];
        int d = s.headDim();
        for (int t0 = 0; t0 < tokens; t0 += n) {
            int m = Math.min(n, tokens - t0);
            for (int t = 0; t < m; t++) {
                token(r, s, k, v);
                for (int h = 0; h < s.kvHeads(); h++) {
                    System.arraycopy(k, h * d, kb, (h * m + t) * d, d);
                    System.arraycopy(v, h * d, vb, (h * m + t) * d, d);
                }
            }
            c.append(java.util.Arrays.copyOf(kb, s.kvHeads() * m * d), java.util.Arrays.copyOf(vb, s.kvHeads() * m * d), m);
        }
        return c;
    }

    static DenseKvCache dense(AttentionShape s, int tokens, DType type, Arena arena, long seed) {
        DenseKvCache c = DenseKvCache.allocate(arena, s, type, tokens);
        SplittableRandom r = new SplittableRandom(seed);
        float[] k = new float[s.kvHeads() * s.headDim()];
        float[] v = new float[k.length];
        for (int t = 0; t < tokens; t++) {
            token(r, s, k, v);
            c.append(k, v);
        }
        return c;
    }
}
