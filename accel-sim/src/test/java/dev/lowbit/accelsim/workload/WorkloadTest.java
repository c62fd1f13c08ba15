package dev.lowbit.accelsim.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class WorkloadTest {

    /** Linear weights plus the input embedding reproduce the published parameter counts (norms are the rest). */
    @Test
    void catalogShapesMatchPublishedParameterCounts() {
        check(ModelCatalog.LLAMA_2_7B, 6_738_415_616L);
        check(ModelCatalog.LLAMA_3_8B, 8_030_261_248L);
        check(ModelCatalog.LLAMA_2_13B, 13_015_864_320L);
        check(ModelCatalog.YI_6B, 6_061_035_520L);
    }

    private static void check(ModelConfig m, long published) {
        long ours = m.linearWeights() + (long) m.vocab() * m.hiddenSize();
        double rel = Math.abs(ours - published) / (double) published;
        assertTrue(rel < 1e-4, m.id() + ": " + ours + " vs published " + published);
    }

    @Test
    void decodeOpsOfLlama3() {
        Workload w = Workload.of(ModelCatalog.LLAMA_3_8B, Phase.DECODE, 256);
        Map<String, LayerOp> ops = w.ops().stream().collect(Collectors.toMap(LayerOp::name, o -> o));
        assertEquals(new LayerOp("k_proj", OpKind.LINEAR, 1024, 4096, 1, 32), ops.get("k_proj"));
        assertEquals(new LayerOp("down_proj", OpKind.LINEAR, 4096, 14336, 1, 32), ops.get("down_proj"));
        // 4 query heads share each of 8 KV heads: QK is K[256,128] against 4 query rows, per layer and KV head
        assertEquals(new LayerOp("attn_qk", OpKind.ATTENTION_QK, 256, 128, 4, 32 * 8), ops.get("attn_qk"));
        assertEquals(new LayerOp("attn_sv", OpKind.ATTENTION_SV, 128, 256, 4, 32 * 8), ops.get("attn_sv"));
        assertEquals(new LayerOp("lm_head", OpKind.LINEAR, 128256, 4096, 1, 1), ops.get("lm_head"));
        // decode MACs = every linear weight once + attention 2 · heads · headDim · context per layer
        long attention = 2L * 32 * 32 * 128 * 256;
        assertEquals(ModelCatalog.LLAMA_3_8B.linearWeights() + attention, w.macs());
    }

    @Test
    void prefillUsesContextTokensAndPlainFfn() {
        Workload w = Workload.of(ModelCatalog.OPT_1_3B, Phase.PREFILL, 256);
        List<String> names = w.ops().stream().map(LayerOp::name).toList();
        assertEquals(List.of("q_proj", "k_proj", "v_proj", "o_proj", "fc1", "fc2", "attn_qk", "attn_sv", "lm_head"), names);
        assertTrue(w.ops().stream().filter(o -> o.kind() == OpKind.LINEAR).allMatch(o -> o.tokens() == 256));
        LayerOp qk = w.ops().get(6);
        assertEquals(256, qk.tokens()); // MHA: one query head per KV head, 256 query tokens
        assertEquals(24 * 32, qk.count());
    }

    @Test
    void noLmHeadWhenVocabIsZero() {
        ModelConfig m = new ModelConfig("tiny", null, "", 64, 2, 128, 4, 2, 0, true);
        assertTrue(Workload.of(m, Phase.DECODE, 16).ops().stream().noneMatch(o -> o.name().equals("lm_head")));
        assertEquals("tiny", m.displayName());
    }

    @Test
    void badShapesAreRefusedWithTheField() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> new ModelConfig("m", null, "", 100, 2, 128, 3, 3, 0, true));
        assertTrue(e.getMessage().contains("num_attention_heads"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new ModelConfig("m", null, "", 64, 2, 128, 4, 3, 0, true));
        assertTrue(e.getMessage().contains("num_key_value_heads"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Workload.of(ModelCatalog.PHI_2, Phase.DECODE, 0));
        assertTrue(e.getMessage().contains("context"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Phase.parse("both"));
        assertEquals(ModelCatalog.PHI_2, ModelCatalog.byName("Phi-2"));
    }
}
