package dev.lowbit.accelsim.workload;

import java.util.ArrayList;
import java.util.List;

/**
 * The matrix operations of one forward pass of a model in one phase.
 *
 * <p>Decode: one new token ({@code T = 1}) through every linear layer, attending to
 * {@code context} cached keys and values. Prefill: {@code T = context} tokens through every linear
 * layer and dense (unmasked) {@code context × context} attention, as the authors' simulator models it
 * (a dense array does not skip the causally masked half).
 *
 * <p>Attention per decoder layer and KV head (the {@code queriesPerKvHead} query heads of a GQA
 * group share one key/value operand, so they are the streaming tokens):
 * QK: stationary K [context, headDim], input [q·T, headDim];
 * SV: stationary Vᵀ [headDim, context], input scores [q·T, context].
 *
 * @param model   the model
 * @param phase   decode or prefill
 * @param context cached tokens (decode) or prompt tokens (prefill)
 * @param ops     the operations, each with its repeat count
 */
public record Workload(ModelConfig model, Phase phase, int context, List<LayerOp> ops) {
    /** The context length of the paper's evaluation. */
    public static final int PAPER_CONTEXT = 256;

    public Workload {
        ops = List.copyOf(ops);
    }

    /** Builds the operations of {@code model} in {@code phase} with {@code context} tokens. */
    public static Workload of(ModelConfig model, Phase phase, int context) {
        if (context <= 0) {
            throw new IllegalArgumentException("context: expected a positive token count, found " + context);
        }
        long t = phase == Phase.DECODE ? 1 : context;
        long h = model.hiddenSize();
        long kv = (long) model.kvHeads() * model.headDim();
        long n = model.layers();
        List<LayerOp> ops = new ArrayList<>();
        ops.add(new LayerOp("q_proj", OpKind.LINEAR, h, h, t, n));
        ops.add(new LayerOp("k_proj", OpKind.LINEAR, kv, h, t, n));
        ops.add(new LayerOp("v_proj", OpKind.LINEAR, kv, h, t, n));
        ops.add(new LayerOp("o_proj", OpKind.LINEAR, h, h, t, n));
        if (model.gatedFfn()) {
            ops.add(new LayerOp("gate_proj", OpKind.LINEAR, model.ffnSize(), h, t, n));
            ops.add(new LayerOp("up_proj", OpKind.LINEAR, model.ffnSize(), h, t, n));
            ops.add(new LayerOp("down_proj", OpKind.LINEAR, h, model.ffnSize(), t, n));
        } else {
            ops.add(new LayerOp("fc1", OpKind.LINEAR, model.ffnSize(), h, t, n));
            ops.add(new LayerOp("fc2", OpKind.LINEAR, h, model.ffnSize(), t, n));
        }
        long queries = model.queriesPerKvHead() * t;
        long perHead = n * model.kvHeads();
        ops.add(new LayerOp("attn_qk", OpKind.ATTENTION_QK, context, model.headDim(), queries, perHead));
        ops.add(new LayerOp("attn_sv", OpKind.ATTENTION_SV, model.headDim(), context, queries, perHead));
        if (model.vocab() > 0) {
            ops.add(new LayerOp("lm_head", OpKind.LINEAR, model.vocab(), h, t, 1));
        }
        return new Workload(model, phase, context, ops);
    }

    /** Total multiply-accumulates of the pass. */
    public long macs() {
        long s = 0;
        for (LayerOp op : ops) {
            s = Math.addExact(s, Math.multiplyExact(op.macs(), op.count()));
        }
        return s;
    }
}
