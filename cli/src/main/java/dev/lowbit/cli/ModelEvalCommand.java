package dev.lowbit.cli;

import dev.lowbit.model.EvalCorpus;
import dev.lowbit.model.ModelEval;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lowbit model-eval}: a real model (e5-small-v2, from its Maven artifact) with its KV cache
 * and/or linear weights on lowbit, against its FP32 forward pass and ONNX Runtime. Progress on
 * stderr, the table or CSV on stdout.
 */
@Command(name = "model-eval", header = "Run e5-small-v2 with lowbit KV caches and weights; compare embeddings with FP32",
        description = {"Embeds sentences with the e5-small-v2 encoder (ONNX weights from its Maven artifact, forward pass in Java) "
                + "under each scheme: KV cache on lowbit (kivi2, vidkv, int2), linear weights on lowbit (bitmod4, bitmod3; int_asym4 "
                + "fake-quantized), and vidkv+bitmod4. Reports honest bits, cosine to the FP32 embedding of the same sentence, the AUC "
                + "of paraphrase vs unrelated pairs, and ms per sentence; the fp32 row's ref_cosine is its lowest cosine to ONNX Runtime.",
            "Text file: one sentence per line, or 'sentence A<TAB>sentence B' for a paraphrase pair; '#' lines are comments."})
final class ModelEvalCommand implements Callable<Integer> {

    @Option(names = "--text", paramLabel = "FILE", description = "Sentences (UTF-8; see above). Default: 64 built-in sentences (32 paraphrase pairs).")
    Path text;

    @Option(names = "--format", defaultValue = "table", description = "table or csv (default ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--schemes", split = ",", paramLabel = "NAME",
            description = "Rows to run, from: fp32, kivi2, vidkv, int2, bitmod4, bitmod3, int_asym4, vidkv+bitmod4 (default: these), "
                    + "and on request vidkv-keys (VidKV keys + KIVI-2 values), vidkv-values (KIVI-2 keys + VidKV values), "
                    + "ternary2, int2w (2-bit packed weights). fp32 always runs first.")
    List<String> schemes;

    @Option(names = "--kv-group", defaultValue = "0",
            description = "KV quantization group in tokens; 0 = one group per sentence, so every token is quantized (default ${DEFAULT-VALUE}). "
                    + "A fixed G keeps each sentence's last (tokens mod G) tokens in FP32.")
    int kvGroup;

    @Option(names = "--threads", description = "Kernel threads (default: available processors).")
    Integer threads;

    @Override
    public Integer call() {
        boolean csv = switch (format.toLowerCase(Locale.ROOT)) {
            case "csv" -> true;
            case "table" -> false;
            default -> throw new IllegalArgumentException("--format: expected table or csv, found '" + format + "'");
        };
        if (kvGroup < 0) {
            throw new IllegalArgumentException("--kv-group: expected >= 0 tokens (0 = one group per sentence), found " + kvGroup);
        }
        int nThreads = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        if (nThreads < 1 || nThreads > 256) {
            throw new IllegalArgumentException("--threads: expected 1..256, found " + nThreads);
        }
        List<ModelEval.Scheme> selected = select(schemes);
        EvalCorpus corpus = text == null ? EvalCorpus.builtIn() : EvalCorpus.read(text);
        List<ModelEval.Row> rows = ModelEval.run(corpus, selected, kvGroup, nThreads, System.err::println);
        PrintStream out = System.out;
        if (csv) {
            out.println(ModelEval.CSV_HEADER);
            for (ModelEval.Row r : rows) {
                out.println(String.join(",", r.scheme(), f(r.kvBits(), 4), f(r.weightBits(), 4), f(r.cosineMean(), 6),
                        f(r.cosineMin(), 6), f(r.paraphraseAuc(), 4), f(r.msPerSentence(), 1), f(r.refCosine(), 7)));
            }
        } else {
            out.printf("%-14s %8s %11s %11s %10s %14s %15s %10s%n", "scheme", "kv_bits", "weight_bits", "cosine_mean",
                    "cosine_min", "paraphrase_auc", "ms_per_sentence", "ref_cosine");
            for (ModelEval.Row r : rows) {
                out.printf("%-14s %8s %11s %11s %10s %14s %15s %10s%n", r.scheme(), f(r.kvBits(), 3), f(r.weightBits(), 3),
                        f(r.cosineMean(), 5), f(r.cosineMin(), 5), f(r.paraphraseAuc(), 4), f(r.msPerSentence(), 1), f(r.refCosine(), 7));
            }
            out.println();
            out.println("bits: honest, per K/V element (codes, scales, channel maps, FP32 tail tokens) and per linear weight "
                    + "(codes + scale/type metadata; embeddings stay FP32); cosine: vs the FP32 embedding of the same sentence.");
        }
        return 0;
    }

    /** The requested rows in report order, fp32 first (it is every other row's reference). */
    static List<ModelEval.Scheme> select(List<String> names) {
        if (names == null || names.isEmpty()) {
            return ModelEval.DEFAULT_SCHEMES;
        }
        List<String> wanted = new ArrayList<>();
        for (String n : names) {
            String s = n.trim().toLowerCase(Locale.ROOT);
            if (ModelEval.allSchemes().stream().noneMatch(x -> x.name().equals(s))) {
                throw new IllegalArgumentException("--schemes: unknown scheme '" + n + "'; expected some of "
                        + String.join(", ", ModelEval.allSchemes().stream().map(ModelEval.Scheme::name).toList()));
            }
            wanted.add(s);
        }
        List<ModelEval.Scheme> out = new ArrayList<>();
        for (ModelEval.Scheme s : ModelEval.allSchemes()) {
            if (s.name().equals("fp32") || wanted.contains(s.name())) {
                out.add(s);
            }
        }
        return out;
    }

    private static String f(double v, int digits) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }
}
