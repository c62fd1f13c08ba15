package dev.lowbit.model;

/**
 * BERT encoder hyper-parameters. Everything but the head count is read off the weight shapes;
 * the head count is not in the weights (an ONNX export keeps it only as a Reshape constant), so
 * it is e5-small-v2's: 12 heads of 32 channels.
 */
public record BertConfig(int vocabSize, int hidden, int layers, int heads, int intermediate, int maxPositions,
                         int typeVocabSize, float layerNormEps) {
    static final int E5_SMALL_HEADS = 12;

    public BertConfig {
        if (hidden % heads != 0) {
            throw new IllegalArgumentException("hidden size " + hidden + " is not a multiple of " + heads + " heads");
        }
    }

    public int headDim() {
        return hidden / heads;
    }
}
