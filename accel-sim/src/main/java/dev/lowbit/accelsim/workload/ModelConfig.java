package dev.lowbit.accelsim.workload;

import java.util.Map;
import java.util.Optional;

/**
 * The shape of a decoder-only transformer, as read from its public configuration
 * (Hugging Face {@code config.json} field names in brackets).
 *
 * <p>Per decoder layer the linear layers are the Q, K, V and output projections and the FFN:
 * gated (Llama family: gate, up, down) or plain (OPT, Phi-2: fc1, fc2). K and V project to
 * {@code kvHeads · headDim} channels (grouped-query attention). The LM head [vocab, hidden] is
 * modelled when {@code vocab > 0}, as in the authors' simulator, whose shape profiler records every
 * {@code nn.Linear} of the model, {@code lm_head} included. Embeddings, norms, biases, rotary
 * embeddings, softmax and activations are not modelled (no MACs on the PE array).
 *
 * @param id                short name used on the command line, e.g. {@code llama-2-7b}
 * @param displayName       name for tables and charts, e.g. {@code Llama-2-7B}
 * @param source            where the numbers come from
 * @param hiddenSize        [hidden_size]
 * @param layers            [num_hidden_layers]
 * @param ffnSize           [intermediate_size] or OPT's [ffn_dim]
 * @param heads             [num_attention_heads]
 * @param kvHeads           [num_key_value_heads], equal to {@code heads} without GQA
 * @param vocab             [vocab_size]; 0 leaves the LM head out
 * @param gatedFfn          true for a gate/up/down FFN, false for fc1/fc2
 * @param weightBitsOverride optional per-design weight precisions for this model, keyed
 *                          {@code "<design>.<phase>"} (e.g. {@code "ant.decode"}), replacing the
 *                          design's default for models it has no published precision for
 */
public record ModelConfig(String id, String displayName, String source, int hiddenSize, int layers, int ffnSize,
                          int heads, int kvHeads, int vocab, boolean gatedFfn, Map<String, Double> weightBitsOverride) {

    public ModelConfig {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("name: expected a non-blank model name, found '" + id + "'");
        }
        displayName = displayName == null || displayName.isBlank() ? id : displayName;
        source = source == null ? "" : source;
        positive(id, "hidden_size", hiddenSize);
        positive(id, "num_hidden_layers", layers);
        positive(id, "intermediate_size", ffnSize);
        positive(id, "num_attention_heads", heads);
        positive(id, "num_key_value_heads", kvHeads);
        if (vocab < 0) {
            throw new IllegalArgumentException(id + ": vocab_size: expected >= 0 (0 = no LM head), found " + vocab);
        }
        if (hiddenSize % heads != 0) {
            throw new IllegalArgumentException(id + ": num_attention_heads: expected a divisor of hidden_size "
                    + hiddenSize + ", found " + heads);
        }
        if (heads % kvHeads != 0) {
            throw new IllegalArgumentException(id + ": num_key_value_heads: expected a divisor of num_attention_heads "
                    + heads + ", found " + kvHeads);
        }
        weightBitsOverride = weightBitsOverride == null ? Map.of() : Map.copyOf(weightBitsOverride);
        for (Map.Entry<String, Double> e : weightBitsOverride.entrySet()) {
            double b = e.getValue();
            if (!(b > 0 && b <= 32)) {
                throw new IllegalArgumentException(id + ": weight_bits." + e.getKey()
                        + ": expected a precision in (0, 32] bits, found " + b);
            }
        }
    }

    /** A model without per-design precision overrides. */
    public ModelConfig(String id, String displayName, String source, int hiddenSize, int layers, int ffnSize,
                       int heads, int kvHeads, int vocab, boolean gatedFfn) {
        this(id, displayName, source, hiddenSize, layers, ffnSize, heads, kvHeads, vocab, gatedFfn, Map.of());
    }

    /** Channels per attention head. */
    public int headDim() {
        return hiddenSize / heads;
    }

    /** Query heads sharing one KV head (1 without grouped-query attention). */
    public int queriesPerKvHead() {
        return heads / kvHeads;
    }

    /** This model's own weight precision for a design and phase, when it carries one. */
    public Optional<Double> weightBitsFor(String designId, Phase phase) {
        return Optional.ofNullable(weightBitsOverride.get(designId + "." + phase.id()));
    }

    /** Weights of the linear layers (LM head included when modelled): the model's parameter count without embeddings and norms. */
    public long linearWeights() {
        long kv = (long) kvHeads * headDim();
        long perLayer = 2L * hiddenSize * hiddenSize + 2L * kv * hiddenSize
                + (gatedFfn ? 3L : 2L) * ffnSize * hiddenSize;
        return perLayer * layers + (long) vocab * hiddenSize;
    }

    private static void positive(String id, String field, int v) {
        if (v <= 0) {
            throw new IllegalArgumentException(id + ": " + field + ": expected a positive integer, found " + v);
        }
    }
}
