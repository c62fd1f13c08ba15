package dev.lowbit.packing.format;

import dev.lowbit.packing.DType;
import dev.lowbit.packing.Shapes;
import dev.lowbit.packing.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * A rank-2 tensor {@code [rows, cols]} packed in one {@link PackedFormat}, in groups of G along
 * one {@link GroupAxis}.
 *
 * <h2>Layout</h2>
 * The tensor is cut into groups, which form a grid of blocks:
 * <ul>
 *   <li>{@link GroupAxis#CHANNEL}: grid {@code [ceil(rows/G), cols]}; block {@code (b, c)} holds
 *       rows {@code b·G .. min(rows, b·G+G)−1} of column {@code c};</li>
 *   <li>{@link GroupAxis#TOKEN}: grid {@code [rows, ceil(cols/G)]}; block {@code (r, b)} holds
 *       columns {@code b·G .. min(cols, b·G+G)−1} of row {@code r}.</li>
 * </ul>
 * Blocks are numbered row-major over the grid. Block {@code k}'s codes start at byte
 * {@code k · codeBytes(G)} of {@link #codes()} and its metadata at {@code k · metaBytes()} of
 * {@link #meta()}; a short last group is padded with zero codes to the full stride. So for a KV
 * cache grouped per channel, one block row is G tokens of every channel, contiguous — what a
 * streaming append writes and what an attention kernel reads.
 *
 * <h2>Input policy</h2>
 * Quantization refuses NaN, ±Inf and values with {@code |x| > 65504} (metadata is FP16) with an
 * {@link IllegalArgumentException} naming the element; subnormal inputs are quantized like any
 * other value (a group of subnormals gets an FP16 scale that may flush to zero: error within
 * the bound). Instances are immutable once built.
 */
public final class QuantizedTensor {
    private final PackedFormat format;
    private final GroupAxis axis;
    private final int groupSize;
    private final long rows;
    private final long cols;
    private final MemorySegment codes;
    private final MemorySegment meta;

    private QuantizedTensor(PackedFormat format, GroupAxis axis, int groupSize, long rows, long cols,
                            MemorySegment codes, MemorySegment meta) {
        this.format = format;
        this.axis = axis;
        this.groupSize = groupSize;
        this.rows = rows;
        this.cols = cols;
        this.codes = codes;
        this.meta = meta;
    }

    /**
     * Largest group size accepted. Every group, a short tail included, takes the full
     * {@code codeBytes(G)}, so an absurd G over a small tensor would allocate gigabytes of padding;
     * 2^20 is far above any real group (KV caches use 32, weights 128) and keeps that bounded.
     */
    public static final int MAX_GROUP_SIZE = 1 << 20;

    /** Throws unless {@code 1 <= groupSize <= MAX_GROUP_SIZE}. */
    static void requireGroupSize(int groupSize) {
        Shapes.requirePositive("group size", groupSize);
        if (groupSize > MAX_GROUP_SIZE) {
            throw new IllegalArgumentException("group size must be <= " + MAX_GROUP_SIZE + ", was " + groupSize);
        }
    }

    /** Bytes of the code section for this geometry. */
    public static long codeSectionBytes(PackedFormat f, GroupAxis axis, int groupSize, long rows, long cols) {
        return Shapes.byteCount(blockCount(axis, groupSize, rows, cols), f.codec().codeBytes(groupSize));
    }

    /** Bytes of the metadata section for this geometry. */
    public static long metaSectionBytes(PackedFormat f, GroupAxis axis, int groupSize, long rows, long cols) {
        return Shapes.byteCount(blockCount(axis, groupSize, rows, cols), f.codec().metaBytes());
    }

    static long blockCount(GroupAxis axis, int groupSize, long rows, long cols) {
        requireGroupSize(groupSize);
        Shapes.elementCount(rows, cols);
        return axis == GroupAxis.CHANNEL
                ? Shapes.elementCount(Shapes.ceilDiv(rows, groupSize), cols)
                : Shapes.elementCount(rows, Shapes.ceilDiv(cols, groupSize));
    }

    /**
     * Quantizes a rank-2 tensor (any view, F32 or F16) with the scalar reference codec.
     *
     * @throws IllegalArgumentException for a tensor that is not rank 2, a group size outside 1..{@link #MAX_GROUP_SIZE},
     *     or a non-finite / out-of-FP16-range element (named by its index)
     */
    public static QuantizedTensor quantize(Tensor src, PackedFormat format, GroupAxis axis, int groupSize, Arena arena) {
        Objects.requireNonNull(src, "src");
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(axis, "axis");
        Objects.requireNonNull(arena, "arena");
        if (src.rank() != 2) {
            throw new IllegalArgumentException("quantize needs a rank-2 tensor [rows, cols], got rank " + src.rank());
        }
        requireGroupSize(groupSize);
        long rows = src.shape(0);
        long cols = src.shape(1);
        GroupCodec codec = format.codec();
        MemorySegment codes = arena.allocate(Math.max(1, codeSectionBytes(format, axis, groupSize, rows, cols)), Tensor.ALIGNMENT);
        MemorySegment meta = arena.allocate(Math.max(1, metaSectionBytes(format, axis, groupSize, rows, cols)), Tensor.ALIGNMENT);
        QuantizedTensor q = new QuantizedTensor(format, axis, groupSize, rows, cols, codes, meta);
        float[] group = new float[q.maxBlockLength()];
        long blocks = q.blockCount();
        for (long k = 0; k < blocks; k++) {
            int len = q.gatherBlock(src, k, group);
            codec.quantize(group, 0, len, codes, k * codec.codeBytes(groupSize), meta, k * codec.metaBytes());
        }
        return q;
    }

    /**
     * Wraps existing sections (from a file or a mapping) after checking their sizes and, when
     * {@code validate} is set, every code and metadata value.
     */
    public static QuantizedTensor wrap(PackedFormat format, GroupAxis axis, int groupSize, long rows, long cols,
                                       MemorySegment codes, MemorySegment meta, boolean validate) {
        requireGroupSize(groupSize);
        long cb = codeSectionBytes(format, axis, groupSize, rows, cols);
        long mb = metaSectionBytes(format, axis, groupSize, rows, cols);
        if (codes.byteSize() < cb) {
            throw new IllegalArgumentException("code section of " + codes.byteSize() + " bytes, expected " + cb);
        }
        if (meta.byteSize() < mb) {
            throw new IllegalArgumentException("metadata section of " + meta.byteSize() + " bytes, expected " + mb);
        }
        QuantizedTensor q = new QuantizedTensor(format, axis, groupSize, rows, cols, codes, meta);
        if (validate) {
            q.validate();
        }
        return q;
    }

    /** Checks every code and metadata value (see {@link GroupCodec#validate}). */
    public void validate() {
        GroupCodec codec = format.codec();
        for (long k = 0; k < blockCount(); k++) {
            codec.validate(codes, k * codec.codeBytes(groupSize), meta, k * codec.metaBytes(), blockLength(k));
        }
    }

    /** Copies block {@code k} of {@code src} into {@code group}; returns its length. */
    private int gatherBlock(Tensor src, long k, float[] group) {
        long r0;
        long c0;
        int len;
        boolean down = axis == GroupAxis.CHANNEL;
        if (down) {
            r0 = (k / cols) * groupSize;
            c0 = k % cols;
            len = (int) Math.min(groupSize, rows - r0);
        } else {
            long perRow = Shapes.ceilDiv(cols, groupSize);
            r0 = k / perRow;
            c0 = (k % perRow) * groupSize;
            len = (int) Math.min(groupSize, cols - c0);
        }
        for (int i = 0; i < len; i++) {
            long r = down ? r0 + i : r0;
            long c = down ? c0 : c0 + i;
            float v = src.get(r, c);
            if (!Float.isFinite(v) || Math.abs(v) > Fp16.MAX) {
                throw new IllegalArgumentException("element (" + r + ", " + c + ") is " + v
                        + "; quantizers take finite values with |x| <= 65504 (FP16 metadata range)");
            }
            group[i] = v;
        }
        return len;
    }

    public PackedFormat format() {
        return format;
    }

    public GroupAxis axis() {
        return axis;
    }

    public int groupSize() {
        return groupSize;
    }

    public long rows() {
        return rows;
    }

    public long cols() {
        return cols;
    }

    /** The code section (all blocks, each {@code codeBytes(G)} long). */
    public MemorySegment codes() {
        return codes;
    }

    /** The metadata section (all blocks, each {@code metaBytes()} long). */
    public MemorySegment meta() {
        return meta;
    }

    /** Number of groups. */
    public long blockCount() {
        return blockCount(axis, groupSize, rows, cols);
    }

    /**
     * The longest block: G, or the tensor's extent along the group axis when that is shorter.
     * Buffers are sized by this, never by G alone (a huge G over a small or empty tensor must
     * not allocate G floats).
     */
    private int maxBlockLength() {
        if (rows == 0 || cols == 0) {
            return 0;
        }
        return (int) Math.min(groupSize, axis == GroupAxis.CHANNEL ? rows : cols);
    }

    /** Number of elements in block {@code k} (G, or fewer for a tail group). */
    public int blockLength(long k) {
        if (axis == GroupAxis.CHANNEL) {
            long r0 = (k / cols) * groupSize;
            return (int) Math.min(groupSize, rows - r0);
        }
        long perRow = Shapes.ceilDiv(cols, groupSize);
        long c0 = (k % perRow) * groupSize;
        return (int) Math.min(groupSize, cols - c0);
    }

    /** The index of the block holding element (r, c). */
    public long blockOf(long r, long c) {
        Objects.checkIndex(r, rows);
        Objects.checkIndex(c, cols);
        return axis == GroupAxis.CHANNEL
                ? (r / groupSize) * cols + c
                : r * Shapes.ceilDiv(cols, groupSize) + c / groupSize;
    }

    /** Element (r, c) dequantized by the scalar reference. */
    public float get(long r, long c) {
        long k = blockOf(r, c);
        int i = (int) (axis == GroupAxis.CHANNEL ? r % groupSize : c % groupSize);
        float[] one = new float[blockLength(k)];
        GroupCodec codec = format.codec();
        codec.dequantize(codes, k * codec.codeBytes(groupSize), meta, k * codec.metaBytes(), one.length, one, 0);
        return one[i];
    }

    /** The whole tensor dequantized by the scalar reference into a new F32 tensor. */
    public Tensor dequantize(Arena arena) {
        Tensor out = Tensor.allocate(arena, DType.F32, rows, cols);
        GroupCodec codec = format.codec();
        float[] group = new float[maxBlockLength()];
        long perRow = Shapes.ceilDiv(cols, groupSize);
        for (long k = 0; k < blockCount(); k++) {
            int len = blockLength(k);
            codec.dequantize(codes, k * codec.codeBytes(groupSize), meta, k * codec.metaBytes(), len, group, 0);
            for (int i = 0; i < len; i++) {
                if (axis == GroupAxis.CHANNEL) {
                    out.set(group[i], (k / cols) * groupSize + i, k % cols);
                } else {
                    out.set(group[i], k / perRow, (k % perRow) * groupSize + i);
                }
            }
        }
        return out;
    }

    /** Bytes of codes, padding included. */
    public long payloadBytes() {
        return codeSectionBytes(format, axis, groupSize, rows, cols);
    }

    /** Bytes of metadata (scales, zero points). */
    public long metadataBytes() {
        return metaSectionBytes(format, axis, groupSize, rows, cols);
    }

    /** The format's nominal code bits per element, without metadata or padding. */
    public double payloadBitsPerElement() {
        return format.payloadBitsPerElement();
    }

    /** Honest bits per element: codes with padding plus all metadata, over the element count. */
    public double bitsPerElement() {
        return (payloadBytes() + metadataBytes()) * 8.0 / Shapes.elementCount(rows, cols);
    }

    /** Honest bits per element for a geometry, without building a tensor. */
    public static double bitsPerElement(PackedFormat f, GroupAxis axis, int groupSize, long rows, long cols) {
        return (codeSectionBytes(f, axis, groupSize, rows, cols) + metaSectionBytes(f, axis, groupSize, rows, cols)) * 8.0
                / Shapes.elementCount(rows, cols);
    }

    @Override
    public String toString() {
        return "QuantizedTensor[" + format + " " + rows + "x" + cols + " " + axis.name().toLowerCase() + " G=" + groupSize + "]";
    }
}
