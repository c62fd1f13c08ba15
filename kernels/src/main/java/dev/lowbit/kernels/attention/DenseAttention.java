package dev.lowbit.kernels.attention;

import dev.lowbit.kernels.VectorShapes;
import dev.lowbit.kernels.parallel.KernelPool;
import dev.lowbit.packing.DType;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
 * FP32 / FP16-stored SIMD decode attention over a {@link DenseKvCache}: the fair baseline, with
 * the same structure as the fused quantized kernels.
 *
 * <p>Per unit (KV head × chunk, see {@link SplitAttention}) the tokens go by tiles of
 * {@link #TILE} (one key block): F32 keys and values stream from the cache straight into the
 * FMAs; FP16 blocks are first widened (exactly, by bit arithmetic) into per-thread L1 tiles. Keys
 * are scored for every query head of the group with lanes over tokens (no horizontal sums; four
 * heads per loaded key vector), one online-softmax step per tile and head, then
 * {@code acc_h += Σ_j p_hj · v_j} (four heads per loaded value vector).
 *
 * <p>Float error against exact attention: dot products of d terms (|error| ≤ γ_d · Σ|q_i k_i|),
 * the Vector API's exp (≤ a few ulps), and the sums over tokens; the properties check it against
 * a double-precision reference with that bound.
 */
public final class DenseAttention extends SplitAttention {
    /** Tokens per tile (one online-softmax step). */
    public static final int TILE = DenseKvCache.BLOCK;

    private static final VectorSpecies<Float> F = VectorShapes.F;
    private static final VectorSpecies<Integer> I = VectorShapes.I;
    /** Shorts with as many lanes as {@link #F}: the FP16 load. */
    private static final VectorSpecies<Short> SH = ShortVector.SPECIES_PREFERRED.withShape(
            VectorShape.forBitSize(VectorShapes.SHAPE.vectorBitSize() / 2));
    private static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(LE);
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(LE);

    private final DenseKvCache cache;
    private final boolean f16;
    private final boolean copyF32;
    private final float[][] scores;
    /** Query heads per KV head rounded up to whole 8/4-head passes ({@link DenseBlock}). */
    private final int paddedHeads;
    /** The scaled query per KV head and padded head: {@code qpad[(h·paddedHeads + j)·headDim + i]}; pad rows zero. */
    private final float[] qpad;
    private final float[][] kTile;
    private final float[][] vTile;
    /** The tiles as heap segments, for {@link DenseBlock}. */
    private final MemorySegment[] kSeg;
    private final MemorySegment[] vSeg;
    /** Per-worker accumulator hand-over scratch of {@link DenseBlock#values}. */
    private final float[][] tmp;

    public DenseAttention(DenseKvCache cache, KernelPool pool) {
        this(cache, pool, false);
    }

    /** {@code copyF32}: copy F32 blocks into L1 tiles first instead of streaming them into the FMAs (for measurements). */
    public DenseAttention(DenseKvCache cache, KernelPool pool, boolean copyF32) {
        super(Objects.requireNonNull(cache, "cache").shape(), cache.capacity(), pool);
        this.cache = cache;
        if (pool.threads() > 1 && !cache.keys().isAccessibleBy(new Thread(() -> { }))) {
            throw new IllegalArgumentException("cache memory is confined to one thread but the pool has "
                    + pool.threads() + " threads; allocate the cache from a shared, global or automatic arena");
        }
        this.f16 = cache.dtype() == DType.F16;
        this.copyF32 = copyF32;
        int w = pool.threads();
        this.paddedHeads = FusedBlock.paddedHeads(groupSize);
        this.qpad = new float[shape.kvHeads() * paddedHeads * headDim];
        this.scores = new float[w][Math.max(groupSize, paddedHeads) * TILE + FusedBlock.PAD]; // slack: no line shared with the next worker's
        this.kTile = new float[w][TILE * headDim + FusedBlock.PAD];
        this.vTile = new float[w][TILE * headDim + FusedBlock.PAD];
        this.tmp = new float[w][8 * F.length() + FusedBlock.PAD];
        this.kSeg = new MemorySegment[w];
        this.vSeg = new MemorySegment[w];
        for (int i = 0; i < w; i++) {
            kSeg[i] = MemorySegment.ofArray(kTile[i]);
            vSeg[i] = MemorySegment.ofArray(vTile[i]);
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
    protected void prepareQuery(float[] q) {
        super.prepareQuery(q);
        for (int h = 0; h < shape.kvHeads(); h++) {
            System.arraycopy(qs, h * groupSize * headDim, qpad, h * paddedHeads * headDim, groupSize * headDim);
        }
    }

    @Override
    protected void attendChunk(int kvHead, int t0, int t1, int worker, int slot) {
        int d = headDim;
        int cap = cache.capacity();
        float[] s = scores[worker];
        float[] k = kTile[worker];
        float[] v = vTile[worker];
        int q0 = kvHead * groupSize * d;
        for (int tt = t0; tt < t1; tt += TILE) { // t0 and TILE are multiples of the key block
            int n = Math.min(TILE, t1 - tt);
            long e = ((long) kvHead * cap + tt) * d; // first element of the key block and of the value rows
            if (f16 || copyF32) { // widened (or copied) once into L1 tiles, then the same block kernels
                if (f16) {
                    widen(cache.keys(), e * 2, TILE * d, k);
                    widen(cache.values(), e * 2, n * d, v);
                } else {
                    MemorySegment.copy(cache.keys(), F32, e * 4, k, 0, TILE * d);
                    MemorySegment.copy(cache.values(), F32, e * 4, v, 0, n * d);
                }
                DenseBlock.scores(kSeg[worker], 0, d, qpad, kvHead * paddedHeads * d, groupSize, s, TILE);
                SoftmaxTile.update(s, TILE, n, groupSize, partM, partL, partAcc, slot, d);
                DenseBlock.values(vSeg[worker], 0, n, d, s, groupSize, TILE, partAcc, slot * d, tmp[worker]);
            } else { // F32 streams from the cache straight into the FMAs of all heads: no copy
                DenseBlock.scores(cache.keys(), e * 4, d, qpad, kvHead * paddedHeads * d, groupSize, s, TILE);
                SoftmaxTile.update(s, TILE, n, groupSize, partM, partL, partAcc, slot, d);
                DenseBlock.values(cache.values(), e * 4, n, d, s, groupSize, TILE, partAcc, slot * d, tmp[worker]);
            }
        }
    }

    /** Widens {@code count} FP16 values at byte {@code off} of {@code src} into {@code dst[0 ..]}. */
    static void widen(MemorySegment src, long off, int count, float[] dst) {
        widen(src, off, count, dst, 0);
    }

    /** As above, into {@code dst[dstOff ..]}. */
    static void widen(MemorySegment src, long off, int count, float[] dst, int dstOff) {
        int l = F.length();
        int i = 0;
        for (; i <= count - l; i += l) {
            halfToFloat(ShortVector.fromMemorySegment(SH, src, off + i * 2L, LE)).intoArray(dst, dstOff + i);
        }
        for (; i < count; i++) {
            dst[dstOff + i] = Float.float16ToFloat(src.get(F16, off + i * 2L));
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
