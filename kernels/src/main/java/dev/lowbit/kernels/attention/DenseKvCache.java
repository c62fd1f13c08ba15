package dev.lowbit.kernels.attention;

import dev.lowbit.packing.DType;
import dev.lowbit.packing.Tensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * An unquantized KV cache: the baseline the quantized caches are measured against.
 *
 * <p>Layout: keys and values each in their own 64-byte aligned segment, little-endian F32 or F16
 * ({@link DType}); capacity is rounded up to a multiple of {@link #BLOCK} tokens.
 * <ul>
 *   <li>values token-major per KV head: element {@code (head, token, i)} at element index
 *       {@code (head · capacity + token) · headDim + i};</li>
 *   <li>keys in blocks of {@link #BLOCK} tokens, channel-major inside a block (the layout the
 *       quantized caches use for their per-channel codes, so every kernel scores keys the same
 *       way, lanes over tokens, without horizontal sums): element {@code (head, token, i)} at
 *       {@code ((head · capacity + token − token % BLOCK) · headDim) + i · BLOCK + token % BLOCK}.</li>
 * </ul>
 * Slots past {@link #tokens()} are zero.
 */
public final class DenseKvCache {
    /** Tokens per key block. */
    public static final int BLOCK = 32;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final AttentionShape shape;
    private final DType dtype;
    private final int capacity;
    private final MemorySegment keys;
    private final MemorySegment values;
    private int tokens;

    private DenseKvCache(AttentionShape shape, DType dtype, int capacity, MemorySegment keys, MemorySegment values) {
        this.shape = shape;
        this.dtype = dtype;
        this.capacity = capacity;
        this.keys = keys;
        this.values = values;
    }

    /** An empty cache for up to {@code capacity} tokens. */
    public static DenseKvCache allocate(Arena arena, AttentionShape shape, DType dtype, int capacity) {
        Objects.requireNonNull(arena, "arena");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(dtype, "dtype");
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be > 0 tokens, was " + capacity);
        }
        capacity = Math.toIntExact((capacity + (long) BLOCK - 1) / BLOCK * BLOCK);
        long bytes = (long) shape.kvHeads() * capacity * shape.headDim() * dtype.byteSize();
        return new DenseKvCache(shape, dtype, capacity, arena.allocate(bytes, Tensor.ALIGNMENT),
                arena.allocate(bytes, Tensor.ALIGNMENT));
    }

    /**
     * Appends one token: {@code k} and {@code v} hold {@code kvHeads · headDim} floats, head-major.
     *
     * @throws IllegalStateException when the cache is full
     */
    public void append(float[] k, float[] v) {
        int n = shape.kvHeads() * shape.headDim();
        if (k == null || k.length != n || v == null || v.length != n) {
            throw new IllegalArgumentException("k and v must hold kvHeads*headDim = " + n + " floats, found "
                    + (k == null ? "null" : k.length) + " and " + (v == null ? "null" : v.length));
        }
        if (tokens == capacity) {
            throw new IllegalStateException("KV cache full: capacity " + capacity + " tokens");
        }
        int d = shape.headDim();
        for (int h = 0; h < shape.kvHeads(); h++) {
            long e = ((long) h * capacity + tokens) * d;
            for (int i = 0; i < d; i++) {
                set(keys, keyIndex(h, tokens, i), k[h * d + i]);
                set(values, e + i, v[h * d + i]);
            }
        }
        tokens++;
    }

    private void set(MemorySegment s, long element, float x) {
        if (dtype == DType.F32) {
            s.set(F32, element * 4, x);
        } else {
            s.set(F16, element * 2, Float.floatToFloat16(x));
        }
    }

    private float get(MemorySegment s, long element) {
        return dtype == DType.F32 ? s.get(F32, element * 4) : Float.float16ToFloat(s.get(F16, element * 2));
    }

    /** Element index of key {@code (head, token, i)} (see the class comment). */
    long keyIndex(int head, int token, int i) {
        int d = shape.headDim();
        return ((long) head * capacity + token - token % BLOCK) * d + (long) i * BLOCK + token % BLOCK;
    }

    /** Key element {@code i} of {@code token} in {@code head}, as stored (F16 widened). */
    public float key(int head, int token, int i) {
        Objects.checkIndex(token, tokens);
        return get(keys, keyIndex(head, token, Objects.checkIndex(i, shape.headDim())));
    }

    /** Value element {@code i} of {@code token} in {@code head}, as stored (F16 widened). */
    public float value(int head, int token, int i) {
        Objects.checkIndex(token, tokens);
        return get(values, ((long) head * capacity + token) * shape.headDim() + Objects.checkIndex(i, shape.headDim()));
    }

    public AttentionShape shape() {
        return shape;
    }

    public DType dtype() {
        return dtype;
    }

    public int capacity() {
        return capacity;
    }

    public int tokens() {
        return tokens;
    }

    MemorySegment keys() {
        return keys;
    }

    MemorySegment values() {
        return values;
    }

    /** Bytes of keys and values one decode step reads: {@code 2 · kvHeads · tokens · headDim · elementBytes}. */
    public long bytesRead() {
        return 2L * shape.kvHeads() * tokens * shape.headDim() * dtype.byteSize();
    }
}
