package dev.lowbit.propertytests.accel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.quicktheories.QuickTheory.qt;

import dev.lowbit.accelsim.workload.ModelConfig;
import dev.lowbit.accelsim.workload.ModelFile;
import java.util.List;
import java.util.Locale;
import dev.lowbit.testsupport.Gens;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/** User model files: what is written is read back; any mangled text fails with one IllegalArgumentException line. */
class ModelFileProperties {

    static final String NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-.";

    static Gen<ModelConfig> models() {
        Gen<String> names = Gens.strings(NAME_CHARS, 1, 12);
        Gen<Integer> headDim = Gens.oneOf(32, 64, 128);
        Gen<Integer> kvHeads = Gens.ints(1, 8);
        Gen<Integer> group = Gens.oneOf(1, 2, 4);
        Gen<Integer> layerss = Gens.ints(1, 100);
        Gen<Integer> ffns = Gens.ints(1, 50_000);
        Gen<Integer> vocabs = Gens.ints(0, 200_000);
        Gen<Boolean> gateds = Gens.booleans();
        return in -> {
            String name = names.generate(in);
            int hd = headDim.generate(in);
            int kv = kvHeads.generate(in);
            int g = group.generate(in);
            int layers = layerss.generate(in);
            return new ModelConfig(name, null, "user file", hd * kv * g, layers, ffns.generate(in), kv * g, kv,
                    vocabs.generate(in), gateds.generate(in), Map.of("ant.decode", 0.25 * (1 + layers % 20), "olive.prefill", 4.5));
        };
    }

    static String toJson(ModelConfig m) {
        return String.format(Locale.ROOT, "{\"name\": \"%s\", \"hidden_size\": %d, \"num_hidden_layers\": %d, "
                        + "\"intermediate_size\": %d, \"num_attention_heads\": %d, \"num_key_value_heads\": %d, "
                        + "\"vocab_size\": %d, \"gated_ffn\": %b, \"weight_bits\": {\"ant\": {\"decode\": %s}, "
                        + "\"olive\": {\"prefill\": %s}}}",
                m.id(), m.hiddenSize(), m.layers(), m.ffnSize(), m.heads(), m.kvHeads(), m.vocab(), m.gatedFfn(),
                m.weightBitsOverride().get("ant.decode"), m.weightBitsOverride().get("olive.prefill"));
    }

    @Test
    void roundTrip() {
        qt().withExamples(100).forAll(models()).checkAssert(m -> assertEquals(List.of(m), ModelFile.parse(toJson(m))));
    }

    @Test
    void mangledFilesFailCleanly() {
        qt().withExamples(200).forAll(models(), Gens.anyInt()).checkAssert(ModelFileProperties::mangledFileFailsCleanly);
    }

    private static void mangledFileFailsCleanly(ModelConfig m, int seed) {
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
