package dev.lowbit.propertytests.accel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.lowbit.accelsim.workload.ModelConfig;
import dev.lowbit.accelsim.workload.ModelFile;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** User model files: what is written is read back; any mangled text fails with one IllegalArgumentException line. */
class ModelFileProperties {

    @Provide
    Arbitrary<ModelConfig> models() {
        return Combinators.combine(Arbitraries.strings().alpha().numeric().withChars('-', '.').ofMinLength(1).ofMaxLength(12),
                Arbitraries.of(32, 64, 128), Arbitraries.integers().between(1, 8), Arbitraries.of(1, 2, 4),
                Arbitraries.integers().between(1, 100), Arbitraries.integers().between(1, 50_000),
                Arbitraries.integers().between(0, 200_000), Arbitraries.of(true, false))
                .as((name, hd, kv, g, layers, ffn, vocab, gated) -> new ModelConfig(name, null, "user file",
                        hd * kv * g, layers, ffn, kv * g, kv, vocab, gated,
                        Map.of("ant.decode", 0.25 * (1 + layers % 20), "olive.prefill", 4.5)));
    }

    static String toJson(ModelConfig m) {
        return String.format(Locale.ROOT, "{\"name\": \"%s\", \"hidden_size\": %d, \"num_hidden_layers\": %d, "
                        + "\"intermediate_size\": %d, \"num_attention_heads\": %d, \"num_key_value_heads\": %d, "
                        + "\"vocab_size\": %d, \"gated_ffn\": %b, \"weight_bits\": {\"ant\": {\"decode\": %s}, "
                        + "\"olive\": {\"prefill\": %s}}}",
                m.id(), m.hiddenSize(), m.layers(), m.ffnSize(), m.heads(), m.kvHeads(), m.vocab(), m.gatedFfn(),
                m.weightBitsOverride().get("ant.decode"), m.weightBitsOverride().get("olive.prefill"));
    }

    @Property(tries = 100)
    void roundTrip(@ForAll("models") ModelConfig m) {
        assertEquals(List.of(m), ModelFile.parse(toJson(m)));
    }

    @Property(tries = 200)
    void mangledFilesFailCleanly(@ForAll("models") ModelConfig m, @ForAll int seed) {
        String json = toJson(m);
        java.util.Random r = new java.util.Random(seed);
        StringBuilder b = new StringBuilder(json);
        int edits = 1 + r.nextInt(3);
        for (int k = 0; k < edits && b.length() > 0; k++) {
            int at = r.nextInt(b.length());
            switch (r.nextInt(3)) {
                case 0 -> b.deleteCharAt(at);
                case 1 -> b.insert(at, "{}[],:\"-0e.x".charAt(r.nextInt(12)));
                default -> b.setLength(at);
            }
        }
        try {
            List<ModelConfig> got = ModelFile.parse(b.toString());
            assertFalse(got.isEmpty());
        } catch (IllegalArgumentException e) {
            assertFalse(e.getMessage() == null || e.getMessage().contains("\n"));
        }
    }
}
