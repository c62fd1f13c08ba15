/**
 * A real model end to end on lowbit: the e5-small-v2 BERT encoder in Java, its attention on the
 * quantized KV cache, its linear layers on the low-bit GEMV, and ONNX Runtime as the reference.
 */
module dev.lowbit.model {
    requires transitive dev.lowbit.kernels;
    requires com.microsoft.onnxruntime;

    exports dev.lowbit.model;
}
