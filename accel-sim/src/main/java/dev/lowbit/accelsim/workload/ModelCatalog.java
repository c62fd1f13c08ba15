package dev.lowbit.accelsim.workload;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The six LLMs of the BitMoD paper's hardware evaluation, with the shapes of their public
 * Hugging Face configurations ({@code config.json} of the named repository, fields in
 * {@link ModelConfig}). The LM head is modelled for all six (vocab as published).
 */
public final class ModelCatalog {
    private ModelCatalog() {
    }

    /** facebook/opt-1.3b: hidden 2048, 24 layers, ffn_dim 8192, 32 heads (MHA), vocab 50272, ReLU fc1/fc2 FFN. */
    public static final ModelConfig OPT_1_3B = new ModelConfig("opt-1.3b", "OPT-1.3B",
            "huggingface.co/facebook/opt-1.3b config.json", 2048, 24, 8192, 32, 32, 50272, false);
    /** microsoft/phi-2: hidden 2560, 32 layers, intermediate 10240, 32 heads (MHA), vocab 51200, GELU fc1/fc2 FFN. */
    public static final ModelConfig PHI_2 = new ModelConfig("phi-2", "Phi-2",
            "huggingface.co/microsoft/phi-2 config.json", 2560, 32, 10240, 32, 32, 51200, false);
    /** 01-ai/Yi-6B: hidden 4096, 32 layers, intermediate 11008, 32 heads, 4 KV heads, vocab 64000, gated FFN. */
    public static final ModelConfig YI_6B = new ModelConfig("yi-6b", "Yi-6B",
            "huggingface.co/01-ai/Yi-6B config.json", 4096, 32, 11008, 32, 4, 64000, true);
    /** meta-llama/Llama-2-7b-hf: hidden 4096, 32 layers, intermediate 11008, 32 heads (MHA), vocab 32000, gated FFN. */
    public static final ModelConfig LLAMA_2_7B = new ModelConfig("llama-2-7b", "Llama-2-7B",
            "huggingface.co/meta-llama/Llama-2-7b-hf config.json", 4096, 32, 11008, 32, 32, 32000, true);
    /** meta-llama/Llama-2-13b-hf: hidden 5120, 40 layers, intermediate 13824, 40 heads (MHA), vocab 32000, gated FFN. */
    public static final ModelConfig LLAMA_2_13B = new ModelConfig("llama-2-13b", "Llama-2-13B",
            "huggingface.co/meta-llama/Llama-2-13b-hf config.json", 5120, 40, 13824, 40, 40, 32000, true);
    /** meta-llama/Meta-Llama-3-8B: hidden 4096, 32 layers, intermediate 14336, 32 heads, 8 KV heads, vocab 128256, gated FFN. */
    public static final ModelConfig LLAMA_3_8B = new ModelConfig("llama-3-8b", "Llama-3-8B",
            "huggingface.co/meta-llama/Meta-Llama-3-8B config.json", 4096, 32, 14336, 32, 8, 128256, true);

    /** The six models in the paper's order. */
    public static List<ModelConfig> paperModels() {
        return List.of(OPT_1_3B, PHI_2, YI_6B, LLAMA_2_7B, LLAMA_2_13B, LLAMA_3_8B);
    }

    /** A catalog model by id ({@code llama-2-7b}) or display name ({@code Llama-2-7B}), any case. */
    public static ModelConfig byName(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (ModelConfig m : paperModels()) {
            if (m.id().equals(n) || m.displayName().toLowerCase(Locale.ROOT).equals(n)) {
                return m;
            }
        }
        throw new IllegalArgumentException("models: expected one of "
                + paperModels().stream().map(ModelConfig::id).collect(Collectors.joining(", "))
                + " (or a models file), found '" + name + "'");
    }
}
