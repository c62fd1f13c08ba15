package dev.lowbit.kernels.attention;

import dev.lowbit.kernels.VectorShapes;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * p·V over one G = 32 block of per-channel ternary values (VidKV's values, plain TERNARY2) on the
 * codes, in int16, without a float per value: the block's probabilities are quantized once per
 * head, every pair of tokens gets a 16-entry table of partial sums, and 32 channels are summed per
 * lookup ({@code selectFrom} on shorts → {@code vpermw}), the channel scale applied once per block.
 *
 * <h2>Integer algorithm (what {@link #reference} repeats; results are bit-equal)</h2>
 * <ol>
 *   <li>p̂_t = min(1023, (int) (p_t·1023 + 0.5)) for each head, p_t ∈ [0, 1] (scores minus a running
 *       max that is at least the block's largest score: the largest p of a block is ≤ 1).</li>
 *   <li>For each pair k of tokens (2k, 2k+1) and head: T_k[c0 + 4·c1] = v(c0)·p̂_2k + v(c1)·p̂_2k+1,
 *       v the trit of a 2-bit code (00 → 0, 01 → +1, 10 → −1, 11 → 0). |T| ≤ 2046.</li>
 *   <li>Per channel: S = Σ_k T_k[code pair k of the channel], 16 lookups, |S| ≤ 16·2046 = 32736:
 *       int16 never overflows.</li>
 *   <li>acc[c] = fma((float) S, scale_c·(1/1023), acc[c]).</li>
 * </ol>
 * Error against the float kernel over the same codes: |p̂/1023 − p| ≤ 0.5/1023 (+ float rounding)
 * per token, so each output moves by at most scale_c · (nonzero trits of the channel) · (0.5/1023
 * + 2⁻²²): ≈ 0.05% of the largest probability per token, the properties hold it to that.
 *
 * <h2>Layout</h2>
 * The cache stores a channel's 32 codes as one 64-bit word (token t at bits 2t). Lanes here are
 * channels and a short lane holds 8 tokens, so each block is transposed once (two rounds of
 * two-vector permutes) into {@code idx[k][channel]}: short k·… of the channel shifted so that the
 * pair's 4 bits are the low bits; the permute's index wrap drops the rest (tables narrower than
 * the species are repeated; a 128-bit species uses the two-vector permute over 16 entries).
 *
 * <h2>Measured: not the default</h2>
 * Per block at d = 128, 7 heads, 512-bit: 448 lookups + adds, 112 table builds of 5 operations,
 * 28 flushes, against ~2 600 operations for the float kernel (7 FMAs per 16 values plus a permute
 * decode). By count ~1.6× fewer; by the clock not faster on the Intel Xeon (AVX-512 VBMI) of
 * 2026-12-03: JMH, VidKV 16k tokens, 1 thread, whole step: 3.28 ms with these tables against
 * 2.88 ms with the float kernel (README, Performance). A
 * {@code vpermw} measured ~2 cycles per lookup there (0.6 ns in a loop of independent
 * permutes; {@code vpermd} 0.53 ns with 16 lanes): the 32-lane int16 lookup costs what two
 * 16-lane FMAs cost. Kept opt-in ({@code QuantizedAttention(…, tableValues = true)}, JMH
 * scheme {@code vidkv-tables}) for CPUs with a one-uop word permute. Per-worker scratch,
 * allocation-free.
 */
final class TernaryPairTables {
    static final int G = FusedBlock.G;
    /** p̂ = round(p·Q): 16 pairs × 2 × Q = 32 736 fits int16. */
    static final int Q = 1023;
    private static final float INV_Q = 1f / Q;
    private static final int PAIRS = G / 2;

    private static final VectorSpecies<Short> S = VectorShapes.S;
    private static final VectorSpecies<Long> LV = VectorShapes.L;
    private static final VectorSpecies<Integer> I = VectorShapes.I;
    private static final VectorSpecies<Float> F = VectorShapes.F;
    /** Channels per short vector. */
    private static final int LS = S.length();
    private static final int LF = F.length();
    /** Table vectors per table: 1, or 2 when the species has fewer than 16 short lanes. */
    private static final int TV = LS >= 16 ? 1 : 2;

    /** Trit of the first / second code of a pair index i (0..15), repeated over the lanes. */
    private static final ShortVector TRIT_LO = lanes(i -> trit(i & 3), 0);
    private static final ShortVector TRIT_HI = lanes(i -> trit((i >> 2) & 3), 0);
    private static final ShortVector TRIT_LO2 = TV == 2 ? lanes(i -> trit(i & 3), LS) : null;
    private static final ShortVector TRIT_HI2 = TV == 2 ? lanes(i -> trit((i >> 2) & 3), LS) : null;
    /** Transpose indexes: {@link #transpose}. */
    private static final ShortVector[] ROUND1 = new ShortVector[2];
    private static final ShortVector[] ROUND2 = new ShortVector[2];

    static {
        // round 1: from (V_a, V_b) (LS/4 channels each, 4 shorts per channel) to a vector of the
        // LS/2 channels' short s (lanes below LS/2) and short s+1 (lanes above), s = 0 or 2
        for (int s = 0; s < 2; s++) {
            short[] ix = new short[LS];
            for (int n = 0; n < LS; n++) {
                int half = n / (LS / 2);
                int ch = n % (LS / 2);
                ix[n] = (short) ((ch / (LS / 4)) * LS + 4 * (ch % (LS / 4)) + 2 * s + half);
            }
            ROUND1[s] = ShortVector.fromArray(S, ix, 0);
        }
        // round 2: from (X, Y) (channels [0, LS/2) and [LS/2, LS), two shorts each) to the LS
        // channels' lower (h = 0) or upper (h = 1) short, lane n holding channel channelOfLane(n)
        for (int h = 0; h < 2; h++) {
            short[] ix = new short[LS];
            for (int n = 0; n < LS; n++) {
                int ch = channelOfLane(n);
                ix[n] = (short) (ch < LS / 2 ? h * (LS / 2) + ch : LS + h * (LS / 2) + ch - LS / 2);
            }
            ROUND2[h] = ShortVector.fromArray(S, ix, 0);
        }
    }

    /**
     * Channel (relative to the vector's first) held by short lane n: even lanes the first LS/2
     * channels, odd lanes the rest, so that the int16 → int32 widening at the flush is two shifts
     * of the vector seen as ints (low halves: the first LF channels in order, high halves: the next).
     */
    static int channelOfLane(int n) {
        return (n & 1) * (LS / 2) + (n >> 1);
    }

    private static short trit(int code) {
        return (short) ((code & 1) - (code >> 1 & 1));
    }

    private static ShortVector lanes(java.util.function.IntUnaryOperator valueOfIndex, int from) {
        short[] a = new short[LS];
        for (int i = 0; i < LS; i++) {
            a[i] = (short) valueOfIndex.applyAsInt((from + i) & 15);
        }
        return ShortVector.fromArray(S, a, 0);
    }

    private final int d;
    /** Channels rounded up to whole pairs of short vectors (the extra lanes hold code 0). */
    private final int dp;
    /**
     * Index vectors, {@code idx[slot(c / LS, k) + lane]}: the codes of channel c (lane:
     * {@link #channelOfLane}) shifted so pair k is in the low 4 bits. Channel vectors go in pairs
     * (one table load feeds two lookups) and a pair's 32 index vectors are contiguous, so the
     * lookup loop walks one base pointer with constant offsets (a k·dp index cost an imul and a
     * bounds check per lookup).
     */
    private final short[] idx;
    /** Per head: p̂ of the 32 tokens. */
    private final int[] phat = new int[G + FusedBlock.PAD];
    /** One head's 16 tables, {@code TV·LS} shorts each. */
    private final short[] tables;
    /** scale_c / Q. */
    private final float[] sq;

    TernaryPairTables(int d) {
        this.d = d;
        this.dp = KvTileDecoder.roundUp(d, 2 * LS);
        this.idx = new short[PAIRS * dp + FusedBlock.PAD * 2];
        this.tables = new short[PAIRS * TV * LS + FusedBlock.PAD * 2];
        this.sq = new float[dp + FusedBlock.PAD];
    }

    /**
     * Loads a block: {@code words[c]} = channel c's 64-bit code word (c below d), {@code scale[c]}
     * its FP16 scale widened. Channels past d get code 0 (their sums are 0, never stored).
     */
    void load(long[] words, float[] scale) {
        int c = 0;
        for (; c + LS <= d; c += LS) {
            transpose(words, c);
        }
        for (; c < dp; c += LS) { // tail: scalar, past d zero
            for (int j = 0; j < 4; j++) {
                for (int n = 0; n < LS; n++) {
                    int ch = c + channelOfLane(n);
                    short s = ch < d ? (short) (words[ch] >>> (16 * j)) : 0;
                    for (int q = 0; q < 4; q++) {
                        idx[slot(c / LS, 4 * j + q) + n] = (short) ((s & 0xFFFF) >>> (4 * q));
                    }
                }
            }
        }
        // vector stores, as the flush loads them (a vector load over scalar stores still in flight
        // cannot be forwarded and waits for them to retire)
        for (int i = 0; i < d; i += LF) {
            FloatVector.fromArray(F, scale, i).mul(INV_Q).intoArray(sq, i);
        }
    }

    /** Channels [c, c+LS): four long vectors of code words → the four shorts j as channel lanes, then idx. */
    private void transpose(long[] words, int c) {
        int q4 = LS / 4; // longs per long vector
        ShortVector v0 = LongVector.fromArray(LV, words, c).reinterpretAsShorts();
        ShortVector v1 = LongVector.fromArray(LV, words, c + q4).reinterpretAsShorts();
        ShortVector v2 = LongVector.fromArray(LV, words, c + 2 * q4).reinterpretAsShorts();
        ShortVector v3 = LongVector.fromArray(LV, words, c + 3 * q4).reinterpretAsShorts();
        ShortVector x01 = ROUND1[0].selectFrom(v0, v1);
        ShortVector x23 = ROUND1[1].selectFrom(v0, v1);
        ShortVector y01 = ROUND1[0].selectFrom(v2, v3);
        ShortVector y23 = ROUND1[1].selectFrom(v2, v3);
        store(ROUND2[0].selectFrom(x01, y01), 0, c);
        store(ROUND2[1].selectFrom(x01, y01), 1, c);
        store(ROUND2[0].selectFrom(x23, y23), 2, c);
        store(ROUND2[1].selectFrom(x23, y23), 3, c);
    }

    /** Short j of each channel (tokens 8j..8j+7) as four pair indexes k = 4j..4j+3. */
    private void store(ShortVector s, int j, int c) {
        for (int q = 0; q < 4; q++) {
            s.lanewise(VectorOperators.LSHR, 4 * q).intoArray(idx, slot(c / LS, 4 * j + q));
        }
    }

    /**
     * {@code acc[aOff + h·d + c] += Σ_t p[pOff + h·stride + t]·trit_t,c·scale_c} (as the integer
     * algorithm above) for heads [0, heads) of the loaded block.
     */
    void accumulate(float[] p, int pOff, int stride, int heads, float[] acc, int aOff) {
        for (int h = 0; h < heads; h++) {
            quantize(p, pOff + h * stride);
            buildTables();
            int a = aOff + h * d;
            for (int c = 0; c < d; c += 2 * LS) {
                int base = c * PAIRS;
                ShortVector s0 = ShortVector.zero(S);
                ShortVector s1 = ShortVector.zero(S);
                for (int k = 0; k < PAIRS; k++) {
                    int o = k * TV * LS;
                    ShortVector t = ShortVector.fromArray(S, tables, o);
                    ShortVector i0 = ShortVector.fromArray(S, idx, base + 2 * k * LS);
                    ShortVector i1 = ShortVector.fromArray(S, idx, base + (2 * k + 1) * LS);
                    if (TV == 1) {
                        s0 = s0.add(i0.selectFrom(t));
                        s1 = s1.add(i1.selectFrom(t));
                    } else {
                        ShortVector t2 = ShortVector.fromArray(S, tables, o + LS);
                        s0 = s0.add(i0.selectFrom(t, t2));
                        s1 = s1.add(i1.selectFrom(t, t2));
                    }
                }
                flush(s0, c, acc, a);
                flush(s1, c + LS, acc, a);
            }
        }
    }

    /** Offset in {@link #idx} of channel vector v's index vector for pair k. */
    private static int slot(int v, int k) {
        return ((v >> 1) * PAIRS + k) * 2 * LS + (v & 1) * LS;
    }

    /** p̂ of one head's 32 tokens into {@link #phat}. */
    private void quantize(float[] p, int off) {
        for (int t = 0; t < G; t += LF) {
            IntVector q = (IntVector) FloatVector.fromArray(F, p, off + t).mul((float) Q).add(0.5f)
                    .convert(VectorOperators.F2I, 0);
            q.min(Q).intoArray(phat, t);
        }
    }

    private void buildTables() {
        for (int k = 0; k < PAIRS; k++) {
            ShortVector p0 = ShortVector.broadcast(S, (short) phat[2 * k]);
            ShortVector p1 = ShortVector.broadcast(S, (short) phat[2 * k + 1]);
            int o = k * TV * LS;
            TRIT_LO.mul(p0).add(TRIT_HI.mul(p1)).intoArray(tables, o);
            if (TV == 2) {
                TRIT_LO2.mul(p0).add(TRIT_HI2.mul(p1)).intoArray(tables, o + LS);
            }
        }
    }

    /**
     * acc[a + c ..] = fma((float) s, scale/Q, acc), the LS channels as two float vectors (see
     * {@link #channelOfLane}), masked past d.
     */
    private void flush(ShortVector s, int c, float[] acc, int a) {
        IntVector both = s.reinterpretAsInts();
        for (int part = 0; part < 2; part++) {
            int cc = c + part * LF;
            if (cc >= d) {
                break;
            }
            IntVector w = part == 0 ? both.lanewise(VectorOperators.LSHL, 16).lanewise(VectorOperators.ASHR, 16)
                    : both.lanewise(VectorOperators.ASHR, 16);
            FloatVector x = (FloatVector) w.convert(VectorOperators.I2F, 0);
            FloatVector scale = FloatVector.fromArray(F, sq, cc);
            if (cc + LF <= d) {
                x.fma(scale, FloatVector.fromArray(F, acc, a + cc)).intoArray(acc, a + cc);
            } else {
                VectorMask<Float> m = F.indexInRange(cc, d);
                x.fma(scale, FloatVector.fromArray(F, acc, a + cc, m)).intoArray(acc, a + cc, m);
            }
        }
    }

    /**
     * The integer algorithm in scalar form, channel by channel: {@code words[c]}, {@code scale[c]}
     * as {@link #load}, p and acc as {@link #accumulate}.
     */
    static void reference(long[] words, float[] scale, int d, float[] p, int pOff, int stride, int heads, float[] acc, int aOff) {
        for (int h = 0; h < heads; h++) {
            int[] ph = new int[G];
            for (int t = 0; t < G; t++) {
                ph[t] = Math.min(Q, (int) (p[pOff + h * stride + t] * (float) Q + 0.5f));
            }
            for (int c = 0; c < d; c++) {
                int sum = 0;
                for (int k = 0; k < PAIRS; k++) {
                    int c0 = (int) (words[c] >>> (4 * k)) & 3;
                    int c1 = (int) (words[c] >>> (4 * k + 2)) & 3;
                    sum += trit(c0) * ph[2 * k] + trit(c1) * ph[2 * k + 1];
                }
                int o = aOff + h * d + c;
                acc[o] = Math.fma((float) sum, scale[c] * INV_Q, acc[o]);
            }
        }
    }
}
