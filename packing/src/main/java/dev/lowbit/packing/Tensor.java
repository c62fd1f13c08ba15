package dev.lowbit.packing;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * A dense float tensor in a {@link MemorySegment}: shape, element type, strides (in elements)
 * and an element offset. Row-major when allocated here; views ({@link #slice}, {@link #select},
 * {@link #transpose}, {@link #reshape}) share the segment and never copy.
 *
 * <p>Indexing is {@code long} everywhere, so tensors past 2^31 elements work. Elements are
 * little-endian and read with unaligned accesses, so a tensor may start at any byte offset.
 * The owner of the {@link Arena} decides the lifetime: using a tensor whose arena is closed
 * throws {@link IllegalStateException} (from the FFM API), never crashes.
 */
public final class Tensor {
    /** Allocations are 64-byte aligned: one cache line, one AVX-512 register. */
    public static final long ALIGNMENT = 64;

    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final MemorySegment segment;
    private final DType dtype;
    private final long[] shape;
    private final long[] strides;
    private final long offset;

    private Tensor(MemorySegment segment, DType dtype, long[] shape, long[] strides, long offset) {
        this.segment = segment;
        this.dtype = dtype;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    /** Allocates a zeroed, row-major, 64-byte aligned tensor from {@code arena}. */
    public static Tensor allocate(Arena arena, DType dtype, long... shape) {
        Objects.requireNonNull(arena, "arena");
        Objects.requireNonNull(dtype, "dtype");
        long[] s = shape.clone();
        long bytes = Shapes.byteCount(Shapes.elementCount(s), dtype.byteSize());
        MemorySegment seg = arena.allocate(Math.max(bytes, 1), ALIGNMENT);
        return new Tensor(seg, dtype, s, rowMajorStrides(s), 0);
    }

    /**
     * Wraps {@code segment} as a row-major tensor starting at byte 0 of the segment.
     *
     * @throws IllegalArgumentException if the segment is smaller than the shape needs
     */
    public static Tensor wrap(MemorySegment segment, DType dtype, long... shape) {
        Objects.requireNonNull(segment, "segment");
        long[] s = shape.clone();
        long bytes = Shapes.byteCount(Shapes.elementCount(s), dtype.byteSize());
        if (segment.byteSize() < bytes) {
            throw new IllegalArgumentException("segment of " + segment.byteSize() + " bytes is too small for "
                    + dtype + " shape " + Arrays.toString(s) + " (needs " + bytes + " bytes)");
        }
        return new Tensor(segment, dtype, s, rowMajorStrides(s), 0);
    }

    /** Copies {@code data} into a new tensor of {@code shape} (element counts must match). */
    public static Tensor of(Arena arena, float[] data, long... shape) {
        long n = Shapes.elementCount(shape);
        if (n != data.length) {
            throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " holds " + n
                    + " elements but " + data.length + " were given");
        }
        Tensor t = allocate(arena, DType.F32, shape);
        MemorySegment.copy(data, 0, t.segment, F32, 0, data.length);
        return t;
    }

    static long[] rowMajorStrides(long[] shape) {
        long[] st = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            st[i] = s;
            s *= Math.max(shape[i], 1);
        }
        return st;
    }

    public DType dtype() {
        return dtype;
    }

    public int rank() {
        return shape.length;
    }

    /** A copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    public long shape(int dim) {
        return shape[checkDim(dim)];
    }

    /** A copy of the strides, in elements. */
    public long[] strides() {
        return strides.clone();
    }

    /** Offset of element (0, ..., 0) in elements from the start of {@link #segment()}. */
    public long elementOffset() {
        return offset;
    }

    /** The underlying segment (the whole allocation, not just this view). */
    public MemorySegment segment() {
        return segment;
    }

    public long elementCount() {
        return Shapes.elementCount(shape);
    }

    /** True when the elements are laid out row-major without gaps. */
    public boolean isContiguous() {
        if (elementCount() == 0) {
            return true;
        }
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) {
            if (shape[i] != 1 && strides[i] != s) {
                return false;
            }
            s *= shape[i];
        }
        return true;
    }

    /**
     * The bytes of this tensor when it is contiguous (zero-copy slice of the segment).
     *
     * @throws IllegalStateException if the tensor is a non-contiguous view
     */
    public MemorySegment contiguousSegment() {
        if (!isContiguous()) {
            throw new IllegalStateException("tensor view with strides " + Arrays.toString(strides)
                    + " is not contiguous; copy it with contiguous(arena) first");
        }
        return segment.asSlice(offset * dtype.byteSize(), elementCount() * dtype.byteSize());
    }

    private int checkDim(int dim) {
        if (dim < 0 || dim >= shape.length) {
            throw new IndexOutOfBoundsException("dimension " + dim + " out of range for rank " + shape.length);
        }
        return dim;
    }

    private long elementIndex(long[] idx) {
        if (idx.length != shape.length) {
            throw new IllegalArgumentException("index of rank " + idx.length + " for a tensor of rank " + shape.length);
        }
        long e = offset;
        for (int i = 0; i < idx.length; i++) {
            e += Objects.checkIndex(idx[i], shape[i]) * strides[i];
        }
        return e;
    }

    private float readAt(long element) {
        return switch (dtype) {
            case F32 -> segment.get(F32, element * 4);
            case F16 -> Float.float16ToFloat(segment.get(F16, element * 2));
        };
    }

    private void writeAt(long element, float v) {
        switch (dtype) {
            case F32 -> segment.set(F32, element * 4, v);
            case F16 -> segment.set(F16, element * 2, Float.floatToFloat16(v));
        }
    }

    /** The element at {@code idx} (one index per dimension), as a float. */
    public float get(long... idx) {
        return readAt(elementIndex(idx));
    }

    /** Element (i, j) of a rank-2 tensor. */
    public float get(long i, long j) {
        if (shape.length != 2) {
            throw new IllegalArgumentException("get(i, j) needs a rank-2 tensor, this one has rank " + shape.length);
        }
        return readAt(offset + Objects.checkIndex(i, shape[0]) * strides[0] + Objects.checkIndex(j, shape[1]) * strides[1]);
    }

    /** Sets the element at {@code idx}; F16 tensors round to nearest even. */
    public void set(float value, long... idx) {
        writeAt(elementIndex(idx), value);
    }

    /** Element {@code i} in row-major order of the logical shape (works for any view). */
    public float getFlat(long i) {
        Objects.checkIndex(i, elementCount());
        long e = offset;
        for (int d = shape.length - 1; d >= 0; d--) {
            long n = shape[d];
            e += (i % n) * strides[d];
            i /= n;
        }
        return readAt(e);
    }

    /** Sets element {@code i} in row-major order of the logical shape. */
    public void setFlat(long i, float v) {
        Objects.checkIndex(i, elementCount());
        long e = offset;
        for (int d = shape.length - 1; d >= 0; d--) {
            long n = shape[d];
            e += (i % n) * strides[d];
            i /= n;
        }
        writeAt(e, v);
    }

    /** A view of indices {@code [start, end)} along {@code dim}. */
    public Tensor slice(int dim, long start, long end) {
        checkDim(dim);
        if (start < 0 || end < start || end > shape[dim]) {
            throw new IndexOutOfBoundsException("slice [" + start + ", " + end + ") out of range [0, " + shape[dim]
                    + "] on dimension " + dim);
        }
        long[] s = shape.clone();
        s[dim] = end - start;
        return new Tensor(segment, dtype, s, strides.clone(), offset + start * strides[dim]);
    }

    /** A view with dimension {@code dim} fixed at {@code index} (rank drops by one). */
    public Tensor select(int dim, long index) {
        checkDim(dim);
        Objects.checkIndex(index, shape[dim]);
        long[] s = new long[shape.length - 1];
        long[] st = new long[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != dim) {
                s[j] = shape[i];
                st[j++] = strides[i];
            }
        }
        return new Tensor(segment, dtype, s, st, offset + index * strides[dim]);
    }

    /** A view with dimensions {@code a} and {@code b} swapped. */
    public Tensor transpose(int a, int b) {
        checkDim(a);
        checkDim(b);
        long[] s = shape.clone();
        long[] st = strides.clone();
        s[a] = shape[b];
        s[b] = shape[a];
        st[a] = strides[b];
        st[b] = strides[a];
        return new Tensor(segment, dtype, s, st, offset);
    }

    /** A view with a new shape of the same element count; the tensor must be contiguous. */
    public Tensor reshape(long... newShape) {
        long n = Shapes.elementCount(newShape);
        if (n != elementCount()) {
            throw new IllegalArgumentException("cannot reshape " + Arrays.toString(shape) + " (" + elementCount()
                    + " elements) to " + Arrays.toString(newShape) + " (" + n + " elements)");
        }
        if (!isContiguous()) {
            throw new IllegalStateException("reshape needs a contiguous tensor; copy the view first");
        }
        long[] s = newShape.clone();
        return new Tensor(segment, dtype, s, rowMajorStrides(s), offset);
    }

    /** A contiguous row-major copy in {@code arena} with element type {@code type}. */
    public Tensor copy(Arena arena, DType type) {
        Tensor out = allocate(arena, type, shape);
        long n = elementCount();
        if (isContiguous() && type == dtype) {
            MemorySegment.copy(segment, offset * dtype.byteSize(), out.segment, 0, n * dtype.byteSize());
        } else {
            for (long i = 0; i < n; i++) {
                out.writeAt(i, getFlat(i));
            }
        }
        return out;
    }

    /**
     * All elements in row-major order as a new float array.
     *
     * @throws IllegalStateException if there are more than {@code Integer.MAX_VALUE - 8} elements
     */
    public float[] toFloatArray() {
        long n = elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("tensor of " + n + " elements does not fit a Java array");
        }
        float[] out = new float[(int) n];
        if (isContiguous() && dtype == DType.F32) {
            MemorySegment.copy(segment, F32, offset * 4, out, 0, out.length);
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = getFlat(i);
            }
        }
        return out;
    }

    /**
     * Reads row {@code row} of a rank-2 tensor into {@code dst[dstOff ..]}.
     * Fast path for contiguous F32 rows; any view works.
     */
    public void readRow(long row, float[] dst, int dstOff) {
        if (shape.length != 2) {
            throw new IllegalArgumentException("readRow needs a rank-2 tensor, this one has rank " + shape.length);
        }
        Objects.checkIndex(row, shape[0]);
        long cols = shape[1];
        Objects.checkFromIndexSize(dstOff, cols, dst.length);
        long base = offset + row * strides[0];
        if (dtype == DType.F32 && strides[1] == 1) {
            MemorySegment.copy(segment, F32, base * 4, dst, dstOff, (int) cols);
        } else {
            for (int j = 0; j < cols; j++) {
                dst[dstOff + j] = readAt(base + j * strides[1]);
            }
        }
    }

    @Override
    public String toString() {
        return "Tensor[" + dtype + " " + Arrays.toString(shape) + (isContiguous() ? "" : " strides " + Arrays.toString(strides)) + "]";
    }
}
