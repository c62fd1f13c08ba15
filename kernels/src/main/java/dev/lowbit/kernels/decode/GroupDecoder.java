package dev.lowbit.kernels.decode;

import dev.lowbit.packing.format.GroupCodec;
import dev.lowbit.packing.format.QuantizedTensor;
import java.util.Objects;

/**
 * Bulk decode of consecutive groups of a {@link QuantizedTensor} into a float tile.
 *
 * <p>Tile layout: group {@code firstBlock + i} is written to {@code out[outOff + i·G ..]}, one
 * slot of G floats per group; a short tail group writes only its {@code blockLength} elements
 * and leaves the rest of its slot untouched. For a tensor grouped per channel a block row (G
 * tokens of every channel) therefore becomes a channel-major tile {@code [cols][G]}.
 *
 * <p>Two implementations: {@link ScalarGroupDecoder} (the packing codecs, the reference) and
 * {@link SimdGroupDecoder} (Vector API). They agree bit for bit: the decode is exact arithmetic
 * (a sign or trit times the FP16 scale, or {@code fma(q, step, min)}).
 */
public interface GroupDecoder {

    /**
     * Decodes {@code blocks} groups starting at group {@code firstBlock}.
     *
     * @throws IllegalArgumentException if the group range is outside the tensor or {@code out}
     *     is too short for {@code blocks · G} floats from {@code outOff}
     */
    void decode(QuantizedTensor q, long firstBlock, int blocks, float[] out, int outOff);

    /** Shared argument checks, with messages naming the argument. */
    static void checkArgs(QuantizedTensor q, long firstBlock, int blocks, float[] out, int outOff) {
        Objects.requireNonNull(q, "q");
        Objects.requireNonNull(out, "out");
        if (blocks < 0) {
            throw new IllegalArgumentException("blocks must be >= 0, was " + blocks);
        }
        if (firstBlock < 0 || firstBlock > q.blockCount() - blocks) {
            throw new IllegalArgumentException("groups [" + firstBlock + ", " + (firstBlock + blocks)
                    + ") out of range: the tensor has " + q.blockCount() + " groups");
        }
        long need = (long) blocks * q.groupSize();
        if (outOff < 0 || outOff > out.length - need) {
            throw new IllegalArgumentException("out of length " + out.length + " cannot hold " + blocks + " groups of "
                    + q.groupSize() + " floats from offset " + outOff);
        }
    }

    /** The codec-based reference. */
    GroupDecoder SCALAR = new ScalarGroupDecoder();
    /** The Vector API kernel. */
    GroupDecoder SIMD = new SimdGroupDecoder();

    /** The reference implementation: one {@link GroupCodec#dequantize} per group. */
    final class ScalarGroupDecoder implements GroupDecoder {
        ScalarGroupDecoder() {}

        @Override
        public void decode(QuantizedTensor q, long firstBlock, int blocks, float[] out, int outOff) {
            checkArgs(q, firstBlock, blocks, out, outOff);
            GroupCodec codec = q.format().codec();
            int g = q.groupSize();
            long cb = codec.codeBytes(g);
            long mb = codec.metaBytes();
            for (int i = 0; i < blocks; i++) {
                long k = firstBlock + i;
                codec.dequantize(q.codes(), k * cb, q.meta(), k * mb, q.blockLength(k), out, outOff + i * g);
            }
        }
    }
}
