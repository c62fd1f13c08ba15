package dev.lowbit.cli;

import dev.lowbit.kernels.attention.AttentionShape;
import dev.lowbit.kernels.attention.DecodeAttention;
import dev.lowbit.kernels.attention.DenseAttention;
import dev.lowbit.kernels.attention.DenseKvCache;
import dev.lowbit.kernels.parallel.KernelPool;
import dev.lowbit.kernels.attention.QuantizedAttention;
import dev.lowbit.kernels.kv.KvCacheSnapshot;
import dev.lowbit.kernels.kv.KvEval;
import dev.lowbit.kernels.kv.KvScheme;
import dev.lowbit.kernels.kv.QuantizedKvCache;
import dev.lowbit.kernels.kv.ReferenceAttention;
import dev.lowbit.packing.DType;
import dev.lowbit.packing.kv.KvCacheGenerator;
import dev.lowbit.packing.kv.SalientTokens;
import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;

/**
 * Step 1 of the demo: a video-LLM-sized KV cache (28 query / 4 KV heads, d = 128), quantized with
 * KIVI-2 and VidKV, decode attention with the fused kernels and with FP32.
 *
 * <p>Accuracy comes from {@link KvEval} (the scalar reference over the packed data against exact
 * FP32 attention, over several decode queries); the fused kernels' own output is compared with
 * that reference on the same packed data, so the timed kernel is shown to compute the same thing.
 */
final class KvDemo {
    static final int KV_HEADS = 4;
    static final int Q_HEADS = KV_HEADS * KvCacheGenerator.QUERY_GROUP;
    static final int HEAD_DIM = 128;
    static final int GROUP = 32;
    static final int RESIDUAL = 128;
    static final double SALIENT_RATIO = 0.1;

    /**
     * One scheme's figures. {@code fusedRelL2} is the timed SIMD kernel's output against the scalar
     * reference attention over the same packed cache (exact attention for fp32): it shows the fast
     * kernel computes what the reference computes;
     * schemes measured for accuracy only have {@code bytes = -1} and NaN timing.
     */
    record Row(String scheme, double payloadBits, double honestBits, long bytes, double kRelErr, double vRelErr,
               double attnCosMean, double attnRelL2, double fusedRelL2, double msPerStep) {}

    record Result(int tokens, int queries, int threads, List<Row> rows) {
        Row row(String scheme) {
            return rows.stream().filter(r -> r.scheme.equals(scheme)).findFirst().orElseThrow();
        }
    }

    private KvDemo() {}

    static Result run(int frames, int queries, int threads, long seed, Progress p) {
        KvCacheGenerator gen = new KvCacheGenerator(KV_HEADS, HEAD_DIM, frames, 144, 32, 64, seed);
        int tokens = gen.tokens();
        try (Arena arena = Arena.ofShared(); KernelPool pool = new KernelPool(threads)) {
            KvCacheGenerator.Cache c = p.task("generating a synthetic video-LLM cache: " + tokens + " tokens ("
                    + gen.visionTokens() + " visual), " + KV_HEADS + " KV heads x " + HEAD_DIM, () -> gen.generate(arena));
            float[] k = c.keys().toFloatArray();
            float[] v = c.values().toFloatArray();
            int nq = Math.min(queries, (int) c.queries().shape(1));
            float[] q = c.queries().slice(1, 0, nq).toFloatArray();
            KvEval.Input in = new KvEval.Input(k, v, KV_HEADS, tokens, HEAD_DIM, q, Q_HEADS, nq);
            SalientTokens salient = SalientTokens.fromEmbeddings(c.vision(), c.text(), SALIENT_RATIO, c.visionStart());
            float[] exact = p.task("exact FP32 attention for " + nq + " decode queries x " + Q_HEADS + " heads (reference)",
                    () -> KvEval.exactOutputs(in));
            float[] step = firstQuery(q, nq);
            float[] stepExact = firstQuery(exact, nq);

            List<Row> rows = new ArrayList<>();
            DenseKvCache dense = DenseKvCache.allocate(arena, new AttentionShape(Q_HEADS, KV_HEADS, HEAD_DIM), DType.F32, tokens);
            appendDense(dense, k, v, tokens);
            DecodeAttention fp32 = new DenseAttention(dense, pool);
            rows.add(timed("fp32", KvEval.fp32Row(), dense.bytesRead(), fp32, step, stepExact, p));
            for (String name : List.of("kivi2", "vidkv")) {
                KvScheme scheme = KvScheme.parse(name);
                SalientTokens s = scheme.usesSalience() ? salient : SalientTokens.none();
                QuantizedKvCache cache = QuantizedKvCache.builder(KV_HEADS, HEAD_DIM).scheme(scheme).groupSize(GROUP)
                        .residual(RESIDUAL).salient(s).build(arena);
                p.task("quantizing with " + name, () -> cache.append(k, v, tokens));
                KvCacheSnapshot snap = cache.snapshot();
                KvEval.Row acc = p.task("scoring " + name + "'s reference attention", () -> KvEval.evaluate(name, snap, in, exact));
                long bytes = snap.payloadBytes() + snap.metadataBytes() + snap.residualBytes();
                float[] stepReference = new float[step.length];
                ReferenceAttention.decode(snap, step, Q_HEADS, stepReference);
                rows.add(timed(name, acc, bytes, new QuantizedAttention(cache, Q_HEADS, pool), step, stepReference, p));
            }
            for (String name : List.of("int2", "ternary", "int1")) {
                KvEval.Row acc = p.task("quantizing with " + name + " (accuracy only, for the chart)",
                        () -> KvEval.evaluate(name, KvScheme.parse(name), in, GROUP, RESIDUAL, SalientTokens.none(), exact));
                rows.add(new Row(name, acc.payloadBits(), acc.honestBits(), -1, acc.kRelErr(), acc.vRelErr(), acc.attnCosineMean(),
                        acc.attnRelL2Mean(), Double.NaN, Double.NaN));
            }
            return new Result(tokens, nq, threads, rows);
        }
    }

    /** Times {@code att} on one decode step and compares its output with {@code reference} (the scalar reference on the same data). */
    private static Row timed(String name, KvEval.Row acc, long bytes, DecodeAttention att, float[] q, float[] reference, Progress p) {
        float[] out = new float[q.length];
        double ms = p.task("timing fused decode attention (" + name + ")", () -> QuickTimer.medianMillis(() -> att.attend(q, out), 21));
        att.attend(q, out);
        double err = 0;
        double ref = 0;
        for (int i = 0; i < out.length; i++) {
            err += ((double) out[i] - reference[i]) * ((double) out[i] - reference[i]);
            ref += (double) reference[i] * reference[i];
        }
        return new Row(name, acc.payloadBits(), acc.honestBits(), bytes, acc.kRelErr(), acc.vRelErr(), acc.attnCosineMean(),
                acc.attnRelL2Mean(), Math.sqrt(err / ref), ms);
    }

    /** Query 0 of every head from a [heads][queries][d] array, as one decode step's [heads][d]. */
    private static float[] firstQuery(float[] all, int queries) {
        float[] s = new float[Q_HEADS * HEAD_DIM];
        for (int h = 0; h < Q_HEADS; h++) {
            System.arraycopy(all, h * queries * HEAD_DIM, s, h * HEAD_DIM, HEAD_DIM);
        }
        return s;
    }

    private static void appendDense(DenseKvCache dense, float[] k, float[] v, int tokens) {
        float[] kt = new float[KV_HEADS * HEAD_DIM];
        float[] vt = new float[KV_HEADS * HEAD_DIM];
        for (int t = 0; t < tokens; t++) {
            for (int h = 0; h < KV_HEADS; h++) {
                System.arraycopy(k, (h * tokens + t) * HEAD_DIM, kt, h * HEAD_DIM, HEAD_DIM);
                System.arraycopy(v, (h * tokens + t) * HEAD_DIM, vt, h * HEAD_DIM, HEAD_DIM);
            }
            dense.append(kt, vt);
        }
    }
}
