package dev.lowbit.cli;

import dev.lowbit.kernels.parallel.KernelPool;
import dev.lowbit.kernels.attention.QuantizedAttention;
import dev.lowbit.kernels.kv.KvEval;
import dev.lowbit.kernels.kv.QuantizedKvCache;
import dev.lowbit.kernels.kv.KvScheme;
import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.io.Npy;
import dev.lowbit.packing.kv.SalientTokens;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code lowbit kv-eval}: KV-cache quantization accuracy and honest bits, per scheme. */
@Command(name = "kv-eval", header = "Compare KV-cache schemes against FP32 attention", description = {
    "Quantize a layer's KV cache with each scheme and compare with FP32: bits per element (payload and honest),",
    "relative L2 error of K and V, and decode-attention output error (computed from the packed cache)."})
final class KvEvalCommand implements Callable<Integer> {
    static final String CSV_HEADER = "scheme,payload_bits,honest_bits,k_rel_err,v_rel_err,attn_cosine_mean,attn_cosine_min,attn_rel_l2_mean";

    @Option(names = "--k", required = true, description = "Keys .npy [kv_heads, tokens, head_dim], float32 or float16.")
    Path kPath;

    @Option(names = "--v", required = true, description = "Values .npy [kv_heads, tokens, head_dim], float32 or float16.")
    Path vPath;

    @Option(names = "--q", description = "Queries .npy [q_heads, queries, head_dim] (q_heads a multiple of kv_heads). "
            + "Default: the last 32 keys of each head.")
    Path qPath;

    @Option(names = "--schemes", defaultValue = "vidkv,kivi2,int2,int1,ternary", split = ",",
            description = "Schemes to evaluate (default ${DEFAULT-VALUE}).")
    List<String> schemes;

    @Option(names = "--group", defaultValue = "32", description = "Group size G in tokens (default ${DEFAULT-VALUE}).")
    int group;

    @Option(names = "--residual", defaultValue = "128", description = "Full-precision residual window R in tokens (default ${DEFAULT-VALUE}; 0 quantizes every complete block).")
    int residual;

    @Option(names = "--format", defaultValue = "table", description = "table or csv (default ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--key-bits", defaultValue = "1.5", description = "VidKV key bit budget in [1, 2]: anomalous channel fraction = bits - 1 (default ${DEFAULT-VALUE}).")
    double keyBits;

    @Option(names = "--vision", description = "VidKV salience: vision token embeddings .npy [vision_tokens, dim].")
    Path visionPath;

    @Option(names = "--text", description = "VidKV salience: text token embeddings .npy [text_tokens, dim].")
    Path textPath;

    @Option(names = "--vision-start", defaultValue = "0", description = "Cache position of vision token 0 (default ${DEFAULT-VALUE}).")
    int visionStart;

    @Option(names = "--salient-ratio", defaultValue = "0.1", description = "Fraction of vision tokens kept at INT2, rounded to a multiple of 32 (default ${DEFAULT-VALUE}).")
    double salientRatio;

    @Override
    public Integer call() throws IOException {
        boolean csv = switch (format.toLowerCase(Locale.ROOT)) {
            case "csv" -> true;
            case "table" -> false;
            default -> throw new IllegalArgumentException("--format must be table or csv, got '" + format + "'");
        };
        if (group <= 0) {
            throw new IllegalArgumentException("--group must be positive, got " + group);
        }
        if (residual < 0) {
            throw new IllegalArgumentException("--residual must be >= 0, got " + residual);
        }
        if ((visionPath == null) != (textPath == null)) {
            throw new IllegalArgumentException("--vision and --text go together (salience needs both embedding matrices)");
        }
        List<KvScheme> parsed = new ArrayList<>();
        for (String s : schemes) {
            if (s.trim().equalsIgnoreCase("fp32")) {
                continue; // the FP32 reference row is always printed first
            }
            parsed.add(s.trim().equalsIgnoreCase("vidkv") ? KvScheme.vidkv(keyBits) : KvScheme.parse(s));
        }
        try (Arena arena = Arena.ofConfined()) {
            Tensor k = read(kPath, "--k", arena);
            Tensor v = read(vPath, "--v", arena);
            requireRank3(k, kPath, "[kv_heads, tokens, head_dim]");
            requireRank3(v, vPath, "[kv_heads, tokens, head_dim]");
            if (!Arrays.equals(k.shape(), v.shape())) {
                throw new IllegalArgumentException("K " + kPath + " has shape " + Arrays.toString(k.shape()) + " but V " + vPath
                        + " has shape " + Arrays.toString(v.shape()) + "; they must match");
            }
            int kvHeads = Math.toIntExact(k.shape(0));
            int tokens = Math.toIntExact(k.shape(1));
            int d = Math.toIntExact(k.shape(2));
            if (kvHeads == 0 || tokens == 0 || d == 0) {
                throw new IllegalArgumentException(kPath + ": empty cache, shape " + Arrays.toString(k.shape()));
            }
            float[] kf = finite(k, kPath);
            float[] vf = finite(v, vPath);
            KvEval.Input in;
            String querySource;
            if (qPath != null) {
                Tensor q = read(qPath, "--q", arena);
                requireRank3(q, qPath, "[q_heads, queries, head_dim]");
                if (q.shape(2) != d) {
                    throw new IllegalArgumentException("Q " + qPath + " has head_dim " + q.shape(2) + " but K has " + d);
                }
                if (q.shape(0) == 0 || q.shape(0) % kvHeads != 0) {
                    throw new IllegalArgumentException("Q " + qPath + " has " + q.shape(0) + " heads, expected a positive multiple of kv_heads " + kvHeads);
                }
                if (q.shape(1) == 0) {
                    throw new IllegalArgumentException("Q " + qPath + " has no queries");
                }
                in = new KvEval.Input(kf, vf, kvHeads, tokens, d, finite(q, qPath), Math.toIntExact(q.shape(0)), Math.toIntExact(q.shape(1)));
                querySource = "queries: " + q.shape(1) + " per head from " + qPath + " (" + q.shape(0) + " query heads, GQA group "
                        + q.shape(0) / kvHeads + ")";
            } else {
                in = KvEval.Input.lastKeysAsQueries(kf, vf, kvHeads, tokens, d);
                querySource = "queries: no --q given, so the last " + in.queries() + " keys of each head serve as queries";
            }
            SalientTokens salient = SalientTokens.none();
            if (visionPath != null) {
                Tensor vis = read(visionPath, "--vision", arena);
                Tensor txt = read(textPath, "--text", arena);
                finite(vis, visionPath);
                finite(txt, textPath);
                salient = SalientTokens.fromEmbeddings(vis, txt, salientRatio, visionStart);
            }
            float[] exact = KvEval.exactOutputs(in);
            List<KvEval.Row> rows = new ArrayList<>();
            rows.add(KvEval.fp32Row());
            List<String> kernelLines = new ArrayList<>();
            for (int i = 0; i < parsed.size(); i++) {
                KvScheme sc = parsed.get(i);
                try (Arena ka = Arena.ofConfined(); KernelPool pool = new KernelPool(1)) {
                    QuantizedKvCache cache = QuantizedKvCache.builder(kvHeads, d).scheme(sc).groupSize(group).residual(residual)
                            .salient(salient).build(ka);
                    cache.append(in.k(), in.v(), tokens);
                    rows.add(KvEval.evaluate(sc.name(), cache.snapshot(), in, exact));
                    // the SIMD kernels over the same cache: the default (register-fused) path and the float-tile path
                    QuantizedAttention fused = new QuantizedAttention(cache, in.qHeads(), pool);
                    QuantizedAttention tile = new QuantizedAttention(cache, in.qHeads(), pool, false, false);
                    QuantizedAttention tables = new QuantizedAttention(cache, in.qHeads(), pool, false, true, true);
                    double[] f = KvEval.compare(in, exact, KvEval.kernelOutputs(in, fused::attend));
                    double[] t = KvEval.compare(in, exact, KvEval.kernelOutputs(in, tile::attend));
                    double[] x = KvEval.compare(in, exact, KvEval.kernelOutputs(in, tables::attend));
                    kernelLines.add(String.format(Locale.ROOT, "%-8s %10.6f %10.4f %10.6f %10.4f %+10.2e %10.6f %10.4f %+10.2e", sc.name(), f[0],
                            f[2], t[0], t[2], f[0] - t[0], x[0], x[2], f[0] - x[0]));
                }
            }
            if (csv) {
                System.out.println(CSV_HEADER);
                for (KvEval.Row r : rows) {
                    System.out.printf(Locale.ROOT, "%s,%.4f,%.4f,%.6f,%.6f,%.6f,%.6f,%.6f%n", r.scheme(), r.payloadBits(), r.honestBits(),
                            r.kRelErr(), r.vRelErr(), r.attnCosineMean(), r.attnCosineMin(), r.attnRelL2Mean());
                }
            } else {
                System.out.printf(Locale.ROOT, "KV cache %s: %d kv heads x %d tokens x %d channels; G = %d tokens, residual R = %d tokens (FP32)%n",
                        kPath, kvHeads, tokens, d, group, residual);
                System.out.println(querySource);
                System.out.println("VidKV salient tokens (values kept at INT2): " + salient.count()
                        + (visionPath == null ? " (no --vision/--text given)" : ""));
                System.out.println();
                System.out.printf(Locale.ROOT, "%-8s %8s %8s %9s %9s %10s %10s %10s%n", "scheme", "payload", "honest", "K rel", "V rel",
                        "attn cos", "worst cos", "attn relL2");
                for (KvEval.Row r : rows) {
                    System.out.printf(Locale.ROOT, "%-8s %8.3f %8.3f %9.4f %9.4f %10.6f %10.6f %10.4f%n", r.scheme(), r.payloadBits(),
                            r.honestBits(), r.kRelErr(), r.vRelErr(), r.attnCosineMean(), r.attnCosineMin(), r.attnRelL2Mean());
                }
                System.out.println();
                System.out.println("payload = code bits per quantized element; honest = codes + all metadata (scales, zero points, masks,");
                System.out.println("channel maps, salient rows) + FP32 residual tokens, over every cached K and V element.");
                System.out.println("K rel / V rel: relative L2 error over every cached element (residual tokens are exact).");
                System.out.println("attention: decode softmax(qK^T/sqrt(d))V computed from the packed cache vs FP32 on the original K, V;");
                System.out.println("cosine / relL2 per query head over all its queries' outputs (mean over heads; worst head).");
                System.out.println();
                System.out.println("SIMD kernels over the same packed cache, against the same FP32 outputs (1 thread):");
                System.out.printf(Locale.ROOT, "%-8s %10s %10s %10s %10s %10s %10s %10s %10s%n", "scheme", "fused cos", "fused relL2",
                        "tile cos", "tile relL2", "fused-tile", "tables cos", "tbl relL2", "fused-tbl");
                kernelLines.forEach(System.out::println);
                System.out.println("fused = the default register-fused kernel; tile = the float-decode tile path (the fallback);");
                System.out.println("tables = fused with per-channel TERNARY2 values summed on the codes by int16 pair tables (opt-in;");
                System.out.println("p quantized to 1/1023 per block; same as fused for schemes without per-channel TERNARY2 values).");
            }
        }
        return 0;
    }

    /** Reads a .npy, naming the option when the file is missing. */
    private static Tensor read(Path p, String option, Arena arena) throws IOException {
        try {
            return Npy.read(p, arena);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new java.nio.file.NoSuchFileException(p.toString(), null, "no such file (" + option + ")");
        }
    }

    private static void requireRank3(Tensor t, Path p, String expected) {
        if (t.rank() != 3) {
            throw new IllegalArgumentException(p + ": expected a rank-3 tensor " + expected + ", found shape " + Arrays.toString(t.shape()));
        }
    }

    /** The tensor's elements, refusing NaN, ±Inf and values beyond FP16 range with the file and index. */
    private static float[] finite(Tensor t, Path p) {
        float[] x = t.toFloatArray();
        for (int i = 0; i < x.length; i++) {
            if (!Float.isFinite(x[i]) || Math.abs(x[i]) > 65504f) {
                long[] idx = new long[t.rank()];
                long rem = i;
                for (int dim = t.rank() - 1; dim >= 0; dim--) {
                    idx[dim] = rem % t.shape(dim);
                    rem /= t.shape(dim);
                }
                throw new IllegalArgumentException(p + ": element " + Arrays.toString(idx) + " is " + x[i]
                        + "; expected finite values with |x| <= 65504");
            }
        }
        return x;
    }
}
