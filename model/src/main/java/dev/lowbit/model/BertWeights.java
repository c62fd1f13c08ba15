package dev.lowbit.model;

/**
 * The weights of a BERT encoder as the forward pass uses them, taken from an exported ONNX graph.
 *
 * <p>Linear layers are {@link Dense}: weight {@code [out][in]} row-major (one output row per
 * GEMV row, groups along the input dimension, as lowbit's GEMV wants) plus bias. PyTorch's export
 * stores them as anonymous {@code onnx::MatMul_N} initializers of shape {@code [in, out]}, found by
 * following the MatMul node of each Linear ({@code /encoder/layer.L/attention/self/query/MatMul},
 * …) and transposed here; biases and LayerNorm parameters keep their module names.
 */
public record BertWeights(BertConfig config, float[] wordEmbeddings, float[] positionEmbeddings,
                          float[] tokenTypeEmbeddings, Norm embeddingNorm, Layer[] layers) {

    /** y = W·x + b with W {@code [out][in]} row-major. */
    public record Dense(int out, int in, float[] weight, float[] bias) {
    }

    /** LayerNorm scale and shift. */
    public record Norm(float[] gamma, float[] beta) {
    }

    /** One encoder layer. */
    public record Layer(Dense query, Dense key, Dense value, Dense attentionOut, Norm attentionNorm,
                        Dense intermediate, Dense output, Norm outputNorm) {
        /** The six linear layers, in forward order. */
        public Dense[] linears() {
            return new Dense[] {query, key, value, attentionOut, intermediate, output};
        }
    }

    /** Maps the initializers of a BERT ONNX export (HF {@code BertModel}) to weights. */
    public static BertWeights from(OnnxWeights onnx) {
        OnnxWeights.Tensor word = onnx.tensor("embeddings.word_embeddings.weight");
        OnnxWeights.Tensor pos = onnx.tensor("embeddings.position_embeddings.weight");
        OnnxWeights.Tensor type = onnx.tensor("embeddings.token_type_embeddings.weight");
        int layers = 0;
        while (onnx.tensors().containsKey("encoder.layer." + layers + ".attention.self.query.bias")) {
            layers++;
        }
        if (layers == 0) {
            throw new IllegalArgumentException("ONNX model has no encoder.layer.0.* initializers: not a BERT export");
        }
        int hidden = word.dim(1);
        int ffn = onnx.tensor("encoder.layer.0.intermediate.dense.bias").dim(0);
        BertConfig cfg = new BertConfig(word.dim(0), hidden, layers, BertConfig.E5_SMALL_HEADS, ffn, pos.dim(0), type.dim(0), 1e-12f);
        Layer[] ls = new Layer[layers];
        for (int l = 0; l < layers; l++) {
            String p = "encoder.layer." + l + ".";
            String n = "/encoder/layer." + l + "/";
            ls[l] = new Layer(
                    dense(onnx, n + "attention/self/query/MatMul", p + "attention.self.query.bias"),
                    dense(onnx, n + "attention/self/key/MatMul", p + "attention.self.key.bias"),
                    dense(onnx, n + "attention/self/value/MatMul", p + "attention.self.value.bias"),
                    dense(onnx, n + "attention/output/dense/MatMul", p + "attention.output.dense.bias"),
                    norm(onnx, p + "attention.output.LayerNorm"),
                    dense(onnx, n + "intermediate/dense/MatMul", p + "intermediate.dense.bias"),
                    dense(onnx, n + "output/dense/MatMul", p + "output.dense.bias"),
                    norm(onnx, p + "output.LayerNorm"));
        }
        return new BertWeights(cfg, word.data(), pos.data(), type.data(), norm(onnx, "embeddings.LayerNorm"), ls);
    }

    private static Norm norm(OnnxWeights onnx, String prefix) {
        return new Norm(onnx.tensor(prefix + ".weight").data(), onnx.tensor(prefix + ".bias").data());
    }

    /** The Linear behind MatMul node {@code node}: its [in, out] initializer transposed to [out][in]. */
    private static Dense dense(OnnxWeights onnx, String node, String bias) {
        OnnxWeights.Tensor w = onnx.matMulWeight(node);
        float[] b = onnx.tensor(bias).data();
        if (w.dims().length != 2 || w.dim(1) != b.length) {
            throw new IllegalArgumentException("MatMul " + node + ": weight " + java.util.Arrays.toString(w.dims())
                    + " does not match bias of " + b.length);
        }
        int in = w.dim(0);
        int out = w.dim(1);
        float[] t = new float[out * in];
        float[] src = w.data();
        for (int i = 0; i < in; i++) {
            for (int o = 0; o < out; o++) {
                t[o * in + i] = src[i * out + o];
            }
        }
        return new Dense(out, in, t, b);
    }
}
