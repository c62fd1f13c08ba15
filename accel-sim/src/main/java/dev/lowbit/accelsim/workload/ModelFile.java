package dev.lowbit.accelsim.workload;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads user-defined models from a JSON file: one model object, an array of them, or
 * {@code {"models": [...]}}. Field names follow Hugging Face {@code config.json}, so a model's own
 * config file (which has no {@code name}) can be given with a name added:
 * <pre>{@code
 * {"name": "my-7b", "hidden_size": 4096, "num_hidden_layers": 32, "intermediate_size": 11008,
 *  "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 32000,
 *  "gated_ffn": true,
 *  "weight_bits": {"ant": {"decode": 5, "prefill": 5.5}, "olive": {"decode": 4, "prefill": 4.5}}}
 * }</pre>
 * Required: {@code name}, {@code hidden_size}, {@code num_hidden_layers}, {@code intermediate_size}
 * (or OPT's {@code ffn_dim}), {@code num_attention_heads}. Optional: {@code num_key_value_heads}
 * (default: no GQA), {@code vocab_size} (default 0: no LM head), {@code gated_ffn} (default true),
 * {@code display_name}, {@code weight_bits}. Unknown fields are ignored (a full config.json has many).
 * Every error is one line naming the file, the model and the field.
 */
public final class ModelFile {
    private static final Set<String> DESIGNS = Set.of("fp16", "ant", "olive", "bitmod");

    private ModelFile() {
    }

    /** Reads the models of a JSON file. */
    public static List<ModelConfig> read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (java.nio.charset.MalformedInputException e) {
            throw new IOException(file + ": not UTF-8 text", e);
        }
        try {
            return parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }

    /** Parses the models of a JSON text. */
    public static List<ModelConfig> parse(String json) {
        Object root = MiniJson.parse(json);
        List<?> items;
        if (root instanceof Map<?, ?> m && m.containsKey("models")) {
            if (!(m.get("models") instanceof List<?> l)) {
                throw new IllegalArgumentException("models: expected an array of model objects, found " + kind(m.get("models")));
            }
            items = l;
        } else if (root instanceof List<?> l) {
            items = l;
        } else if (root instanceof Map<?, ?>) {
            items = List.of(root);
        } else {
            throw new IllegalArgumentException("expected a model object or an array of them, found " + kind(root));
        }
        if (items.isEmpty()) {
            throw new IllegalArgumentException("models: expected at least one model, found none");
        }
        List<ModelConfig> out = new ArrayList<>();
        for (int k = 0; k < items.size(); k++) {
            if (!(items.get(k) instanceof Map<?, ?> obj)) {
                throw new IllegalArgumentException("models[" + k + "]: expected a model object, found " + kind(items.get(k)));
            }
            ModelConfig m = model(obj, "models[" + k + "]");
            if (out.stream().anyMatch(o -> o.id().equalsIgnoreCase(m.id()))) {
                throw new IllegalArgumentException("models[" + k + "]: name: expected a name not used before, found '"
                        + m.id() + "' again");
            }
            out.add(m);
        }
        return out;
    }

    private static ModelConfig model(Map<?, ?> o, String where) {
        Object nameValue = o.get("name");
        if (!(nameValue instanceof String name) || name.isBlank()) {
            throw new IllegalArgumentException(where + ": name: expected a non-blank string, found " + kind(nameValue));
        }
        String w = name;
        int hidden = integer(o, w, "hidden_size", null);
        int layers = integer(o, w, "num_hidden_layers", null);
        int ffn = o.containsKey("intermediate_size") || !o.containsKey("ffn_dim")
                ? integer(o, w, "intermediate_size", null) : integer(o, w, "ffn_dim", null);
        int heads = integer(o, w, "num_attention_heads", null);
        int kvHeads = integer(o, w, "num_key_value_heads", heads);
        int vocab = integer(o, w, "vocab_size", 0);
        Object gated = o.containsKey("gated_ffn") ? o.get("gated_ffn") : Boolean.TRUE;
        if (!(gated instanceof Boolean g)) {
            throw new IllegalArgumentException(w + ": gated_ffn: expected true or false, found " + kind(gated));
        }
        Object display = o.get("display_name");
        if (display != null && !(display instanceof String)) {
            throw new IllegalArgumentException(w + ": display_name: expected a string, found " + kind(display));
        }
        return new ModelConfig(name.strip(), (String) display, "user file", hidden, layers, ffn, heads, kvHeads, vocab, g,
                weightBits(o.get("weight_bits"), w));
    }

    private static Map<String, Double> weightBits(Object v, String w) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        if (!(v instanceof Map<?, ?> byDesign)) {
            throw new IllegalArgumentException(w + ": weight_bits: expected an object keyed by design, found " + kind(v));
        }
        for (Map.Entry<?, ?> d : byDesign.entrySet()) {
            String design = (String) d.getKey();
            if (!DESIGNS.contains(design)) {
                throw new IllegalArgumentException(w + ": weight_bits." + design + ": expected one of fp16, ant, olive, bitmod");
            }
            if (!(d.getValue() instanceof Map<?, ?> byPhase)) {
                throw new IllegalArgumentException(w + ": weight_bits." + design
                        + ": expected an object {\"decode\": bits, \"prefill\": bits}, found " + kind(d.getValue()));
            }
            for (Map.Entry<?, ?> p : byPhase.entrySet()) {
                String field = "weight_bits." + design + "." + p.getKey();
                Phase phase;
                try {
                    phase = Phase.parse((String) p.getKey());
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(w + ": " + field + ": expected decode or prefill");
                }
                if (!(p.getValue() instanceof Double bits)) {
                    throw new IllegalArgumentException(w + ": " + field + ": expected a number of bits, found " + kind(p.getValue()));
                }
                out.put(design + "." + phase.id(), bits);
            }
        }
        return out;
    }

    private static int integer(Map<?, ?> o, String model, String field, Integer dflt) {
        Object v = o.get(field);
        if (v == null) {
            if (dflt != null) {
                return dflt;
            }
            throw new IllegalArgumentException(model + ": " + field + ": expected a positive integer, found "
                    + (o.containsKey(field) ? "null" : "nothing (missing)"));
        }
        if (!(v instanceof Double d) || d != Math.rint(d) || d < 0 || d > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(model + ": " + field + ": expected a non-negative integer, found " + kind(v));
        }
        return d.intValue();
    }

    private static String kind(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return "the string \"" + s + "\"";
        }
        if (v instanceof Double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString(d.longValue()) : d.toString();
        }
        if (v instanceof Map) {
            return "an object";
        }
        if (v instanceof List) {
            return "an array";
        }
        return v.toString();
    }
}
