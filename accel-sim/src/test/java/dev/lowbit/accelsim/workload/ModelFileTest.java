package dev.lowbit.accelsim.workload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelFileTest {

    @Test
    void readsAHuggingFaceStyleModel() {
        List<ModelConfig> ms = ModelFile.parse("""
                {"name": "my-llama", "hidden_size": 4096, "num_hidden_layers": 32, "intermediate_size": 11008,
                 "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 32000,
                 "rope_theta": 10000.0, "architectures": ["LlamaForCausalLM"], "tie_word_embeddings": false,
                 "weight_bits": {"ant": {"decode": 4.5, "prefill": 5}}}
                """);
        assertEquals(1, ms.size());
        ModelConfig m = ms.get(0);
        assertEquals(new ModelConfig("my-llama", null, "user file", 4096, 32, 11008, 32, 8, 32000, true,
                java.util.Map.of("ant.decode", 4.5, "ant.prefill", 5.0)), m);
        assertEquals(4.5, m.weightBitsFor("ant", Phase.DECODE).orElseThrow());
        assertFalse(m.weightBitsFor("olive", Phase.DECODE).isPresent());
    }

    @Test
    void readsArraysAndModelsObjectsAndOptFieldNames() {
        String one = "{\"name\": \"opt\", \"hidden_size\": 2048, \"num_hidden_layers\": 24, \"ffn_dim\": 8192,"
                + " \"num_attention_heads\": 32, \"gated_ffn\": false}";
        assertEquals(2, ModelFile.parse("[" + one + "," + one.replace("\"opt\"", "\"opt2\"") + "]").size());
        ModelConfig m = ModelFile.parse("{\"models\": [" + one + "]}").get(0);
        assertEquals(8192, m.ffnSize());
        assertEquals(32, m.kvHeads());
        assertEquals(0, m.vocab());
        assertFalse(m.gatedFfn());
    }

    @Test
    void malformedFilesNameTheField() {
        assertMessage("{\"name\": \"x\", \"hidden_size\": 64}", "x: num_hidden_layers: expected a positive integer, found nothing (missing)");
        assertMessage("{\"name\": \"x\", \"hidden_size\": \"64\", \"num_hidden_layers\": 2}", "x: hidden_size: expected a non-negative integer, found the string \"64\"");
        assertMessage("{\"name\": \"x\", \"hidden_size\": 64.5}", "hidden_size");
        assertMessage("{\"hidden_size\": 64}", "models[0]: name");
        assertMessage(base() + ", \"gated_ffn\": 1}", "x: gated_ffn: expected true or false");
        assertMessage(base() + ", \"num_attention_heads\": 5}", "num_attention_heads");
        assertMessage(base() + ", \"weight_bits\": {\"tpu\": {}}}", "weight_bits.tpu");
        assertMessage(base() + ", \"weight_bits\": {\"ant\": {\"train\": 4}}}", "weight_bits.ant.train");
        assertMessage(base() + ", \"weight_bits\": {\"ant\": {\"decode\": -1}}}", "weight_bits.ant.decode");
        assertMessage("{\"name\": \"x\",}", "JSON: expected a quoted field name at offset");
        assertMessage("{\"name\": \"x\"} trailing", "JSON: expected end of input");
        assertMessage("[]", "at least one model");
        assertMessage("42", "expected a model object");
        assertMessage("{\"a\": 1, \"a\": 2}", "appears twice");
        assertMessage("[" + base() + "}, " + base() + "}]", "models[1]: name: expected a name not used before, found 'x' again");
    }

    private static String base() {
        return "{\"name\": \"x\", \"hidden_size\": 64, \"num_hidden_layers\": 2, \"intermediate_size\": 128,"
                + " \"num_attention_heads\": 4";
    }

    private static void assertMessage(String json, String expected) {
        var e = assertThrows(IllegalArgumentException.class, () -> ModelFile.parse(json));
        assertTrue(e.getMessage().contains(expected), "message: " + e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void fileErrorsNameTheFile(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("m.json");
        Files.writeString(f, "{\"name\": \"x\"}");
        var e = assertThrows(IllegalArgumentException.class, () -> ModelFile.read(f));
        assertTrue(e.getMessage().startsWith(f + ": x: hidden_size"), e.getMessage());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> ModelFile.read(dir.resolve("missing.json")));
    }

    @Test
    void jsonStringsAndNumbers() {
        Object v = MiniJson.parse("{\"s\": \"a\\\"b\\u0041\\n\", \"n\": -1.5e2, \"l\": [true, null, 0]}");
        var m = (java.util.Map<?, ?>) v;
        assertEquals("a\"bA\n", m.get("s"));
        assertEquals(-150.0, m.get("n"));
        assertEquals(java.util.Arrays.asList(true, null, 0.0), m.get("l"));
        assertThrows(IllegalArgumentException.class, () -> MiniJson.parse("{\"s\": \"unterminated}"));
        assertThrows(IllegalArgumentException.class, () -> MiniJson.parse("-"));
        assertThrows(IllegalArgumentException.class, () -> MiniJson.parse(""));
    }

    @Test
    void bundledExampleParses() throws Exception {
        List<ModelConfig> ms = ModelFile.read(Path.of("examples/models.json"));
        assertEquals(List.of("qwen2-7b", "opt-6.7b"), ms.stream().map(ModelConfig::id).toList());
        assertEquals(5.0, ms.get(0).weightBitsFor("ant", Phase.DECODE).orElseThrow());
        assertEquals(16384, ms.get(1).ffnSize());
    }

    @Test
    void releasedPrecisionFileHasTheCatalogShapes() throws Exception {
        List<ModelConfig> ms = ModelFile.read(Path.of("examples/released-sim-precisions.json"));
        assertEquals(6, ms.size());
        for (ModelConfig m : ms) {
            ModelConfig c = ModelCatalog.byName(m.id());
            assertEquals(List.of(c.hiddenSize(), c.layers(), c.ffnSize(), c.heads(), c.kvHeads(), c.vocab()),
                    List.of(m.hiddenSize(), m.layers(), m.ffnSize(), m.heads(), m.kvHeads(), m.vocab()), m.id());
            assertEquals(c.gatedFfn(), m.gatedFfn());
            assertEquals(m.weightBitsFor("ant", Phase.DECODE), m.weightBitsFor("ant", Phase.PREFILL));
        }
    }
}
