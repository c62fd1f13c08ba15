package dev.lowbit.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.kernels.parallel.RowPool;
import java.lang.foreign.Arena;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The FP32 Java forward pass against ONNX Runtime on the same ONNX file. */
class OnnxRuntimeMatchTest {
    private static final List<String> SENTENCES = List.of(
            "The cat sat on the mat.",
            "How do I reset my password?",
            "Quantization shrinks the key-value cache of a transformer to a few bits per element!",
            "Café, naïve résumé — accents and punctuation; (brackets) & symbols: 42%.",
            "a",
            "Long sentences make attention attend over many tokens, which is where errors in keys and values "
                    + "would show up first, so this one rambles on about nothing in particular for a while.");

    private static E5Model model;
    private static OrtReference ort;
    private static RowPool pool;
    private static Arena arena;
    private static BertEncoder fp32;

    @BeforeAll
    static void load() {
        model = E5Model.get();
        ort = new OrtReference(model.onnxBytes());
        pool = new RowPool(2);
        arena = Arena.ofShared();
        BertConfig c = model.weights().config();
        fp32 = new BertEncoder(model.weights(), WeightFormat.FP32, new Fp32Attention(c.heads(), c.headDim()), arena, pool);
    }

    @AfterAll
    static void close() {
        ort.close();
        pool.close();
        arena.close();
    }

    @Test
    void fp32EmbeddingsMatchOnnxRuntime() {
        for (String s : SENTENCES) {
            int[] ids = model.tokens(s);
            double cos = Metrics.cosine(fp32.embed(ids), ort.embed(ids));
            assertTrue(cos >= 0.9999, "cosine " + cos + " < 0.9999 for '" + s + "'");
        }
    }

    @Test
    void paddedTokensAreMaskedOutLikeOnnxRuntime() {
        int[] ids = model.tokens("Padding must not change what the real tokens see.");
        int[] padded = java.util.Arrays.copyOf(ids, ids.length + 5); // [PAD] = 0
        float[][] ours = fp32.hiddenStates(padded, ids.length);
        float[][] ref = ort.hiddenStates(padded, ids.length);
        for (int t = 0; t < ids.length; t++) {
            double cos = Metrics.cosine(ours[t], ref[t]);
            assertTrue(cos >= 0.9999, "token " + t + ": cosine " + cos);
        }
        // and the real tokens' states equal those of the unpadded sequence
        float[][] unpadded = fp32.hiddenStates(ids, ids.length);
        for (int t = 0; t < ids.length; t++) {
            assertTrue(Metrics.cosine(ours[t], unpadded[t]) >= 0.99999, "token " + t);
        }
    }
}
