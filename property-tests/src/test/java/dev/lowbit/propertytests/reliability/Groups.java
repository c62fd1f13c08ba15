package dev.lowbit.propertytests.reliability;

import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.GroupCodec;
import dev.lowbit.packing.format.QuantizedTensor;

/** Test helpers: the elements of one quantization group and the per-element error check. */
final class Groups {
    private Groups() {}

    /** The elements of block {@code k} of {@code q}, read from the source tensor {@code src}. */
    static float[] sourceGroup(QuantizedTensor q, Tensor src, long k) {
        int len = q.blockLength(k);
        float[] g = new float[len];
        int gs = q.groupSize();
        for (int i = 0; i < len; i++) {
            long[] rc = element(q, k, i);
            g[i] = src.get(rc[0], rc[1]);
        }
        return g;
    }

    /** (row, col) of element {@code i} of block {@code k}. */
    static long[] element(QuantizedTensor q, long k, int i) {
        int gs = q.groupSize();
        if (q.axis() == GroupAxis.CHANNEL) {
            return new long[] {(k / q.cols()) * gs + i, k % q.cols()};
        }
        long perRow = Math.ceilDiv(q.cols(), gs);
        return new long[] {k / perRow, (k % perRow) * gs + i};
    }

    /**
     * Asserts every dequantized element is finite and within the codec's documented bound of its
     * source value; returns a description of the first violation, or null.
     */
    static String firstBoundViolation(QuantizedTensor q, Tensor src, Tensor deq) {
        GroupCodec codec = q.format().codec();
        for (long k = 0; k < q.blockCount(); k++) {
            float[] g = sourceGroup(q, src, k);
            float bound = codec.errorBound(g, 0, g.length);
            for (int i = 0; i < g.length; i++) {
                long[] rc = element(q, k, i);
                float y = deq.get(rc[0], rc[1]);
                if (!Float.isFinite(y) || !(Math.abs(y - g[i]) <= bound)) {
                    return q + ": element (" + rc[0] + ", " + rc[1] + ") = " + g[i] + " dequantized to " + y
                            + ", bound " + bound;
                }
            }
        }
        return null;
    }

    /** {@code g} when {@code f} takes groups of g, else the next multiple of 128 (BitMoD groups). */
    static int fit(dev.lowbit.packing.format.PackedFormat f, int g) {
        return f.codec().acceptsGroupSize(g) ? g : Math.ceilDiv(g, 128) * 128;
    }

    /** True when {@code m} is a usable one-line error message. */
    static boolean oneLine(String m) {
        return m != null && !m.isBlank() && m.indexOf('\n') < 0 && m.indexOf('\r') < 0;
    }
}
