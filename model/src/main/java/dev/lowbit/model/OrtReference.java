package dev.lowbit.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.util.Map;

/**
 * The reference: ONNX Runtime runs the same ONNX file ({@code last_hidden_state}), then the same
 * pooling as {@link BertEncoder#embed} (mean over attended tokens, L2 norm).
 */
public final class OrtReference implements AutoCloseable {
    private final OrtEnvironment env;
    private final OrtSession session;

    public OrtReference(byte[] onnx) {
        try {
            env = OrtEnvironment.getEnvironment();
            OrtSession.SessionOptions opts = new OrtSession.SessionOptions();
            opts.setIntraOpNumThreads(Math.max(1, Runtime.getRuntime().availableProcessors()));
            session = env.createSession(onnx, opts);
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime could not load the model: " + e.getMessage(), e);
        }
    }

    /** Last hidden states [tokens][hidden] of one sequence with attention mask {@code 1^keys 0^(n−keys)}. */
    public float[][] hiddenStates(int[] ids, int keys) {
        int n = ids.length;
        long[][] inputIds = new long[1][n];
        long[][] mask = new long[1][n];
        long[][] types = new long[1][n];
        for (int t = 0; t < n; t++) {
            inputIds[0][t] = ids[t];
            mask[0][t] = t < keys ? 1 : 0;
        }
        try (OnnxTensor a = OnnxTensor.createTensor(env, inputIds);
             OnnxTensor b = OnnxTensor.createTensor(env, mask);
             OnnxTensor c = OnnxTensor.createTensor(env, types);
             OrtSession.Result r = session.run(Map.of("input_ids", a, "attention_mask", b, "token_type_ids", c))) {
            float[][][] out = (float[][][]) r.get(0).getValue();
            return out[0];
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
        }
    }

    /** The sentence embedding: mean over the attended tokens, unit length. */
    public float[] embed(int[] ids) {
        float[][] h = hiddenStates(ids, ids.length);
        float[] e = new float[h[0].length];
        for (float[] row : h) {
            for (int c = 0; c < e.length; c++) {
                e[c] += row[c];
            }
        }
        return Metrics.normalize(e);
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
