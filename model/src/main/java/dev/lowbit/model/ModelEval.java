package dev.lowbit.model;

import dev.lowbit.kernels.parallel.KernelPool;
import dev.lowbit.kernels.parallel.RowPool;
import dev.lowbit.kernels.kv.KvScheme;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code lowbit model-eval}: e5-small-v2 embeddings of a corpus under each scheme (KV cache and/or
 * weights quantized), compared with the FP32 embeddings of the same sentences, and the FP32 ones
 * with ONNX Runtime's.
 *
 * <p>Per scheme: honest KV and weight bits, cosine to FP32 (mean, min over sentences), the
 * paraphrase AUC (does the cosine between the two sentences of a pair still rank paraphrase
 * pairs above unrelated ones?) and the wall time per sentence (weights packed beforehand, not
 * timed). The fp32 row's {@code ref_cosine} is the lowest cosine between our FP32 embedding and
 * ONNX Runtime's over the corpus.
 */
public final class ModelEval {

    /** An evaluation row's configuration: a KV scheme ({@code fp32} = dense) and a weight format. */
    public record Scheme(String name, String kv, WeightFormat weights) {
        /** The KV backend: FP32 attention or a lowbit cache of that scheme. */
        AttentionBackend attention(BertConfig c, int kvGroup, KernelPool pool) {
            KvScheme scheme = switch (kv) {
                case "fp32" -> null;
                case "vidkv-keys" -> new MixedKvScheme(kv, KvScheme.vidkv(), KvScheme.kivi2());
                case "vidkv-values" -> new MixedKvScheme(kv, KvScheme.kivi2(), KvScheme.vidkv());
                default -> KvScheme.parse(kv);
            };
            return scheme == null
                    ? new Fp32Attention(c.heads(), c.headDim())
                    : new LowBitAttention(scheme, c.heads(), c.headDim(), kvGroup, pool);
        }
    }

    /** The rows of the issue: KV schemes, weight schemes, and VidKV with BitMoD-4 weights. */
    public static final List<Scheme> DEFAULT_SCHEMES = List.of(
            new Scheme("fp32", "fp32", WeightFormat.FP32),
            new Scheme("kivi2", "kivi2", WeightFormat.FP32),
            new Scheme("vidkv", "vidkv", WeightFormat.FP32),
            new Scheme("int2", "int2", WeightFormat.FP32),
            new Scheme("bitmod4", "fp32", WeightFormat.BITMOD4),
            new Scheme("bitmod3", "fp32", WeightFormat.BITMOD3),
            new Scheme("int_asym4", "fp32", WeightFormat.INT_ASYM4),
            new Scheme("vidkv+bitmod4", "vidkv", WeightFormat.BITMOD4));

    /**
     * Rows on request only: where VidKV loses accuracy (its keys with KIVI-2 values, KIVI-2 keys with
     * its values) and the packed 2-bit weight formats (which this model does not survive).
     */
    public static final List<Scheme> EXTRA_SCHEMES = List.of(
            new Scheme("vidkv-keys", "vidkv-keys", WeightFormat.FP32),
            new Scheme("vidkv-values", "vidkv-values", WeightFormat.FP32),
            new Scheme("ternary2", "fp32", WeightFormat.TERNARY2),
            new Scheme("int2w", "fp32", WeightFormat.INT2));

    /** Every row name, in report order. */
    public static List<Scheme> allSchemes() {
        List<Scheme> all = new ArrayList<>(DEFAULT_SCHEMES);
        all.addAll(EXTRA_SCHEMES);
        return all;
    }

    /** One result row; NaN where a value does not apply (ref_cosine off the fp32 row, AUC without pairs). */
    public record Row(String scheme, double kvBits, double weightBits, double cosineMean, double cosineMin,
                      double paraphraseAuc, double msPerSentence, double refCosine, double kvQuantizedFraction) {
    }

    public static final String CSV_HEADER = "scheme,kv_bits,weight_bits,cosine_mean,cosine_min,paraphrase_auc,ms_per_sentence,ref_cosine";

    private ModelEval() {
    }

    /**
     * Runs every scheme over the corpus.
     *
     * @param kvGroup KV quantization group in tokens, 0 = one group per sentence (see {@link LowBitAttention})
     * @param threads threads for the GEMV and attention kernels
     * @param progress receives one line per step (for stderr)
     */
    public static List<Row> run(EvalCorpus corpus, List<Scheme> schemes, int kvGroup, int threads, Consumer<String> progress) {
        E5Model model = E5Model.get();
        BertConfig cfg = model.weights().config();
        List<int[]> ids = new ArrayList<>();
        int tokens = 0;
        for (String s : corpus.sentences()) {
            int[] t = model.tokens(s);
            ids.add(t);
            tokens += t.length;
        }
        progress.accept(String.format("model-eval: e5-small-v2 (%d layers, hidden %d, %d heads), %d sentences, %d tokens (%.1f per sentence), %d paraphrase + %d unrelated pairs",
                cfg.layers(), cfg.hidden(), cfg.heads(), ids.size(), tokens, (double) tokens / ids.size(),
                corpus.paraphrasePairs().size(), corpus.unrelatedPairs().size()));
        List<Row> rows = new ArrayList<>();
        try (RowPool rowPool = new RowPool(threads); KernelPool attnPool = new KernelPool(threads)) {
            float[][] reference = null;
            for (Scheme s : schemes) {
                try (Arena arena = Arena.ofShared()) {
                    long t0 = System.nanoTime();
                    BertEncoder enc = new BertEncoder(model.weights(), s.weights(), s.attention(cfg, kvGroup, attnPool), arena, rowPool);
                    long t1 = System.nanoTime();
                    float[][] emb = new float[ids.size()][];
                    for (int i = 0; i < ids.size(); i++) {
                        emb[i] = enc.embed(ids.get(i));
                    }
                    long t2 = System.nanoTime();
                    double ref = Double.NaN;
                    if (reference == null) {
                        if (!s.kv().equals("fp32") || s.weights() != WeightFormat.FP32) {
                            throw new IllegalArgumentException("the first scheme must be fp32 (the reference of the others), got " + s.name());
                        }
                        reference = emb;
                        ref = onnxRuntimeCosine(model, ids, emb, progress);
                    }
                    Row r = row(s, enc, corpus, emb, reference, (t2 - t1) / 1e6 / ids.size(), ref);
                    rows.add(r);
                    progress.accept(String.format("model-eval: %-14s cosine mean %.5f min %.5f, AUC %.4f, pair-similarity drift %.5f, %.1f ms/sentence (weights packed in %.1f s), KV quantized %.0f%%",
                            s.name(), r.cosineMean(), r.cosineMin(), r.paraphraseAuc(), pairDrift(corpus, emb, reference),
                            r.msPerSentence(), (t1 - t0) / 1e9, 100 * r.kvQuantizedFraction()));
                }
            }
        }
        return rows;
    }

    private static double onnxRuntimeCosine(E5Model model, List<int[]> ids, float[][] emb, Consumer<String> progress) {
        double min = 1;
        try (OrtReference ort = new OrtReference(model.onnxBytes())) {
            for (int i = 0; i < ids.size(); i++) {
                min = Math.min(min, Metrics.cosine(emb[i], ort.embed(ids.get(i))));
            }
        }
        progress.accept(String.format("model-eval: FP32 Java forward pass vs ONNX Runtime: lowest cosine %.7f", min));
        return min;
    }

    private static Row row(Scheme s, BertEncoder enc, EvalCorpus corpus, float[][] emb, float[][] reference, double ms, double ref) {
        double sum = 0;
        double min = 1;
        for (int i = 0; i < emb.length; i++) {
            double c = Metrics.cosine(emb[i], reference[i]);
            sum += c;
            min = Math.min(min, c);
        }
        double[] pos = pairCosines(corpus.paraphrasePairs(), emb);
        double[] neg = pairCosines(corpus.unrelatedPairs(), emb);
        AttentionBackend.KvStats kv = enc.attention().stats();
        return new Row(s.name(), kv.bitsPerElement(), enc.weightBitsPerElement(), sum / emb.length, min,
                Metrics.auc(pos, neg), ms, ref, kv.quantizedFraction());
    }

    /**
     * Mean |cos_scheme(a, b) − cos_fp32(a, b)| over all paraphrase and unrelated pairs: how far the
     * similarities a user ranks by move (more sensitive than the AUC, which saturates on easy pairs).
     */
    private static double pairDrift(EvalCorpus corpus, float[][] emb, float[][] reference) {
        List<int[]> pairs = new ArrayList<>(corpus.paraphrasePairs());
        pairs.addAll(corpus.unrelatedPairs());
        if (pairs.isEmpty()) {
            return Double.NaN;
        }
        double[] now = pairCosines(pairs, emb);
        double[] was = pairCosines(pairs, reference);
        double sum = 0;
        for (int i = 0; i < now.length; i++) {
            sum += Math.abs(now[i] - was[i]);
        }
        return sum / now.length;
    }

    private static double[] pairCosines(List<int[]> pairs, float[][] emb) {
        double[] c = new double[pairs.size()];
        for (int i = 0; i < c.length; i++) {
            c[i] = Metrics.cosine(emb[pairs.get(i)[0]], emb[pairs.get(i)[1]]);
        }
        return c;
    }
}
