package dev.lowbit.packing.format;

import java.lang.foreign.MemorySegment;

/**
 * The scalar reference of one packed format, one quantization group at a time: how a group of
 * at most G floats becomes codes and metadata, and how they become floats again.
 *
 * <p>Every group occupies exactly {@link #codeBytes(int) codeBytes(G)} code bytes and
 * {@link #metaBytes()} metadata bytes, also a short tail group (its unused codes are zero), so
 * group {@code i} of a tensor lives at {@code i * codeBytes(G)} in the code section and at
 * {@code i * metaBytes()} in the metadata section. Codes and metadata live in separate sections
 * so kernels stream codes without striding over scales.
 *
 * <p>These methods are written for clarity, not speed: SIMD kernels are tested against them.
 * Inputs must be finite with {@code |x| <= 65504} (metadata is FP16); {@link QuantizedTensor}
 * checks that before calling in.
 */
public interface GroupCodec {

    PackedFormat format();

    /** Whether this format can store groups of {@code groupSize} elements (BitMoD needs multiples of 128). */
    default boolean acceptsGroupSize(int groupSize) {
        return groupSize > 0;
    }

    /** Code bytes of one group of {@code groupSize} elements (a tail group takes the same). */
    int codeBytes(int groupSize);

    /** Metadata bytes per group (FP16 scale, zero point, type id...). */
    int metaBytes();

    /** Quantizes {@code x[off, off+len)} into one group's codes and metadata. */
    void quantize(float[] x, int off, int len, MemorySegment codes, long codeOff, MemorySegment meta, long metaOff);

    /** Dequantizes one group of {@code len} elements into {@code out[outOff, outOff+len)}. */
    void dequantize(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, int len, float[] out, int outOff);

    /** The raw code of element {@code i} of a group (trits as -1/0/+1, INT2 as 0..3, INT1 as 0/1). */
    int code(MemorySegment codes, long codeOff, int i);

    /**
     * Checks that the first {@code len} codes of a group are valid codes of this format and that
     * the metadata is finite.
     *
     * @throws IllegalArgumentException naming the first invalid code or metadata value
     */
    void validate(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, int len);

    /**
     * The largest {@code |x - dequantize(quantize(x))|} this format guarantees for the group
     * {@code x[off, off+len)}: the documented error bound the properties hold it to.
     */
    float errorBound(float[] x, int off, int len);
}
