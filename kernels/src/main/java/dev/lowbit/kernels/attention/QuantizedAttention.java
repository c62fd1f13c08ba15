package dev.lowbit.kernels.attention;

import dev.lowbit.kernels.VectorShapes;
import dev.lowbit.kernels.kv.KvCacheSnapshot;
import dev.lowbit.kernels.kv.QuantizedKvCache;
import dev.lowbit.kernels.parallel.KernelPool;
import dev.lowbit.packing.kv.KvBlockCodec;
import java.util.Objects;

/**
 * Fused decode attention over a {@link QuantizedKvCache} (KIVI-2, VidKV, and the plain
 * per-channel INT1 / INT2 / TERNARY2 schemes), straight from the packed blocks: no dequantized
 * copy of the cache, no score buffer larger than a block, one online-softmax step per block and
 * query head; the residual FP32 window is attended in place.
 *
 * <p><b>Default path (G = 32): register-fused blocks</b> ({@link FusedBlock}). Each key row of a
 * block is decoded into a vector of tokens in registers and multiplied into the scores of all
 * query heads of the KV head at once (passes of 8, 7 or 4 heads); each value code vector is
 * decoded once and multiplied into all heads' outputs, per-channel scales applied once per
 * block. VidKV's salient tokens (INT2 side rows) are kept with their raw scores and summed in
 * batches of up to 32 rows per unit ({@link SalientRows}), not per block. Bit-exact against
 * {@link FusedBlockReference}.
 *
 * <p><b>Float-tile path</b> (other group sizes, or {@code fused = false}): each block is decoded
 * once into L1 float tiles (keys channel-major, values token-major) used by every head: the
 * simple path and the fallback.
 *
 * <p>Keys are scored in the codec's domain with a query prepared once per step and head
 * ({@link KvBlockCodec#prepareQuery}): for VidKV the normal channels' query is transformed once
 * and dotted with the 1-bit spectrum directly (Parseval), never inverse-transforming a key.
 *
 * <p>Each call attends the snapshot taken at its start. The result does not depend on the thread
 * count (fixed units, fixed merge order, fixed-order lane sums). Float error against exact
 * attention over the same packed data: the prepared query rounded to float, dot products of d
 * terms, the polynomial exp, sums over tokens — bounded in the properties. Allocation-free per
 * call once the head's key codecs are known (VidKV's query transform is tabulated once per head).
 */
public final class QuantizedAttention extends SplitAttention {
    private static final int L = VectorShapes.F.length();
    /**
     * Tokens per work unit (rounded down to whole blocks): half of {@link SplitAttention#CHUNK}, so a
     * 16k-token step of 4 KV heads is 128 units and a thread that is preempted (the other core
     * busy) leaves at most one short unit for the other to wait on; the merge over 4 more
     * partials per head costs ~0.1% of the step.
     */
    static final int UNIT_TOKENS = 512;

    private final QuantizedKvCache cache;
    private final int g;
    private final int stride;
    private final KvTileDecoder.KeyPlan[] keyPlans;
    private final KvTileDecoder.ValuePlan[] valuePlans;
    /** Prepared, 1/sqrt(d)-scaled query per query head: {@code qp[qh · headDim + r]}. */
    private final float[] qp;
    private final float[][] kt;
    private final float[][] vt;
    private final float[][] scores;
    private final KvTileDecoder.ValueScratch[] vscratch;
    private KvCacheSnapshot snap;
    /** Integer key scoring ({@link IntegerKeyScorer}) where the key plan allows it; else float. */
    private final boolean integerKeys;
    /** Per worker and KV head (null: float path for that head). */
    private final KeyBitPlanes[][] keyBits;
    private final IntegerKeyScorer[][] keyScorers;
    /** Per KV head: the expanded query of its query heads ({@link KeyBitPlanes#expandQuery}), integer path only. */
    private final float[][] qx;
    private final boolean fused;
    /** Query heads per KV head rounded up to whole fused passes. */
    private final int paddedHeads;
    private final FusedBlock[] blocks;
    /** Per worker: L floats for a lane sum (the residual window's dot products). */
    private final float[][] lanes;
    /** Per worker: VidKV's salient rows of the unit being attended, summed in batches. */
    private final SalientRows[] salient;
    /** Per KV head: the fused layouts (null: tile path for that head). */
    private final FusedBlock.KeyLayout[] keyLayouts;
    private final FusedBlock.ValuesLayout[] valueLayouts;
    /** Head slots per KV head in {@link #qpad} ({@link FusedBlock#interleavedHeads}). */
    private final int qSlots;
    /** Prepared query per KV head, interleaved for the fused key kernels ({@link FusedBlock#interleaveQuery}) from {@code h·qSlots·headDim}. */
    private final float[] qpad;

    public QuantizedAttention(QuantizedKvCache cache, int queryHeads, KernelPool pool) {
        this(cache, queryHeads, pool, false, true);
    }

    /** See {@link #QuantizedAttention(QuantizedKvCache, int, KernelPool, boolean, boolean)}; register-fused blocks on. */
    public QuantizedAttention(QuantizedKvCache cache, int queryHeads, KernelPool pool, boolean integerKeys) {
        this(cache, queryHeads, pool, integerKeys, true);
    }

    /**
     * @param integerKeys score keys with int8 query weights and AND + popcount on bit planes
     *     ({@link IntegerKeyScorer}, error bound there) for heads whose keys are INT1 / INT2 rows
     *     at G = 32 (VidKV, KIVI-2, int1, int2); other heads keep the float path
     * @param fused decode G = 32 blocks in registers straight into the scores and outputs of all
     *     query heads of a KV head ({@link FusedBlock}); false: the float-tile path for every block
     *     (the simple path, kept for A/B and as the fallback for other group sizes)
     */
    public QuantizedAttention(QuantizedKvCache cache, int queryHeads, KernelPool pool, boolean integerKeys, boolean fused) {
        this(cache, queryHeads, pool, integerKeys, fused, false);
    }

    /**
     * As above, and {@code tableValues}: in the fused path, per-channel ternary values (VidKV,
     * ternary) summed on the codes by int16 pair tables ({@link TernaryPairTables}); false (the
     * default): decoded to floats in registers and FMA-ed per head, which measured faster here
     * (vpermw is two uops on the Intel cores tried; see TernaryPairTables).
     */
    public QuantizedAttention(QuantizedKvCache cache, int queryHeads, KernelPool pool, boolean integerKeys, boolean fused,
                              boolean tableValues) {
        super(new AttentionShape(queryHeads, Objects.requireNonNull(cache, "cache").kvHeads(), cache.headDim()),
                4096, pool, cache.groupSize() * Math.max(1, UNIT_TOKENS / cache.groupSize()));
        this.cache = cache;
        this.g = cache.groupSize();
        this.stride = KvTileDecoder.roundUp(g, 2 * L);
        this.keyPlans = new KvTileDecoder.KeyPlan[shape.kvHeads()];
        this.valuePlans = new KvTileDecoder.ValuePlan[shape.kvHeads()];
        this.qp = new float[shape.queryHeads() * headDim];
        int w = pool.threads();
        this.kt = new float[w][headDim * stride];
        this.vt = new float[w][g * headDim];
        this.fused = fused && !integerKeys;
        this.paddedHeads = FusedBlock.paddedHeads(groupSize);
        this.scores = new float[w][Math.max(groupSize, paddedHeads) * stride + FusedBlock.PAD]; // slack: no line shared with the next worker's
        this.blocks = new FusedBlock[w];
        this.salient = new SalientRows[w];
        this.lanes = new float[w][L + FusedBlock.PAD];
        for (int i = 0; i < w; i++) {
            blocks[i] = new FusedBlock(headDim, headDim, tableValues);
            salient[i] = new SalientRows(headDim, groupSize);
        }
        this.keyLayouts = new FusedBlock.KeyLayout[shape.kvHeads()];
        this.valueLayouts = new FusedBlock.ValuesLayout[shape.kvHeads()];
        this.qSlots = FusedBlock.interleavedHeads(groupSize);
        this.qpad = new float[shape.kvHeads() * qSlots * headDim];
        this.vscratch = new KvTileDecoder.ValueScratch[w];
        for (int i = 0; i < w; i++) {
            vscratch[i] = new KvTileDecoder.ValueScratch(g, headDim);
        }
        this.integerKeys = integerKeys;
        this.keyBits = new KeyBitPlanes[w][shape.kvHeads()];
        this.keyScorers = new IntegerKeyScorer[w][shape.kvHeads()];
        this.qx = new float[shape.kvHeads()][];
    }

    @Override
    protected int tokens() {
        snap = cache.snapshot();
        return Math.toIntExact(snap.tokens());
    }

    @Override
    public long bytesRead() {
        KvCacheSnapshot s = cache.snapshot();
        return s.payloadBytes() + s.metadataBytes() + s.residualBytes();
    }

    @Override
    protected void prepareQuery(float[] q) {
        super.prepareQuery(q); // qs: scaled raw query, for the residual window
        query = q;
        runOnPool(preparer, shape.kvHeads()); // KV heads in parallel: each writes only its own plans and rows
        query = null;
    }

    /** The query of the step being prepared (set around the preparation run). */
    private float[] query;
    private final KernelPool.Task preparer = (h, worker) -> prepareHead(h, query);

    /** Plans (rebuilt when the head's codec changed) and prepared, interleaved query rows of KV head h. */
    private void prepareHead(int h, float[] q) {
        float scale = shape.scale();
        KvBlockCodec kc = snap.keyCodec(h);
        if (kc == null) {
            return; // nothing packed yet for this head
        }
        if (keyPlans[h] == null || keyPlans[h].codec != kc) {
            keyPlans[h] = new KvTileDecoder.KeyPlan(kc);
            boolean ok = integerKeys && KeyBitPlanes.supports(keyPlans[h]);
            for (int wk = 0; wk < keyBits.length; wk++) {
                keyBits[wk][h] = ok ? new KeyBitPlanes(keyPlans[h]) : null;
                keyScorers[wk][h] = ok ? new IntegerKeyScorer(keyBits[wk][h]) : null;
            }
            qx[h] = ok ? new float[groupSize * keyBits[0][h].expandedLength()] : null;
            keyLayouts[h] = fused ? FusedBlock.KeyLayout.of(keyPlans[h]) : null;
        }
        if (valuePlans[h] == null || valuePlans[h].codec != snap.valueCodec(h)) {
            valuePlans[h] = new KvTileDecoder.ValuePlan(snap.valueCodec(h));
            valueLayouts[h] = fused ? FusedBlock.ValuesLayout.of(snap.valueCodec(h)) : null;
        }
        for (int j = 0; j < groupSize; j++) {
            int qh = h * groupSize + j;
            KvTileDecoder.prepare(keyPlans[h], q, qh * headDim, scale, qp, qh * headDim);
            if (qx[h] != null) {
                keyBits[0][h].expandQuery(qp, qh * headDim, qx[h], j * keyBits[0][h].expandedLength());
            }
        }
        FusedBlock.interleaveQuery(qp, h * groupSize * headDim, groupSize, headDim, qpad, h * qSlots * headDim);
    }

    @Override
    protected void attendChunk(int kvHead, int t0, int t1, int worker, int slot) {
        KvCacheSnapshot s = snap;
        int d = headDim;
        float[] k = kt[worker];
        float[] v = vt[worker];
        float[] sc = scores[worker];
        long q = s.quantizedBlocks();
        int q0 = kvHead * groupSize * d;
        for (int tt = t0; tt < t1; tt += g) {
            long b = tt / g;
            int n;
            float[] values;
            int vOff;
            if (b < q && keyLayouts[kvHead] != null && valueLayouts[kvHead] != null) {
                FusedBlock fb = blocks[worker];
                FusedBlock.ValuesLayout vl = valueLayouts[kvHead];
                fb.keyScores(keyLayouts[kvHead], s.keyCodes(kvHead, b), s.keyCodeOffset(kvHead, b), s.keyMeta(kvHead, b),
                        s.keyMetaOffset(kvHead, b), qpad, kvHead * qSlots * d, groupSize, sc, stride);
                if (vl.vidkv != null) { // raw scores of the salient tokens, before the softmax step
                    salient[worker].keep(vl.vidkv, s.valueMeta(kvHead, b), s.valueMetaOffset(kvHead, b), s.valueRows(kvHead),
                            sc, stride, partM, slot, partAcc, slot * d);
                }
                SoftmaxTile.update(sc, stride, g, groupSize, partM, partL, partAcc, slot, d);
                fb.values(vl, s.valueCodes(kvHead, b), s.valueCodeOffset(kvHead, b), s.valueMeta(kvHead, b),
                        s.valueMetaOffset(kvHead, b), d, sc, groupSize, stride, partAcc, slot * d);
                continue;
            }
            if (b < q) {
                n = g;
                KeyBitPlanes kb = keyBits[worker][kvHead];
                if (kb != null) {
                    kb.load(s.keyCodes(kvHead, b), s.keyCodeOffset(kvHead, b), s.keyMeta(kvHead, b), s.keyMetaOffset(kvHead, b));
                    IntegerKeyScorer is = keyScorers[worker][kvHead];
                    int e = kb.expandedLength();
                    for (int h = 0; h < groupSize; h++) {
                        is.score(kb, qx[kvHead], h * e, sc, h * stride);
                    }
                } else {
                    KvTileDecoder.keyTile(keyPlans[kvHead], s.keyCodes(kvHead, b), s.keyCodeOffset(kvHead, b),
                            s.keyMeta(kvHead, b), s.keyMetaOffset(kvHead, b), k, stride);
                    TileOps.channelMajorScoresHeads(qp, q0, d, groupSize, keyPlans[kvHead].rows, k, stride, sc, stride);
                }
                KvTileDecoder.valueTile(valuePlans[kvHead], s.valueCodes(kvHead, b), s.valueCodeOffset(kvHead, b),
                        s.valueMeta(kvHead, b), s.valueMetaOffset(kvHead, b), s.valueRows(kvHead), vscratch[worker], v);
                values = v;
                vOff = 0;
            } else {
                int i = (int) (b - q);
                n = s.residualBlockTokens(i);
                float[] rk = s.residualKeys(kvHead, i);
                for (int j = 0; j < n; j++) {
                    for (int h = 0; h < groupSize; h++) {
                        sc[h * stride + j] = TileOps.dot(qs, q0 + h * d, rk, j * d, d, lanes[worker]);
                    }
                }
                values = s.residualValues(kvHead, i);
                vOff = 0;
            }
            SoftmaxTile.update(sc, stride, n, groupSize, partM, partL, partAcc, slot, d);
            TileOps.accumulateHeads(sc, stride, groupSize, n, values, vOff, d, partAcc, slot * d);
        }
        salient[worker].flush(partM, slot, partAcc, slot * d); // the unit's last batch, against its final max
    }
}
