package dev.lowbit.kernels.attention;

import dev.lowbit.kernels.VectorShapes;
import dev.lowbit.kernels.parallel.KernelPool;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The parallel frame every SIMD attention kernel shares: the tokens of each KV head are cut into
 * chunks of {@link #CHUNK} tokens; unit {@code u = kvHead · chunks + chunk} runs an online
 * softmax over its chunk for all the query heads of that KV head into its own partial slot
 * (running max m, sum l, unnormalised output acc). The partials are then merged per query head
 * in chunk order.
 *
 * <p>Chunk size is fixed (not derived from the thread count), units write disjoint slots and the
 * merge order is fixed, so the arithmetic is the same for any number of threads. (The last bits
 * can still differ between JIT tiers: the interpreter and C2 may order {@code reduceLanes(ADD)}
 * and {@code EXP} differently; the properties bound every result against exact attention.)
 * Allocation-free per call once built.
 */
public abstract class SplitAttention implements DecodeAttention, KernelPool.Task {
    private static final VectorSpecies<Float> F = VectorShapes.F;

    /** Tokens per work unit: a multiple of every block size (32) the caches use. */
    public static final int CHUNK = 1024;

    protected final AttentionShape shape;
    protected final int groupSize;
    protected final int headDim;
    private final KernelPool pool;
    /** The query scaled by 1/sqrt(d), {@code [queryHeads][headDim]}. */
    protected final float[] qs;
    /**
     * Partial-state slots per unit: the group size rounded up to 16 floats, so two units (which
     * may run on two threads) never write the same 64-byte line of {@link #partM} / {@link #partL}.
     */
    protected final int slotStride;
    /** Partial state per (unit, head of the group): slot {@code unit · slotStride + h}. */
    protected float[] partM;
    /**
     * Running softmax sums as vectors, {@code partL[slot · L ..]} (L = float lanes): each block adds its
     * probabilities lane-wise, the lanes are summed once per step at the merge ({@link LaneSum}
     * order), not once per block and head.
     */
    protected float[] partL;
    /** {@code partAcc[slot · headDim + i]}. */
    protected float[] partAcc;
    /** Tokens per unit. */
    protected final int chunk;
    private int chunks;
    private int tokens;

    protected SplitAttention(AttentionShape shape, int maxTokens, KernelPool pool) {
        this(shape, maxTokens, pool, CHUNK);
    }

    /** {@code chunk}: tokens per unit (a multiple of the cache's block size); partials sized for {@code maxTokens}, grown if exceeded. */
    protected SplitAttention(AttentionShape shape, int maxTokens, KernelPool pool, int chunk) {
        this.shape = shape;
        this.groupSize = shape.groupSize();
        this.headDim = shape.headDim();
        this.pool = java.util.Objects.requireNonNull(pool, "pool");
        if (chunk <= 0) {
            throw new IllegalArgumentException("chunk must be > 0 tokens, was " + chunk);
        }
        this.chunk = chunk;
        this.slotStride = (groupSize + 15) / 16 * 16;
        this.qs = new float[shape.queryHeads() * headDim];
        size(maxTokens);
    }

    private void size(long maxTokens) {
        int maxUnits = Math.toIntExact(shape.kvHeads() * Math.max(1, (maxTokens + chunk - 1) / chunk));
        this.partM = new float[maxUnits * slotStride];
        this.partL = new float[maxUnits * slotStride * F.length()];
        this.partAcc = new float[Math.multiplyExact(maxUnits * slotStride, headDim)];
    }

    @Override
    public final AttentionShape shape() {
        return shape;
    }

    /** Tokens currently cached. */
    protected abstract int tokens();

    /** Turns the query into the form the kernel scores with (default: scaled by 1/sqrt(d) into {@link #qs}). */
    protected void prepareQuery(float[] q) {
        float s = shape.scale();
        for (int i = 0; i < q.length; i++) {
            qs[i] = q[i] * s;
        }
    }

    /**
     * Runs the online softmax of query heads {@code kvHead·groupSize ..} over tokens
     * {@code [t0, t1)} into partial slots {@code slot .. slot+groupSize-1}, which start as
     * m = −∞, l = 0, acc = 0.
     */
    protected abstract void attendChunk(int kvHead, int t0, int t1, int worker, int slot);

    /** One step at a time per instance (the query, partials and snapshot are per-instance state). */
    @Override
    public final synchronized void attend(float[] q, float[] out) {
        shape.checkQueryArray("q", q);
        shape.checkQueryArray("out", out);
        for (int i = 0; i < q.length; i++) {
            if (!Float.isFinite(q[i])) { // a NaN would turn every output of its head into NaN
                throw new IllegalArgumentException("q[" + i + "] must be finite, found " + q[i]);
            }
        }
        int t = tokens();
        if (t == 0) {
            throw new IllegalStateException("the KV cache is empty: no token to attend to");
        }
        prepareQuery(q);
        tokens = t;
        chunks = (t + chunk - 1) / chunk;
        if ((long) chunks * shape.kvHeads() * slotStride > partM.length) {
            size(2L * t); // the cache outgrew the partial buffers: grow once, not per step
        }
        pool.run(this, shape.kvHeads() * chunks);
        mergeOut = out;
        pool.run(merger, shape.queryHeads()); // one query head per unit: no fixed serial tail per step
        mergeOut = null;
    }

    /** Runs {@code task} over {@code units} on this attention's pool (e.g. per-KV-head query preparation). */
    protected final void runOnPool(KernelPool.Task task, int units) {
        pool.run(task, units);
    }

    @Override
    public final void run(int unit, int worker) {
        int kvHead = unit / chunks;
        int c = unit % chunks;
        int slot = unit * slotStride;
        Arrays.fill(partM, slot, slot + groupSize, Float.NEGATIVE_INFINITY);
        Arrays.fill(partL, slot * F.length(), (slot + groupSize) * F.length(), 0f);
        Arrays.fill(partAcc, slot * headDim, (slot + groupSize) * headDim, 0f);
        int t0 = c * chunk;
        attendChunk(kvHead, t0, Math.min(tokens, t0 + chunk), worker, slot);
    }

    /** The output array of the step being merged (set around the merge run). */
    private float[] mergeOut;
    private final KernelPool.Task merger = (qh, worker) -> merge(mergeOut, qh);

    /** Merges the chunk partials of query head qh, in chunk order (the same bits on any worker). */
    private void merge(float[] out, int qh) {
        int d = headDim;
        int kvHead = qh / groupSize;
        int h = qh % groupSize;
        float m = Float.NEGATIVE_INFINITY;
        for (int c = 0; c < chunks; c++) {
            m = Math.max(m, partM[(kvHead * chunks + c) * slotStride + h]);
        }
        float l = 0;
        Arrays.fill(out, qh * d, qh * d + d, 0f);
        for (int c = 0; c < chunks; c++) {
            int slot = (kvHead * chunks + c) * slotStride + h;
            float w = (float) Math.exp(partM[slot] - m);
            l += LaneSum.sum(partL, slot * F.length()) * w;
            // lane-wise (out + acc·w, two roundings as in the scalar tail): the same bits in any lane
            FloatVector wv = FloatVector.broadcast(F, w);
            int i = 0;
            for (; i + F.length() <= d; i += F.length()) {
                FloatVector.fromArray(F, out, qh * d + i).add(FloatVector.fromArray(F, partAcc, slot * d + i).mul(wv))
                        .intoArray(out, qh * d + i);
            }
            for (; i < d; i++) {
                out[qh * d + i] += partAcc[slot * d + i] * w;
            }
        }
        float inv = 1 / l;
        FloatVector iv = FloatVector.broadcast(F, inv);
        int i = 0;
        for (; i + F.length() <= d; i += F.length()) {
            FloatVector.fromArray(F, out, qh * d + i).mul(iv).intoArray(out, qh * d + i);
        }
        for (; i < d; i++) {
            out[qh * d + i] *= inv;
        }
    }
}
