package dev.lowbit.kernels.attention;

import dev.lowbit.kernels.VectorShapes;
import dev.lowbit.packing.DType;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.Objects;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * FP32 / FP16-stored SIMD decode attention over a {@link DenseKvCache}: the fair baseline.
 *
 * <p>Per unit (KV head × chunk, see {@link SplitAttention}) the tokens go by tiles of
 * {@link #TILE}: scores of the tile for every query head of the group (each key row loaded once
 * from memory, then reused from L1 by the group's heads), one online-softmax step per tile and
 * head, then {@code acc_h += Σ_j p_hj · v_j}. FP16 tiles are widened to a per-thread F32 scratch
 * once (exact conversion by bit arithmetic), then run through the same F32 loops.
 *
 * <p>Float error against exact attention: dot products of d terms in L-lane partial sums
 * (|error| ≤ γ_d · Σ|q_i k_i|), the Vector API's exp (≤ a few ulps), and the sums over tokens;
 * the properties check it against a double-precision reference with that bound.
 */
public final class DenseAttention extends SplitAttention {
    /** Tokens per tile (one online-softmax step). */
    public static final int TILE = 32;

    private static final VectorSpecies<Float> F = VectorShapes.F;
    private static final VectorSpecies<Integer> I = VectorShapes.I;
    /** Shorts with as many lanes as {@link #F}: the FP16 load. */
    private static final VectorSpecies<Short> SH = ShortVector.SPECIES_PREFERRED.withShape(
            VectorShape.forBitSize(VectorShapes.SHAPE.vectorBitSize() / 2));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    private final DenseKvCache cache;
    private final boolean f16;
    private final float[][] scores;
    private final MemorySegment[] kTile;
    private final MemorySegment[] vTile;

    public DenseAttention(DenseKvCache cache, KernelPool pool) {
        super(Objects.requireNonNull(cache, "cache").shape(), cache.capacity(), pool);
        this.cache = cache;
        if (pool.threads() > 1 && !cache.keys().isAccessibleBy(new Thread(() -> { }))) {
            throw new IllegalArgumentException("cache memory is confined to one thread but the pool has "
                    + pool.threads() + " threads; allocate the cache from a shared, global or automatic arena");
        }
        this.f16 = cache.dtype() == DType.F16;
        int w = pool.threads();
        this.scores = new float[w][groupSize * TILE];
        this.kTile = new MemorySegment[w];
        this.vTile = new MemorySegment[w];
        if (f16) {
            Arena arena = Arena.ofAuto();
            for (int i = 0; i < w; i++) {
                kTile[i] = arena.allocate((long) TILE * headDim * 4, 64);
                vTile[i] = arena.allocate((long) TILE * headDim * 4, 64);
            }
        }
    }

    @Override
    protected int tokens() {
        return cache.tokens();
    }

    @Override
    public long bytesRead() {
        return cache.bytesRead();
    }

    @Override
    protected void attendChunk(int kvHead, int t0, int t1, int worker, int slot) {
        int d = headDim;
        long headBase = (long) kvHead * cache.capacity() * d;
        float[] s = scores[worker];
        for (int tt = t0; tt < t1; tt += TILE) {
            int n = Math.min(TILE, t1 - tt);
            MemorySegment ks;
            MemorySegment vs;
            long off;
            if (f16) {
                ks = kTile[worker];
                vs = vTile[worker];
                widen(cache.keys(), (headBase + (long) tt * d) * 2, n * d, ks);
                widen(cache.values(), (headBase + (long) tt * d) * 2, n * d, vs);
                off = 0;
            } else {
                ks = cache.keys();
                vs = cache.values();
                off = (headBase + (long) tt * d) * 4;
            }
            int q0 = kvHead * groupSize * d;
            boolean full = d % F.length() == 0;
            for (int j = 0; j < n; j++) {
                long row = off + (long) j * d * 4;
                int h = 0;
                if (full) { // four heads per pass: each key vector loaded once feeds four accumulators
                    for (; h + 4 <= groupSize; h += 4) {
                        dot4(qs, q0 + h * d, ks, row, d, s, h * TILE + j);
                    }
                }
                for (; h < groupSize; h++) {
                    s[h * TILE + j] = dot(qs, q0 + h * d, ks, row, d);
                }
            }
            SoftmaxTile.update(s, TILE, n, groupSize, partM, partL, partAcc, slot, d);
            int h = 0;
            if (full) {
                for (; h + 4 <= groupSize; h += 4) {
                    accumulate4(s, h * TILE, n, vs, off, d, partAcc, (slot + h) * d);
                }
            }
            for (; h < groupSize; h++) {
                accumulate(s, h * TILE, n, vs, off, d, partAcc, (slot + h) * d);
            }
        }
    }

    /** {@code q[qOff ..] · row}, row = d floats at byte {@code off} of {@code seg}. */
    static float dot(float[] q, int qOff, MemorySegment seg, long off, int d) {
        int l = F.length();
        FloatVector acc = FloatVector.zero(F);
        int i = 0;
        for (; i <= d - l; i += l) {
            acc = FloatVector.fromArray(F, q, qOff + i).fma(FloatVector.fromMemorySegment(F, seg, off + i * 4L, LE), acc);
        }
        if (i < d) {
            VectorMask<Float> m = F.indexInRange(i, d);
            acc = FloatVector.fromArray(F, q, qOff + i, m).fma(FloatVector.fromMemorySegment(F, seg, off + i * 4L, LE, m), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /** Four heads' scores against one key row (d a multiple of the lane count): {@code s[sOff + h·TILE]}. */
    static void dot4(float[] q, int qOff, MemorySegment seg, long off, int d, float[] s, int sOff) {
        int l = F.length();
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = a0;
        FloatVector a2 = a0;
        FloatVector a3 = a0;
        for (int i = 0; i < d; i += l) {
            FloatVector k = FloatVector.fromMemorySegment(F, seg, off + i * 4L, LE);
            a0 = FloatVector.fromArray(F, q, qOff + i).fma(k, a0);
            a1 = FloatVector.fromArray(F, q, qOff + d + i).fma(k, a1);
            a2 = FloatVector.fromArray(F, q, qOff + 2 * d + i).fma(k, a2);
            a3 = FloatVector.fromArray(F, q, qOff + 3 * d + i).fma(k, a3);
        }
        s[sOff] = a0.reduceLanes(VectorOperators.ADD);
        s[sOff + TILE] = a1.reduceLanes(VectorOperators.ADD);
        s[sOff + 2 * TILE] = a2.reduceLanes(VectorOperators.ADD);
        s[sOff + 3 * TILE] = a3.reduceLanes(VectorOperators.ADD);
    }

    /** Four heads at once of {@link #accumulate}: each value vector loaded once feeds four accumulators. */
    static void accumulate4(float[] p, int pOff, int n, MemorySegment seg, long off, int d, float[] acc, int aOff) {
        int l = F.length();
        for (int i = 0; i < d; i += l) {
            FloatVector a0 = FloatVector.fromArray(F, acc, aOff + i);
            FloatVector a1 = FloatVector.fromArray(F, acc, aOff + d + i);
            FloatVector a2 = FloatVector.fromArray(F, acc, aOff + 2 * d + i);
            FloatVector a3 = FloatVector.fromArray(F, acc, aOff + 3 * d + i);
            long o = off + i * 4L;
            for (int j = 0; j < n; j++) {
                FloatVector v = FloatVector.fromMemorySegment(F, seg, o + (long) j * d * 4, LE);
                a0 = v.fma(FloatVector.broadcast(F, p[pOff + j]), a0);
                a1 = v.fma(FloatVector.broadcast(F, p[pOff + TILE + j]), a1);
                a2 = v.fma(FloatVector.broadcast(F, p[pOff + 2 * TILE + j]), a2);
                a3 = v.fma(FloatVector.broadcast(F, p[pOff + 3 * TILE + j]), a3);
            }
            a0.intoArray(acc, aOff + i);
            a1.intoArray(acc, aOff + d + i);
            a2.intoArray(acc, aOff + 2 * d + i);
            a3.intoArray(acc, aOff + 3 * d + i);
        }
    }

    /** {@code acc[aOff ..] += Σ_j p[pOff + j] · row_j}, rows of d floats from byte {@code off}. */
    static void accumulate(float[] p, int pOff, int n, MemorySegment seg, long off, int d, float[] acc, int aOff) {
        int l = F.length();
        int i = 0;
        for (; i <= d - l; i += l) {
            FloatVector a = FloatVector.fromArray(F, acc, aOff + i);
            long o = off + i * 4L;
            for (int j = 0; j < n; j++) {
                a = FloatVector.fromMemorySegment(F, seg, o + (long) j * d * 4, LE).fma(FloatVector.broadcast(F, p[pOff + j]), a);
            }
            a.intoArray(acc, aOff + i);
        }
        if (i < d) {
            VectorMask<Float> m = F.indexInRange(i, d);
            FloatVector a = FloatVector.fromArray(F, acc, aOff + i, m);
            long o = off + i * 4L;
            for (int j = 0; j < n; j++) {
                a = FloatVector.fromMemorySegment(F, seg, o + (long) j * d * 4, LE, m).fma(FloatVector.broadcast(F, p[pOff + j]), a);
            }
            a.intoArray(acc, aOff + i, m);
        }
    }

    /** Widens {@code count} FP16 values at byte {@code off} of {@code src} into F32 at the start of {@code dst}. */
    static void widen(MemorySegment src, long off, int count, MemorySegment dst) {
        int l = F.length();
        int i = 0;
        for (; i <= count - l; i += l) {
            halfToFloat(ShortVector.fromMemorySegment(SH, src, off + i * 2L, LE)).intoMemorySegment(dst, i * 4L, LE);
        }
        for (; i < count; i++) {
            dst.set(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, i * 4L,
                    Float.float16ToFloat(src.get(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, off + i * 2L)));
        }
    }

    /**
     * Exact binary16 → binary32 of {@code F.length()} lanes: magnitude bits shifted into float
     * position and scaled by 2^112 (right for normals and subnormals), Inf/NaN patched to
     * exponent 255, then the sign.
     */
    static FloatVector halfToFloat(ShortVector h16) {
        IntVector h = (IntVector) h16.convertShape(VectorOperators.S2I, I, 0);
        IntVector e = h.and(0x7fff);
        IntVector bits = e.lanewise(VectorOperators.LSHL, 13);
        IntVector mag = bits.reinterpretAsFloats().mul(0x1p112f).reinterpretAsInts();
        mag = mag.blend(bits.or(0x70000000), e.compare(VectorOperators.GE, 0x7c00));
        return mag.or(h.and(0x8000).lanewise(VectorOperators.LSHL, 16)).reinterpretAsFloats();
    }
}
