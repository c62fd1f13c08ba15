package dev.lowbit.accelsim.array;

import dev.lowbit.accelsim.pe.BitSerialPe;

/**
 * Activations [tokens, cols] quantized to INT8 with one symmetric scale per token
 * ({@link BitSerialPe#quantizeInt8}): activation = codes[t·cols + i] · scales[t].
 *
 * @param tokens rows
 * @param cols   input channels
 * @param codes  tokens · cols INT8 values, row-major
 * @param scales one scale per token
 */
public record Int8Activations(int tokens, int cols, byte[] codes, float[] scales) {
    public Int8Activations {
        if (tokens <= 0 || cols <= 0 || codes.length != tokens * cols || scales.length != tokens) {
            throw new IllegalArgumentException("activations: expected " + tokens + " x " + cols + " codes and "
                    + tokens + " scales, found " + codes.length + " and " + scales.length);
        }
    }

    /** Quantizes row-major float activations, one scale per token. */
    public static Int8Activations quantize(float[] x, int tokens, int cols) {
        if (x.length != (long) tokens * cols) {
            throw new IllegalArgumentException("x: expected " + (long) tokens * cols + " floats, found " + x.length);
        }
        byte[] q = new byte[tokens * cols];
        float[] s = new float[tokens];
        for (int t = 0; t < tokens; t++) {
            s[t] = BitSerialPe.quantizeInt8(x, t * cols, cols, q, t * cols);
        }
        return new Int8Activations(tokens, cols, q, s);
    }
}
