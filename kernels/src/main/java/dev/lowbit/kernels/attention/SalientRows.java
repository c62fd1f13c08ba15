package dev.lowbit.kernels.attention;

import dev.lowbit.kernels.VectorShapes;
import dev.lowbit.packing.kv.RowStore;
import dev.lowbit.packing.kv.VidKvValueQuantizer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * VidKV's salient tokens of one work unit (their values are INT2 side rows; their ternary codes
 * are 0), summed in batches of up to G = 32 rows instead of once per block. With 10% of tokens
 * salient a block has ~3 of them: summing them per block paid a whole pass over every head's
 * output vectors (loads and stores of 7 × d floats) for 3 rows; a batch pays it once per ~10
 * blocks (measured gain small, ~3% of a VidKV step at 16k: the rows' FMAs themselves remain).
 *
 * <p>Why deferring is exact: a kept row holds its raw score s (before the softmax). The online
 * softmax has already counted it in its block's running max and sum; the unit's accumulator is
 * always relative to the current running max m, so when a batch is summed its rows are added
 * with weight {@code e^(s − m)} ({@link SoftmaxTile#expRow}, s ≤ m), which is what their block
 * would have added and rescaled since. A batch is summed when the next block's rows would not
 * fit and at the end of the unit ({@link #flush}).
 *
 * <p>Arithmetic (what {@link FusedBlockReference#salientBatch} repeats bit for bit): per head and
 * channel one FMA chain over the batch's rows in token order, each row decoded as
 * {@code fma(code, step, min)}, the chain's sum added to the accumulator once.
 */
final class SalientRows {
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final int G = FusedBlock.G;

    private final int d;
    /** Channel groups of G per row. */
    private final int ng;
    private final int heads;
    /** Row s's codes: 64-bit words (G channels each) as int halves from {@code codes[2·ng·s]}. */
    private final int[] codes;
    /** Row s's step and min of channel group j at {@code meta[2(ng·s + j)]}, {@code meta[2(ng·s + j) + 1]}. */
    private final float[] meta;
    /** Raw score of row s for head h at {@code scores[h·G + s]}. */
    private final float[] scores;
    /** One pass's probabilities, [head of the pass][s] with stride G (rows of padded heads zero). */
    private final float[] p = new float[8 * G + FusedBlock.PAD];
    /** expRow's lane sums: not used (the softmax sum counted these tokens in their block). */
    private final float[] unusedSums = new float[VectorShapes.F.length() + FusedBlock.PAD];
    /** The token kernels' hand-over scratch (8 heads × L floats). */
    private final float[] tmp = new float[8 * VectorShapes.F.length() + FusedBlock.PAD];
    private int rows;

    /** A buffer for value rows of {@code d} channels scored by {@code heads} query heads. */
    SalientRows(int d, int heads) {
        this.d = d;
        this.ng = (d + G - 1) / G;
        this.heads = heads;
        this.codes = new int[2 * ng * G + FusedBlock.PAD];
        this.meta = new float[2 * ng * G + FusedBlock.PAD];
        this.scores = new float[heads * G + FusedBlock.PAD];
    }

    /** Rows kept and not yet summed. */
    int pending() {
        return rows;
    }

    /**
     * Keeps the salient rows of one value block and their raw scores {@code sc[h·stride + t]} (call
     * before the block's softmax step). A full batch is summed first, against the running max
     * {@code partM[slot + h]} and into {@code acc[aOff + h·d ..]}, which the earlier blocks left
     * consistent.
     */
    void keep(VidKvValueQuantizer q, MemorySegment blockMeta, long metaOff, RowStore store, float[] sc, int stride,
              float[] partM, int slot, float[] acc, int aOff) {
        int mask = blockMeta.get(I32, metaOff + q.maskOffset()); // G = 32: the whole mask, bit t = token t
        if (mask == 0) {
            return;
        }
        int n = Integer.bitCount(mask);
        if (rows + n > G) {
            flush(partM, slot, acc, aOff);
        }
        long r0 = q.firstRow(blockMeta, metaOff);
        long r1 = r0 + n - 1;
        if (store.codes(r0) == store.codes(r1) && store.meta(r0) == store.meta(r1)) {
            // the block's rows are consecutive records of one chunk: one copy and one widen for all
            MemorySegment.copy(store.codes(r0), I32, store.codeOffset(r0), codes, 2 * ng * rows, 2 * ng * n);
            DenseAttention.widen(store.meta(r0), store.metaOffset(r0), 2 * ng * n, meta, 2 * ng * rows);
        } else {
            for (int s = 0; s < n; s++) {
                long r = r0 + s;
                int row = rows + s;
                MemorySegment.copy(store.codes(r), I32, store.codeOffset(r), codes, 2 * ng * row, 2 * ng);
                DenseAttention.widen(store.meta(r), store.metaOffset(r), 2 * ng, meta, 2 * ng * row);
            }
        }
        for (int h = 0; h < heads; h++) {
            int s = rows;
            for (int bits = mask; bits != 0; bits &= bits - 1, s++) {
                scores[h * G + s] = sc[h * stride + Integer.numberOfTrailingZeros(bits)];
            }
        }
        rows += n;
    }

    /** Sums the kept rows into {@code acc} with weights {@code e^(s − partM[slot + h])} and empties the buffer. */
    void flush(float[] partM, int slot, float[] acc, int aOff) {
        int n = rows;
        if (n == 0) {
            return;
        }
        for (int h = 0; h < heads; h += 8) {
            int nh = Math.min(8, heads - h);
            for (int hh = 0; hh < 8; hh++) {
                if (hh < nh) {
                    System.arraycopy(scores, (h + hh) * G, p, hh * G, n);
                    SoftmaxTile.expRow(p, hh * G, n, partM[slot + h + hh], unusedSums, 0);
                } else {
                    java.util.Arrays.fill(p, hh * G, hh * G + n, 0f);
                }
            }
            FusedBlock.tokenRows(codes, ng, meta, n, d, p, 0, nh, acc, aOff + h * d, tmp);
        }
        rows = 0;
    }
}
