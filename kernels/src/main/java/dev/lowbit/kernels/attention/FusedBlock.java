package dev.lowbit.kernels.attention;

import dev.lowbit.kernels.VectorShapes;
import dev.lowbit.packing.kv.ChannelGroupCodec;
import dev.lowbit.packing.kv.KvBlockCodec;
import dev.lowbit.packing.kv.TokenGroupCodec;
import dev.lowbit.packing.kv.VidKvKeyQuantizer;
import dev.lowbit.packing.kv.VidKvValueQuantizer;
import dev.lowbit.packing.format.PackedFormat;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Register-fused block kernels for G = 32 token blocks (any vector width): each packed key row
 * is decoded once into a vector of L tokens <em>in registers</em> and multiplied into the scores
 * of up to 8 query heads at once (one accumulator per head); each value code vector (L channels
 * of one token) is decoded once in registers and multiplied into up to 8 heads' outputs. No
 * float tile is stored and re-read, no scalar {@code MemorySegment} read per row: a block's codes
 * and metadata are copied once into per-worker arrays (one bounds check per copy).
 *
 * <p>Heads go in passes of 8 (or 4 when at most 4 remain); a pass with fewer real heads runs on
 * zero query rows whose scores are never used, so a GQA group of 7 is one pass at full rate
 * (the old tile kernel ran 7 = 4 + 3, the 3 at half rate).
 *
 * <p>Arithmetic (what the scalar reference {@link FusedBlockReference} repeats, and why results
 * equal the tile kernel's within float rounding): key rows decode exactly as the codecs do
 * (INT2: {@code code·step + min} with one FMA; INT1: ±scale; TERNARY2: trit·scale); per-channel
 * values accumulate {@code Σ_t p_t·code_t} unscaled and apply the channel's scale (and
 * {@code min·Σp} for INT2) once per block; per-token INT2 values decode as the keys. Per-worker
 * scratch; allocation-free per call.
 */
final class FusedBlock {
    static final int G = 32;
    private static final VectorSpecies<Float> F = VectorShapes.F;
    private static final VectorSpecies<Integer> I = VectorShapes.I;
    private static final int L = F.length();
    private static final long LANE_BITS = (1L << L) - 1;
    private static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /*
     * Decode tables, one lane permute per code vector ({@code selectFrom} → vpermd): lane i holds
     * the float bits of the value of the code in i's low bits, repeated over the L lanes, so the
     * permute's index wrap (mod L, L ≥ 4) drops the higher codes of a shifted word and no AND or
     * int→float conversion is needed. Same floats as the codecs' decode (exact small integers).
     */
    /** TERNARY2 trit {@code (c & 1) − (c >> 1 & 1)}: 00 → 0, 01 → +1, 10 → −1, 11 → 0. */
    private static final IntVector TRIT = table(c -> (c & 1) - (c >> 1 & 1));
    /** INT2 code as a float: 0..3. */
    private static final IntVector CODE2 = table(c -> c);
    /** INT1 sign: 0 → −1, 1 → +1. */
    private static final IntVector SIGN1 = table(c -> (c & 1) == 1 ? 1 : -1);

    /** Lane indexes 0, 2, 4, … and 1, 3, 5, … over two vectors: the low and high halves of L 64-bit words. */
    private static final IntVector EVEN_LANES = IntVector.zero(I).addIndex(2);
    private static final IntVector ODD_LANES = IntVector.zero(I).addIndex(2).add(1);

    private static IntVector table(java.util.function.IntUnaryOperator valueOfTwoBitCode) {
        int[] t = new int[L];
        for (int i = 0; i < L; i++) {
            t[i] = Float.floatToRawIntBits(valueOfTwoBitCode.applyAsInt(i & 3));
        }
        return IntVector.fromArray(I, t, 0);
    }

    static final int INT1 = KvTileDecoder.INT1;
    static final int INT2 = KvTileDecoder.INT2;
    static final int TERNARY2 = 2;

    /** How a key block's rows are read: runs of rows of one kind with contiguous codes and metadata. */
    static final class KeyLayout {
        final int rows;
        final int[] runKind;
        final int[] runStart;
        final int[] runEnd;
        final int[] runCodeByte;
        final int[] runMetaByte;

        private KeyLayout(KvTileDecoder.KeyPlan p, int[] kind, int[] start, int[] end, int[] codeByte, int[] metaByte) {
            this.rows = p.rows;
            this.runKind = kind;
            this.runStart = start;
            this.runEnd = end;
            this.runCodeByte = codeByte;
            this.runMetaByte = metaByte;
        }

        /** The layout of a plan, or null when the plan is not G = 32 or its rows are not contiguous runs. */
        static KeyLayout of(KvTileDecoder.KeyPlan p) {
            if (p.codec.groupSize() != G || p.rows == 0) {
                return null;
            }
            java.util.List<int[]> runs = new java.util.ArrayList<>();
            int r0 = 0;
            for (int r = 1; r <= p.rows; r++) {
                if (r == p.rows || p.kind[r] != p.kind[r0]) {
                    int k = p.kind[r0];
                    int cb = k == INT1 ? 4 : 8;
                    int mb = k == INT2 ? 4 : 2;
                    for (int i = r0; i < r; i++) {
                        if (p.codeOff[i] != p.codeOff[r0] + (i - r0) * cb || p.metaOff[i] != p.metaOff[r0] + (i - r0) * mb) {
                            return null;
                        }
                    }
                    runs.add(new int[] {k, r0, r, p.codeOff[r0], p.metaOff[r0]});
                    r0 = r;
                }
            }
            int n = runs.size();
            int[][] a = new int[5][n];
            for (int i = 0; i < n; i++) {
                for (int f = 0; f < 5; f++) {
                    a[f][i] = runs.get(i)[f];
                }
            }
            return new KeyLayout(p, a[0], a[1], a[2], a[3], a[4]);
        }
    }

    /** How a value block is read. */
    static final class ValuesLayout {
        final int kind;
        final boolean perToken;
        final VidKvValueQuantizer vidkv;
        final int ng;

        private ValuesLayout(int kind, boolean perToken, VidKvValueQuantizer vidkv, int ng) {
            this.kind = kind;
            this.perToken = perToken;
            this.vidkv = vidkv;
            this.ng = ng;
        }

        /** The layout of a value codec, or null when it has no fused kernel (G != 32). */
        static ValuesLayout of(KvBlockCodec c) {
            if (c.groupSize() != G) {
                return null;
            }
            if (c instanceof VidKvValueQuantizer v) {
                return new ValuesLayout(TERNARY2, false, v, 0);
            }
            if (c instanceof ChannelGroupCodec cg) {
                int k = switch (cg.format()) {
                    case INT1 -> INT1;
                    case INT2 -> INT2;
                    case TERNARY2 -> TERNARY2;
                    default -> -1;
                };
                return k < 0 ? null : new ValuesLayout(k, false, null, 0);
            }
            if (c instanceof TokenGroupCodec tg && tg.format() == PackedFormat.INT2) {
                return new ValuesLayout(INT2, true, null, tg.groupsPerToken());
            }
            return null;
        }
    }

    // per-worker scratch
    /** A value block's 64-bit channel words, for {@link TernaryPairTables#load}. */
    private final long[] valueWords;
    private final int[] words1;
    /** A 2-bit key run's 64-bit code words as int halves, {@code words2[2·row + i]}: broadcast from memory by the kernels. */
    private final int[] words2;
    /** FP16 metadata of a block widened to floats ({@link DenseAttention#widen}: exact, SIMD). */
    private final float[] mf;
    private final int dp;
    private final int[] vwords;
    /** A value block's channel words as int halves ({@link #splitWords}). */
    private final int[] halvesOfWords;
    private final float[] vscale;
    private final float[] vmin;
    /** Per-token INT2 value codes, each 64-bit word (32 channels of a token) as two int halves. */
    private final int[] tcodes;
    private final float[] sums = new float[8 + PAD];
    /** The 8 head accumulators of one channel vector, handed from a kernel to {@link #finish}. */
    private final float[] tmp = new float[8 * L + PAD];
    /** Per-channel ternary values on the codes (null: float kernels). */
    private final TernaryPairTables tables;

    /** Scratch for key blocks of up to {@code keyRows} rows and value blocks of d channels. */
    FusedBlock(int keyRows, int d) {
        this(keyRows, d, false);
    }

    /**
     * @param tableValues per-channel ternary values by int16 pair tables ({@link TernaryPairTables});
     *     false (the default): the float kernels (decode in registers, FMA per head), faster on the
     *     CPUs measured so far (see TernaryPairTables)
     */
    FusedBlock(int keyRows, int d, boolean tableValues) {
        this.tables = tableValues ? new TernaryPairTables(d) : null;
        int ng = (d + G - 1) / G;
        // every scratch array ends 64 bytes or more before the next object, so two workers' scratch
        // never shares a cache line that one of them writes
        valueWords = new long[d + PAD];
        words1 = new int[keyRows + PAD];
        words2 = new int[2 * keyRows + PAD];
        mf = new float[Math.max(2 * keyRows, Math.max(2 * d, 2 * G * ng)) + PAD];
        dp = KvTileDecoder.roundUp(d, L);
        vwords = new int[2 * dp + PAD];
        halvesOfWords = new int[2 * dp + PAD];
        vscale = new float[dp + PAD];
        vmin = new float[dp + PAD];
        tcodes = new int[2 * G * ng + PAD];
    }

    /** Slack elements after each scratch array (64 bytes of floats or ints). */
    static final int PAD = 16;

    /**
     * Scores of {@code heads} query heads against one key block: {@code sc[h·stride + t]} for
     * t in [0, 32) and h in [0, padded heads) (padded: rounded up to the pass size). {@code q}:
     * the prepared query rows interleaved by {@link #interleaveQuery} from {@code qOff}.
     */
    void keyScores(KeyLayout k, MemorySegment codes, long codeOff, MemorySegment meta, long metaOff,
                   float[] q, int qOff, int heads, float[] sc, int stride) {
        int rows = k.rows;
        for (int run = 0; run < k.runKind.length; run++) {
            int kind = k.runKind[run];
            int r0 = k.runStart[run];
            int n = k.runEnd[run] - r0;
            long cb = codeOff + k.runCodeByte[run];
            long mb = metaOff + k.runMetaByte[run];
            // the run's FP16 metadata widened into mf, read there by the kernels (row r at r - r0:
            // INT1 / TERNARY2 scale at [r - r0], INT2 step and min at [2(r - r0)], [2(r - r0) + 1])
            if (kind == INT1) {
                MemorySegment.copy(codes, I32, cb, words1, 0, n);
                DenseAttention.widen(meta, mb, n, mf);
            } else {
                MemorySegment.copy(codes, I32, cb, words2, 0, 2 * n); // each 64-bit word as two ints (little-endian)
                DenseAttention.widen(meta, mb, kind == INT2 ? 2 * n : n, mf);
            }
            boolean add = run > 0;
            for (int h = 0; h < heads; h += 8) {
                int pass = pass(heads - h);
                boolean four = pass == 4;
                int qo = qOff + h * rows;
                int so = h * stride;
                for (int j = 0; j < G; j += 2 * L) { // two token vectors per pass
                    if (pass == 7) {
                        if (kind == INT1) {
                            keysInt1x7(words1, -r0, mf, r0, r0 + n, j, q, qo, rows, sc, so + j, stride, add);
                        } else if (kind == INT2) {
                            keysInt2x7(words2, -r0, mf, r0, r0 + n, j, q, qo, rows, sc, so + j, stride, add);
                        } else {
                            keysTernx7(words2, -r0, mf, r0, r0 + n, j, q, qo, rows, sc, so + j, stride, add);
                        }
                    } else if (kind == INT1) {
                        if (four) {
                            keysInt1x4(words1, -r0, mf, r0, r0 + n, j, q, qo, rows, sc, so + j, stride, add);
                        } else {
                            keysInt1x8(words1, -r0, mf, r0, r0 + n, j, q, qo, rows, sc, so + j, stride, add);
                        }
                    } else if (kind == INT2) {
                        if (four) {
                            keysInt2x4(words2, -r0, mf, r0, r0 + n, j, q, qo, rows, sc, so + j, stride, add);
                        } else {
                            keysInt2x8(words2, -r0, mf, r0, r0 + n, j, q, qo, rows, sc, so + j, stride, add);
                        }
                    } else if (four) {
                        keysTernx4(words2, -r0, mf, r0, r0 + n, j, q, qo, rows, sc, so + j, stride, add);
                    } else {
                        keysTernx8(words2, -r0, mf, r0, r0 + n, j, q, qo, rows, sc, so + j, stride, add);
                    }
                }
            }
        }
    }

    /**
     * Interleaves prepared query rows for {@link #keyScores}: {@code q[qOff + h·rows + r]} (heads
     * [0, heads)) goes to {@code qt[qtOff + (h/8)·8·rows + 8·r + h%8]}, slots past {@code heads} up to
     * whole passes of 8 are zero. A key row then broadcasts the 8 heads' weights from one cache line
     * with constant offsets (the [head][row] layout cost a spilled index register and an add per
     * broadcast, and made the row loop load-port bound).
     */
    static void interleaveQuery(float[] q, int qOff, int heads, int rows, float[] qt, int qtOff) {
        int slots = interleavedHeads(heads);
        for (int h = 0; h < slots; h++) {
            int base = qtOff + (h >>> 3) * 8 * rows + (h & 7);
            for (int r = 0; r < rows; r++) {
                qt[base + 8 * r] = h < heads ? q[qOff + h * rows + r] : 0f;
            }
        }
    }

    /** Head slots of {@link #interleaveQuery}: heads rounded up to a multiple of 8. */
    static int interleavedHeads(int heads) {
        return (heads + 7) & ~7;
    }

    /**
     * Heads of the pass that starts with {@code remaining} heads to go: 8; exactly 7 (the
     * Qwen2 / LLaVA-OV GQA group, no padded head); or 4 when at most 4 remain. Padded heads
     * (q rows zero) fill a pass of 8 or 4.
     */
    static int pass(int remaining) {
        return remaining >= 8 ? 8 : remaining == 7 ? 7 : remaining <= 4 ? 4 : 8;
    }

    /** Heads rounded up to whole passes (see {@link #pass}). */
    static int paddedHeads(int heads) {
        int full = heads / 8 * 8;
        int rest = heads - full;
        return full + (rest == 0 ? 0 : pass(rest));
    }

    /**
     * {@code acc[aOff + h·d + c] += Σ_t p[h·stride + t] · v̂_t[c]} for the {@code heads} real heads
     * (p of padded heads is read but not used). The stride must be G: the kernels read p with that
     * constant stride, so each head's broadcast is a fixed offset from one base register. VidKV's
     * salient tokens (ternary codes 0) get their INT2 rows from {@link SalientRows}, in batches.
     */
    void values(ValuesLayout v, MemorySegment codes, long codeOff, MemorySegment meta, long metaOff,
                int d, float[] p, int heads, int stride, float[] acc, int aOff) {
        if (stride != G) {
            throw new IllegalArgumentException("probability stride must be G = " + G + ", was " + stride);
        }
        if (v.perToken) {
            int ng = v.ng;
            int n = G * ng;
            MemorySegment.copy(codes, I32, codeOff, tcodes, 0, 2 * n); // 64-bit words as int halves
            DenseAttention.widen(meta, metaOff, 2 * n, mf); // step, min of word k at mf[2k], mf[2k + 1]
            for (int h = 0; h < heads; h += 8) {
                int nh = Math.min(8, heads - h);
                tokenRows(ng, G, d, p, h * G, nh, acc, aOff + h * d);
            }
            return;
        }
        int kind = v.kind;
        if (kind == INT1) {
            MemorySegment.copy(codes, I32, codeOff, vwords, 0, d);
            DenseAttention.widen(meta, metaOff, d, vscale);
        } else if (kind == TERNARY2 && tables != null) {
            MemorySegment.copy(codes, I64, codeOff, valueWords, 0, d);
            DenseAttention.widen(meta, metaOff, d, vscale);
            tables.load(valueWords, vscale);
            tables.accumulate(p, 0, stride, heads, acc, aOff);
            return;
        } else {
            splitWords(codes, codeOff, d);
            if (kind == INT2) {
                DenseAttention.widen(meta, metaOff, 2 * d, mf);
                for (int c = 0; c < d; c++) {
                    vscale[c] = mf[2 * c];
                    vmin[c] = mf[2 * c + 1];
                }
            } else {
                DenseAttention.widen(meta, metaOff, d, vscale);
            }
        }
        for (int h = 0; h < heads; h += 8) {
            int nh = Math.min(8, heads - h);
            int po = h * stride;
            if (kind == INT2) {
                for (int i = 0; i < nh; i++) {
                    sums[i] = sumP(p, po + i * stride);
                }
            }
            boolean four = nh <= 4;
            int ao = aOff + h * d;
            if (nh == 7) {
                if (kind == TERNARY2) {
                    valuesTernx7(vwords, dp, vscale, null, d, p, po, sums, nh, acc, ao, tmp);
                } else if (kind == INT2) {
                    valuesInt2x7(vwords, dp, vscale, vmin, d, p, po, sums, nh, acc, ao, tmp);
                } else {
                    valuesInt1x7(vwords, dp, vscale, null, d, p, po, sums, nh, acc, ao, tmp);
                }
            } else if (kind == TERNARY2) {
                if (four) {
                    valuesTernx4(vwords, dp, vscale, null, d, p, po, sums, nh, acc, ao, tmp);
                } else {
                    valuesTernx8(vwords, dp, vscale, null, d, p, po, sums, nh, acc, ao, tmp);
                }
            } else if (kind == INT2) {
                if (four) {
                    valuesInt2x4(vwords, dp, vscale, vmin, d, p, po, sums, nh, acc, ao, tmp);
                } else {
                    valuesInt2x8(vwords, dp, vscale, vmin, d, p, po, sums, nh, acc, ao, tmp);
                }
            } else if (four) {
                valuesInt1x4(vwords, dp, vscale, null, d, p, po, sums, nh, acc, ao, tmp);
            } else {
                valuesInt1x8(vwords, dp, vscale, null, d, p, po, sums, nh, acc, ao, tmp);
            }
        }
    }

    /**
     * One pass of {@code nh} heads over {@code n} per-token INT2 rows gathered in {@link #tcodes}
     * (step, min in {@link #mf}), probabilities {@code p[pOff + h·G + t]}.
     */
    private void tokenRows(int ng, int n, int d, float[] p, int pOff, int nh, float[] acc, int aOff) {
        tokenRows(tcodes, ng, mf, n, d, p, pOff, nh, acc, aOff, tmp);
    }

    /**
     * One pass of {@code nh} ≤ 8 heads over {@code n} ≤ G per-token INT2 rows: row t's codes are the
     * int halves of 64-bit words {@code words[2(t·ng + j) ..]} (channel group j), its step and min
     * {@code m[2(t·ng + j)]}, {@code m[2(t·ng + j) + 1]}; probabilities {@code p[pOff + h·G + t]};
     * {@code tmp}: 8·L + PAD floats. Also sums VidKV's salient rows ({@link SalientRows}).
     */
    static void tokenRows(int[] words, int ng, float[] m, int n, int d, float[] p, int pOff, int nh, float[] acc, int aOff,
                          float[] tmp) {
        if (nh <= 4) {
            valuesTokenInt2x4(words, ng, m, n, d, p, pOff, nh, acc, aOff, tmp);
        } else if (nh == 7) {
            valuesTokenInt2x7(words, ng, m, n, d, p, pOff, nh, acc, aOff, tmp);
        } else {
            valuesTokenInt2x8(words, ng, m, n, d, p, pOff, nh, acc, aOff, tmp);
        }
    }

    /**
     * Channel c's 64-bit value word (tokens 0..31) into {@code vwords[c]} (tokens 0..15) and
     * {@code vwords[dp + c]} (16..31): copied as int halves {@code [lo0, hi0, lo1, hi1, …]}, then
     * split with two-vector permutes of even and odd lanes (L channels per pair of loads).
     */
    private void splitWords(MemorySegment codes, long codeOff, int d) {
        MemorySegment.copy(codes, I32, codeOff, halvesOfWords, 0, 2 * d);
        int c = 0;
        for (; c + L <= d; c += L) {
            IntVector a = IntVector.fromArray(I, halvesOfWords, 2 * c);
            IntVector b = IntVector.fromArray(I, halvesOfWords, 2 * c + L);
            EVEN_LANES.selectFrom(a, b).intoArray(vwords, c);
            ODD_LANES.selectFrom(a, b).intoArray(vwords, dp + c);
        }
        for (; c < d; c++) {
            vwords[c] = halvesOfWords[2 * c];
            vwords[dp + c] = halvesOfWords[2 * c + 1];
        }
    }

    /** Σ_t p[off + t] over the block, left to right. */
    private static float sumP(float[] p, int off) {
        float s = 0;
        for (int t = 0; t < G; t++) {
            s += p[off + t];
        }
        return s;
    }

    /**
     * {@code acc[aOff + h·d + c ..] += tmp[h·L ..]·scale (+ min·sums[h])} for the nh real heads,
     * masked past d (scale null: added as is). The kernels hand their accumulators over through
     * {@code tmp} rather than as vector arguments: a vector passed to a call C2 does not inline is
     * boxed, and the kernels are too large to inline everything into.
     */
    static void finish(float[] tmp, int nh, int c, int d, float[] scale, float[] min, float[] sums, float[] acc, int aOff) {
        boolean full = c + L <= d;
        VectorMask<Float> m = F.indexInRange(c, d);
        for (int h = 0; h < nh; h++) {
            FloatVector r = FloatVector.fromArray(F, tmp, h * L);
            if (scale != null) {
                r = r.mul(FloatVector.fromArray(F, scale, c));
                if (min != null) {
                    r = FloatVector.fromArray(F, min, c).fma(FloatVector.broadcast(F, sums[h]), r);
                }
            }
            int o = aOff + h * d + c;
            if (full) {
                FloatVector.fromArray(F, acc, o).add(r).intoArray(acc, o);
            } else {
                FloatVector.fromArray(F, acc, o, m).add(r).intoArray(acc, o, m);
            }
        }
    }

    /** 4 heads, INT1 rows {@code [r0, r1)}, tokens {@code [j, j+2L)} as two vectors (add: onto the scores already in sc). */
    private static void keysInt1x4(int[] words, int wOff, float[] m, int r0, int r1, int j, float[] q, int qOff, int rows,
                                    float[] sc, int sOff, int stride, boolean add) {
        FloatVector a0 = add ? FloatVector.fromArray(F, sc, sOff + 0 * stride) : FloatVector.zero(F);
        FloatVector a0b = add ? FloatVector.fromArray(F, sc, sOff + 0 * stride + L) : FloatVector.zero(F);
        FloatVector a1 = add ? FloatVector.fromArray(F, sc, sOff + 1 * stride) : FloatVector.zero(F);
        FloatVector a1b = add ? FloatVector.fromArray(F, sc, sOff + 1 * stride + L) : FloatVector.zero(F);
        FloatVector a2 = add ? FloatVector.fromArray(F, sc, sOff + 2 * stride) : FloatVector.zero(F);
        FloatVector a2b = add ? FloatVector.fromArray(F, sc, sOff + 2 * stride + L) : FloatVector.zero(F);
        FloatVector a3 = add ? FloatVector.fromArray(F, sc, sOff + 3 * stride) : FloatVector.zero(F);
        FloatVector a3b = add ? FloatVector.fromArray(F, sc, sOff + 3 * stride + L) : FloatVector.zero(F);
        for (int r = r0; r < r1; r++) {
            int w = words[wOff + r];
            FloatVector pos = FloatVector.broadcast(F, m[wOff + r]);
            FloatVector neg = pos.neg();
            FloatVector k = neg.blend(pos, VectorMask.fromLong(F, (w >>> j) & LANE_BITS));
            FloatVector kb = neg.blend(pos, VectorMask.fromLong(F, (w >>> (j + L)) & LANE_BITS));
            FloatVector q0 = FloatVector.broadcast(F, q[qOff + 8 * r + 0]);
            a0 = k.fma(q0, a0);
            a0b = kb.fma(q0, a0b);
            FloatVector q1 = FloatVector.broadcast(F, q[qOff + 8 * r + 1]);
            a1 = k.fma(q1, a1);
            a1b = kb.fma(q1, a1b);
            FloatVector q2 = FloatVector.broadcast(F, q[qOff + 8 * r + 2]);
            a2 = k.fma(q2, a2);
            a2b = kb.fma(q2, a2b);
            FloatVector q3 = FloatVector.broadcast(F, q[qOff + 8 * r + 3]);
            a3 = k.fma(q3, a3);
            a3b = kb.fma(q3, a3b);
        }
        a0.intoArray(sc, sOff + 0 * stride);
        a0b.intoArray(sc, sOff + 0 * stride + L);
        a1.intoArray(sc, sOff + 1 * stride);
        a1b.intoArray(sc, sOff + 1 * stride + L);
        a2.intoArray(sc, sOff + 2 * stride);
        a2b.intoArray(sc, sOff + 2 * stride + L);
        a3.intoArray(sc, sOff + 3 * stride);
        a3b.intoArray(sc, sOff + 3 * stride + L);
    }

    /** 4 heads, INT2 rows {@code [r0, r1)}, tokens {@code [j, j+2L)} as two vectors (add: onto the scores already in sc). */
    private static void keysInt2x4(int[] words, int wOff, float[] m, int r0, int r1, int j, float[] q, int qOff, int rows,
                                    float[] sc, int sOff, int stride, boolean add) {
        // 2-bit rows: words[2·row + i] is the i-th 32-bit half of the row's 64-bit code word (16 tokens);
        // token vector j.. lives in half j/16 at bit 2·(j%16): broadcast straight from the array
        int wa = j >>> 4;
        int wb = (j + L) >>> 4;
        IntVector sa = IntVector.zero(I).addIndex(2).add(2 * (j & 15));
        IntVector sb = IntVector.zero(I).addIndex(2).add(2 * ((j + L) & 15));
        FloatVector a0 = add ? FloatVector.fromArray(F, sc, sOff + 0 * stride) : FloatVector.zero(F);
        FloatVector a0b = add ? FloatVector.fromArray(F, sc, sOff + 0 * stride + L) : FloatVector.zero(F);
        FloatVector a1 = add ? FloatVector.fromArray(F, sc, sOff + 1 * stride) : FloatVector.zero(F);
        FloatVector a1b = add ? FloatVector.fromArray(F, sc, sOff + 1 * stride + L) : FloatVector.zero(F);
        FloatVector a2 = add ? FloatVector.fromArray(F, sc, sOff + 2 * stride) : FloatVector.zero(F);
        FloatVector a2b = add ? FloatVector.fromArray(F, sc, sOff + 2 * stride + L) : FloatVector.zero(F);
        FloatVector a3 = add ? FloatVector.fromArray(F, sc, sOff + 3 * stride) : FloatVector.zero(F);
        FloatVector a3b = add ? FloatVector.fromArray(F, sc, sOff + 3 * stride + L) : FloatVector.zero(F);
        for (int r = r0; r < r1; r++) {
            FloatVector st = FloatVector.broadcast(F, m[2 * (wOff + r)]);
            FloatVector mn = FloatVector.broadcast(F, m[2 * (wOff + r) + 1]);
            IntVector c = IntVector.broadcast(I, words[2 * (wOff + r) + wa]).lanewise(VectorOperators.LSHR, sa);
            IntVector cb = IntVector.broadcast(I, words[2 * (wOff + r) + wb]).lanewise(VectorOperators.LSHR, sb);
            FloatVector k = c.selectFrom(CODE2).reinterpretAsFloats().fma(st, mn);
            FloatVector kb = cb.selectFrom(CODE2).reinterpretAsFloats().fma(st, mn);
            FloatVector q0 = FloatVector.broadcast(F, q[qOff + 8 * r + 0]);
            a0 = k.fma(q0, a0);
            a0b = kb.fma(q0, a0b);
            FloatVector q1 = FloatVector.broadcast(F, q[qOff + 8 * r + 1]);
            a1 = k.fma(q1, a1);
            a1b = kb.fma(q1, a1b);
            FloatVector q2 = FloatVector.broadcast(F, q[qOff + 8 * r + 2]);
            a2 = k.fma(q2, a2);
            a2b = kb.fma(q2, a2b);
            FloatVector q3 = FloatVector.broadcast(F, q[qOff + 8 * r + 3]);
            a3 = k.fma(q3, a3);
            a3b = kb.fma(q3, a3b);
        }
        a0.intoArray(sc, sOff + 0 * stride);
        a0b.intoArray(sc, sOff + 0 * stride + L);
        a1.intoArray(sc, sOff + 1 * stride);
        a1b.intoArray(sc, sOff + 1 * stride + L);
        a2.intoArray(sc, sOff + 2 * stride);
        a2b.intoArray(sc, sOff + 2 * stride + L);
        a3.intoArray(sc, sOff + 3 * stride);
        a3b.intoArray(sc, sOff + 3 * stride + L);
    }

    /** 4 heads, TERN rows {@code [r0, r1)}, tokens {@code [j, j+2L)} as two vectors (add: onto the scores already in sc). */
    private static void keysTernx4(int[] words, int wOff, float[] m, int r0, int r1, int j, float[] q, int qOff, int rows,
                                    float[] sc, int sOff, int stride, boolean add) {
        // 2-bit rows: words[2·row + i] is the i-th 32-bit half of the row's 64-bit code word (16 tokens);
        // token vector j.. lives in half j/16 at bit 2·(j%16): broadcast straight from the array
        int wa = j >>> 4;
        int wb = (j + L) >>> 4;
        IntVector sa = IntVector.zero(I).addIndex(2).add(2 * (j & 15));
        IntVector sb = IntVector.zero(I).addIndex(2).add(2 * ((j + L) & 15));
        FloatVector a0 = add ? FloatVector.fromArray(F, sc, sOff + 0 * stride) : FloatVector.zero(F);
        FloatVector a0b = add ? FloatVector.fromArray(F, sc, sOff + 0 * stride + L) : FloatVector.zero(F);
        FloatVector a1 = add ? FloatVector.fromArray(F, sc, sOff + 1 * stride) : FloatVector.zero(F);
        FloatVector a1b = add ? FloatVector.fromArray(F, sc, sOff + 1 * stride + L) : FloatVector.zero(F);
        FloatVector a2 = add ? FloatVector.fromArray(F, sc, sOff + 2 * stride) : FloatVector.zero(F);
        FloatVector a2b = add ? FloatVector.fromArray(F, sc, sOff + 2 * stride + L) : FloatVector.zero(F);
        FloatVector a3 = add ? FloatVector.fromArray(F, sc, sOff + 3 * stride) : FloatVector.zero(F);
        FloatVector a3b = add ? FloatVector.fromArray(F, sc, sOff + 3 * stride + L) : FloatVector.zero(F);
        for (int r = r0; r < r1; r++) {
            IntVector c = IntVector.broadcast(I, words[2 * (wOff + r) + wa]).lanewise(VectorOperators.LSHR, sa);
            IntVector cb = IntVector.broadcast(I, words[2 * (wOff + r) + wb]).lanewise(VectorOperators.LSHR, sb);
            FloatVector k = c.selectFrom(TRIT).reinterpretAsFloats().mul(m[wOff + r]);
            FloatVector kb = cb.selectFrom(TRIT).reinterpretAsFloats().mul(m[wOff + r]);
            FloatVector q0 = FloatVector.broadcast(F, q[qOff + 8 * r + 0]);
            a0 = k.fma(q0, a0);
            a0b = kb.fma(q0, a0b);
            FloatVector q1 = FloatVector.broadcast(F, q[qOff + 8 * r + 1]);
            a1 = k.fma(q1, a1);
            a1b = kb.fma(q1, a1b);
            FloatVector q2 = FloatVector.broadcast(F, q[qOff + 8 * r + 2]);
            a2 = k.fma(q2, a2);
            a2b = kb.fma(q2, a2b);
            FloatVector q3 = FloatVector.broadcast(F, q[qOff + 8 * r + 3]);
            a3 = k.fma(q3, a3);
            a3b = kb.fma(q3, a3b);
        }
        a0.intoArray(sc, sOff + 0 * stride);
        a0b.intoArray(sc, sOff + 0 * stride + L);
        a1.intoArray(sc, sOff + 1 * stride);
        a1b.intoArray(sc, sOff + 1 * stride + L);
        a2.intoArray(sc, sOff + 2 * stride);
        a2b.intoArray(sc, sOff + 2 * stride + L);
        a3.intoArray(sc, sOff + 3 * stride);
        a3b.intoArray(sc, sOff + 3 * stride + L);
    }

    /**
     * 4 heads of per-channel TERN values: Σ_t p_t·code_t per channel (unscaled), then scale (and min·Σp)
     * once; two channel vectors per pass (one broadcast of p_t feeds both), one for an odd last vector.
     */
    private static void valuesTernx4(int[] words, int dp, float[] sc, float[] mn, int d, float[] p, int pOff,
                                      float[] sums, int nh, float[] acc, int aOff, float[] tmp) {
        int c = 0;
        for (; c + L < d; c += 2 * L) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a0b = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a1b = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a2b = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            FloatVector a3b = FloatVector.zero(F);
            for (int half = 0; half < 2; half++) {
                IntVector w = IntVector.fromArray(I, words, half * dp + c);
                IntVector wb = IntVector.fromArray(I, words, half * dp + c + L);
                for (int t = 16 * half; t < 16 * half + 16; t++) {
                    FloatVector v = w.selectFrom(TRIT).reinterpretAsFloats();
                    w = w.lanewise(VectorOperators.LSHR, 2);
                    FloatVector vb = wb.selectFrom(TRIT).reinterpretAsFloats();
                    wb = wb.lanewise(VectorOperators.LSHR, 2);
                    FloatVector p0 = FloatVector.broadcast(F, p[pOff + 0 * G + t]);
                    a0 = v.fma(p0, a0);
                    a0b = vb.fma(p0, a0b);
                    FloatVector p1 = FloatVector.broadcast(F, p[pOff + 1 * G + t]);
                    a1 = v.fma(p1, a1);
                    a1b = vb.fma(p1, a1b);
                    FloatVector p2 = FloatVector.broadcast(F, p[pOff + 2 * G + t]);
                    a2 = v.fma(p2, a2);
                    a2b = vb.fma(p2, a2b);
                    FloatVector p3 = FloatVector.broadcast(F, p[pOff + 3 * G + t]);
                    a3 = v.fma(p3, a3);
                    a3b = vb.fma(p3, a3b);
                }
            }
            if (c + L <= d) { // whole vector: add into acc in place
                FloatVector s = FloatVector.fromArray(F, sc, c);
                FloatVector.fromArray(F, acc, aOff + 0 * d + c).add(a0.mul(s)).intoArray(acc, aOff + 0 * d + c);
                if (nh > 1) {
                    FloatVector.fromArray(F, acc, aOff + 1 * d + c).add(a1.mul(s)).intoArray(acc, aOff + 1 * d + c);
                }
                if (nh > 2) {
                    FloatVector.fromArray(F, acc, aOff + 2 * d + c).add(a2.mul(s)).intoArray(acc, aOff + 2 * d + c);
                }
                if (nh > 3) {
                    FloatVector.fromArray(F, acc, aOff + 3 * d + c).add(a3.mul(s)).intoArray(acc, aOff + 3 * d + c);
                }
            } else { // last, partial vector: through tmp and the masked finish
                a0.intoArray(tmp, 0 * L);
                a1.intoArray(tmp, 1 * L);
                a2.intoArray(tmp, 2 * L);
                a3.intoArray(tmp, 3 * L);
                finish(tmp, nh, c, d, sc, null, sums, acc, aOff);
            }
            if (c + L + L <= d) { // whole vector: add into acc in place
                FloatVector sb = FloatVector.fromArray(F, sc, c + L);
                FloatVector.fromArray(F, acc, aOff + 0 * d + c + L).add(a0b.mul(sb)).intoArray(acc, aOff + 0 * d + c + L);
                if (nh > 1) {
                    FloatVector.fromArray(F, acc, aOff + 1 * d + c + L).add(a1b.mul(sb)).intoArray(acc, aOff + 1 * d + c + L);
                }
                if (nh > 2) {
                    FloatVector.fromArray(F, acc, aOff + 2 * d + c + L).add(a2b.mul(sb)).intoArray(acc, aOff + 2 * d + c + L);
                }
                if (nh > 3) {
                    FloatVector.fromArray(F, acc, aOff + 3 * d + c + L).add(a3b.mul(sb)).intoArray(acc, aOff + 3 * d + c + L);
                }
            } else { // last, partial vector: through tmp and the masked finish
                a0b.intoArray(tmp, 0 * L);
                a1b.intoArray(tmp, 1 * L);
                a2b.intoArray(tmp, 2 * L);
                a3b.intoArray(tmp, 3 * L);
                finish(tmp, nh, c + L, d, sc, null, sums, acc, aOff);
            }
        }
        for (; c < d; c += L) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            for (int half = 0; half < 2; half++) {
                IntVector w = IntVector.fromArray(I, words, half * dp + c);
                for (int t = 16 * half; t < 16 * half + 16; t++) {
                    FloatVector v = w.selectFrom(TRIT).reinterpretAsFloats();
                    w = w.lanewise(VectorOperators.LSHR, 2);
                    FloatVector p0 = FloatVector.broadcast(F, p[pOff + 0 * G + t]);
                    a0 = v.fma(p0, a0);
                    FloatVector p1 = FloatVector.broadcast(F, p[pOff + 1 * G + t]);
                    a1 = v.fma(p1, a1);
                    FloatVector p2 = FloatVector.broadcast(F, p[pOff + 2 * G + t]);
                    a2 = v.fma(p2, a2);
                    FloatVector p3 = FloatVector.broadcast(F, p[pOff + 3 * G + t]);
                    a3 = v.fma(p3, a3);
                }
            }
            if (c + L <= d) { // whole vector: add into acc in place
                FloatVector s = FloatVector.fromArray(F, sc, c);
                FloatVector.fromArray(F, acc, aOff + 0 * d + c).add(a0.mul(s)).intoArray(acc, aOff + 0 * d + c);
                if (nh > 1) {
                    FloatVector.fromArray(F, acc, aOff + 1 * d + c).add(a1.mul(s)).intoArray(acc, aOff + 1 * d + c);
                }
                if (nh > 2) {
                    FloatVector.fromArray(F, acc, aOff + 2 * d + c).add(a2.mul(s)).intoArray(acc, aOff + 2 * d + c);
                }
                if (nh > 3) {
                    FloatVector.fromArray(F, acc, aOff + 3 * d + c).add(a3.mul(s)).intoArray(acc, aOff + 3 * d + c);
                }
            } else { // last, partial vector: through tmp and the masked finish
                a0.intoArray(tmp, 0 * L);
                a1.intoArray(tmp, 1 * L);
                a2.intoArray(tmp, 2 * L);
                a3.intoArray(tmp, 3 * L);
                finish(tmp, nh, c, d, sc, null, sums, acc, aOff);
            }
        }
    }

    /**
     * 4 heads of per-channel INT2 values: Σ_t p_t·code_t per channel (unscaled), then scale (and min·Σp)
     * once; two channel vectors per pass (one broadcast of p_t feeds both), one for an odd last vector.
     */
    private static void valuesInt2x4(int[] words, int dp, float[] sc, float[] mn, int d, float[] p, int pOff,
                                      float[] sums, int nh, float[] acc, int aOff, float[] tmp) {
        int c = 0;
        for (; c + L < d; c += 2 * L) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a0b = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a1b = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a2b = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            FloatVector a3b = FloatVector.zero(F);
            for (int half = 0; half < 2; half++) {
                IntVector w = IntVector.fromArray(I, words, half * dp + c);
                IntVector wb = IntVector.fromArray(I, words, half * dp + c + L);
                for (int t = 16 * half; t < 16 * half + 16; t++) {
                    FloatVector v = w.selectFrom(CODE2).reinterpretAsFloats();
                    w = w.lanewise(VectorOperators.LSHR, 2);
                    FloatVector vb = wb.selectFrom(CODE2).reinterpretAsFloats();
                    wb = wb.lanewise(VectorOperators.LSHR, 2);
                    FloatVector p0 = FloatVector.broadcast(F, p[pOff + 0 * G + t]);
                    a0 = v.fma(p0, a0);
                    a0b = vb.fma(p0, a0b);
                    FloatVector p1 = FloatVector.broadcast(F, p[pOff + 1 * G + t]);
                    a1 = v.fma(p1, a1);
                    a1b = vb.fma(p1, a1b);
                    FloatVector p2 = FloatVector.broadcast(F, p[pOff + 2 * G + t]);
                    a2 = v.fma(p2, a2);
                    a2b = vb.fma(p2, a2b);
                    FloatVector p3 = FloatVector.broadcast(F, p[pOff + 3 * G + t]);
                    a3 = v.fma(p3, a3);
                    a3b = vb.fma(p3, a3b);
                }
            }
            if (c + L <= d) { // whole vector: add into acc in place
                FloatVector s = FloatVector.fromArray(F, sc, c);
                FloatVector n = FloatVector.fromArray(F, mn, c);
                FloatVector.fromArray(F, acc, aOff + 0 * d + c).add(n.fma(FloatVector.broadcast(F, sums[0]), a0.mul(s))).intoArray(acc, aOff + 0 * d + c);
                if (nh > 1) {
                    FloatVector.fromArray(F, acc, aOff + 1 * d + c).add(n.fma(FloatVector.broadcast(F, sums[1]), a1.mul(s))).intoArray(acc, aOff + 1 * d + c);
                }
                if (nh > 2) {
                    FloatVector.fromArray(F, acc, aOff + 2 * d + c).add(n.fma(FloatVector.broadcast(F, sums[2]), a2.mul(s))).intoArray(acc, aOff + 2 * d + c);
                }
                if (nh > 3) {
                    FloatVector.fromArray(F, acc, aOff + 3 * d + c).add(n.fma(FloatVector.broadcast(F, sums[3]), a3.mul(s))).intoArray(acc, aOff + 3 * d + c);
                }
            } else { // last, partial vector: through tmp and the masked finish
                a0.intoArray(tmp, 0 * L);
                a1.intoArray(tmp, 1 * L);
                a2.intoArray(tmp, 2 * L);
                a3.intoArray(tmp, 3 * L);
                finish(tmp, nh, c, d, sc, mn, sums, acc, aOff);
            }
            if (c + L + L <= d) { // whole vector: add into acc in place
                FloatVector sb = FloatVector.fromArray(F, sc, c + L);
                FloatVector nb = FloatVector.fromArray(F, mn, c + L);
                FloatVector.fromArray(F, acc, aOff + 0 * d + c + L).add(nb.fma(FloatVector.broadcast(F, sums[0]), a0b.mul(sb))).intoArray(acc, aOff + 0 * d + c + L);
                if (nh > 1) {
                    FloatVector.fromArray(F, acc, aOff + 1 * d + c + L).add(nb.fma(FloatVector.broadcast(F, sums[1]), a1b.mul(sb))).intoArray(acc, aOff + 1 * d + c + L);
                }
                if (nh > 2) {
                    FloatVector.fromArray(F, acc, aOff + 2 * d + c + L).add(nb.fma(FloatVector.broadcast(F, sums[2]), a2b.mul(sb))).intoArray(acc, aOff + 2 * d + c + L);
                }
                if (nh > 3) {
                    FloatVector.fromArray(F, acc, aOff + 3 * d + c + L).add(nb.fma(FloatVector.broadcast(F, sums[3]), a3b.mul(sb))).intoArray(acc, aOff + 3 * d + c + L);
                }
            } else { // last, partial vector: through tmp and the masked finish
                a0b.intoArray(tmp, 0 * L);
                a1b.intoArray(tmp, 1 * L);
                a2b.intoArray(tmp, 2 * L);
                a3b.intoArray(tmp, 3 * L);
                finish(tmp, nh, c + L, d, sc, mn, sums, acc, aOff);
            }
        }
        for (; c < d; c += L) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            for (int half = 0; half < 2; half++) {
                IntVector w = IntVector.fromArray(I, words, half * dp + c);
                for (int t = 16 * half; t < 16 * half + 16; t++) {
                    FloatVector v = w.selectFrom(CODE2).reinterpretAsFloats();
                    w = w.lanewise(VectorOperators.LSHR, 2);
                    FloatVector p0 = FloatVector.broadcast(F, p[pOff + 0 * G + t]);
                    a0 = v.fma(p0, a0);
                    FloatVector p1 = FloatVector.broadcast(F, p[pOff + 1 * G + t]);
                    a1 = v.fma(p1, a1);
                    FloatVector p2 = FloatVector.broadcast(F, p[pOff + 2 * G + t]);
                    a2 = v.fma(p2, a2);
                    FloatVector p3 = FloatVector.broadcast(F, p[pOff + 3 * G + t]);
                    a3 = v.fma(p3, a3);
                }
            }
            if (c + L <= d) { // whole vector: add into acc in place
                FloatVector s = FloatVector.fromArray(F, sc, c);
                FloatVector n = FloatVector.fromArray(F, mn, c);
                FloatVector.fromArray(F, acc, aOff + 0 * d + c).add(n.fma(FloatVector.broadcast(F, sums[0]), a0.mul(s))).intoArray(acc, aOff + 0 * d + c);
                if (nh > 1) {
                    FloatVector.fromArray(F, acc, aOff + 1 * d + c).add(n.fma(FloatVector.broadcast(F, sums[1]), a1.mul(s))).intoArray(acc, aOff + 1 * d + c);
                }
                if (nh > 2) {
                    FloatVector.fromArray(F, acc, aOff + 2 * d + c).add(n.fma(FloatVector.broadcast(F, sums[2]), a2.mul(s))).intoArray(acc, aOff + 2 * d + c);
                }
                if (nh > 3) {
                    FloatVector.fromArray(F, acc, aOff + 3 * d + c).add(n.fma(FloatVector.broadcast(F, sums[3]), a3.mul(s))).intoArray(acc, aOff + 3 * d + c);
                }
            } else { // last, partial vector: through tmp and the masked finish
                a0.intoArray(tmp, 0 * L);
                a1.intoArray(tmp, 1 * L);
                a2.intoArray(tmp, 2 * L);
                a3.intoArray(tmp, 3 * L);
                finish(tmp, nh, c, d, sc, mn, sums, acc, aOff);
            }
        }
    }

    /**
     * 4 heads of per-channel INT1 values: Σ_t p_t·code_t per channel (unscaled), then scale (and min·Σp)
     * once; two channel vectors per pass (one broadcast of p_t feeds both), one for an odd last vector.
     */
    private static void valuesInt1x4(int[] words, int dp, float[] sc, float[] mn, int d, float[] p, int pOff,
                                      float[] sums, int nh, float[] acc, int aOff, float[] tmp) {
        int c = 0;
        for (; c + L < d; c += 2 * L) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a0b = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a1b = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a2b = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            FloatVector a3b = FloatVector.zero(F);
            for (int half = 0; half < 1; half++) {
                IntVector w = IntVector.fromArray(I, words, half * dp + c);
                IntVector wb = IntVector.fromArray(I, words, half * dp + c + L);
                for (int t = 32 * half; t < 32 * half + 32; t++) {
                    FloatVector v = w.selectFrom(SIGN1).reinterpretAsFloats();
                    w = w.lanewise(VectorOperators.LSHR, 1);
                    FloatVector vb = wb.selectFrom(SIGN1).reinterpretAsFloats();
                    wb = wb.lanewise(VectorOperators.LSHR, 1);
                    FloatVector p0 = FloatVector.broadcast(F, p[pOff + 0 * G + t]);
                    a0 = v.fma(p0, a0);
                    a0b = vb.fma(p0, a0b);
                    FloatVector p1 = FloatVector.broadcast(F, p[pOff + 1 * G + t]);
                    a1 = v.fma(p1, a1);
                    a1b = vb.fma(p1, a1b);
                    FloatVector p2 = FloatVector.broadcast(F, p[pOff + 2 * G + t]);
                    a2 = v.fma(p2, a2);
                    a2b = vb.fma(p2, a2b);
                    FloatVector p3 = FloatVector.broadcast(F, p[pOff + 3 * G + t]);
                    a3 = v.fma(p3, a3);
                    a3b = vb.fma(p3, a3b);
                }
            }
            if (c + L <= d) { // whole vector: add into acc in place
                FloatVector s = FloatVector.fromArray(F, sc, c);
                FloatVector.fromArray(F, acc, aOff + 0 * d + c).add(a0.mul(s)).intoArray(acc, aOff + 0 * d + c);
                if (nh > 1) {
                    FloatVector.fromArray(F, acc, aOff + 1 * d + c).add(a1.mul(s)).intoArray(acc, aOff + 1 * d + c);
                }
                if (nh > 2) {
                    FloatVector.fromArray(F, acc, aOff + 2 * d + c).add(a2.mul(s)).intoArray(acc, aOff + 2 * d + c);
                }
                if (nh > 3) {
                    FloatVector.fromArray(F, acc, aOff + 3 * d + c).add(a3.mul(s)).intoArray(acc, aOff + 3 * d + c);
                }
            } else { // last, partial vector: through tmp and the masked finish
                a0.intoArray(tmp, 0 * L);
                a1.intoArray(tmp, 1 * L);
                a2.intoArray(tmp, 2 * L);
                a3.intoArray(tmp, 3 * L);
                finish(tmp, nh, c, d, sc, null, sums, acc, aOff);
            }
            if (c + L + L <= d) { // whole vector: add into acc in place
                FloatVector sb = FloatVector.fromArray(F, sc, c + L);
                FloatVector.fromArray(F, acc, aOff + 0 * d + c + L).add(a0b.mul(sb)).intoArray(acc, aOff + 0 * d + c + L);
                if (nh > 1) {
                    FloatVector.fromArray(F, acc, aOff + 1 * d + c + L).add(a1b.mul(sb)).intoArray(acc, aOff + 1 * d + c + L);
                }
                if (nh > 2) {
                    FloatVector.fromArray(F, acc, aOff + 2 * d + c + L).add(a2b.mul(sb)).intoArray(acc, aOff + 2 * d + c + L);
                }
                if (nh > 3) {
                    FloatVector.fromArray(F, acc, aOff + 3 * d + c + L).add(a3b.mul(sb)).intoArray(acc, aOff + 3 * d + c + L);
                }
            } else { // last, partial vector: through tmp and the masked finish
                a0b.intoArray(tmp, 0 * L);
                a1b.intoArray(tmp, 1 * L);
                a2b.intoArray(tmp, 2 * L);
                a3b.intoArray(tmp, 3 * L);
                finish(tmp, nh, c + L, d, sc, null, sums, acc, aOff);
            }
        }
        for (; c < d; c += L) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            for (int half = 0; half < 1; half++) {
                IntVector w = IntVector.fromArray(I, words, half * dp + c);
                for (int t = 32 * half; t < 32 * half + 32; t++) {
                    FloatVector v = w.selectFrom(SIGN1).reinterpretAsFloats();
                    w = w.lanewise(VectorOperators.LSHR, 1);
                    FloatVector p0 = FloatVector.broadcast(F, p[pOff + 0 * G + t]);
                    a0 = v.fma(p0, a0);
                    FloatVector p1 = FloatVector.broadcast(F, p[pOff + 1 * G + t]);
                    a1 = v.fma(p1, a1);
                    FloatVector p2 = FloatVector.broadcast(F, p[pOff + 2 * G + t]);
                    a2 = v.fma(p2, a2);
                    FloatVector p3 = FloatVector.broadcast(F, p[pOff + 3 * G + t]);
                    a3 = v.fma(p3, a3);
                }
            }
            if (c + L <= d) { // whole vector: add into acc in place
                FloatVector s = FloatVector.fromArray(F, sc, c);
                FloatVector.fromArray(F, acc, aOff + 0 * d + c).add(a0.mul(s)).intoArray(acc, aOff + 0 * d + c);
                if (nh > 1) {
                    FloatVector.fromArray(F, acc, aOff + 1 * d + c).add(a1.mul(s)).intoArray(acc, aOff + 1 * d + c);
                }
                if (nh > 2) {
                    FloatVector.fromArray(F, acc, aOff + 2 * d + c).add(a2.mul(s)).intoArray(acc, aOff + 2 * d + c);
                }
                if (nh > 3) {
                    FloatVector.fromArray(F, acc, aOff + 3 * d + c).add(a3.mul(s)).intoArray(acc, aOff + 3 * d + c);
                }
            } else { // last, partial vector: through tmp and the masked finish
                a0.intoArray(tmp, 0 * L);
                a1.intoArray(tmp, 1 * L);
                a2.intoArray(tmp, 2 * L);
                a3.intoArray(tmp, 3 * L);
                finish(tmp, nh, c, d, sc, null, sums, acc, aOff);
            }
        }
    }

    /**
     * 4 heads of {@code n} per-token INT2 rows (groups of 32 channels; KIVI's values, VidKV's salient rows):
     * each token's L codes decoded once in registers.
     */
    private static void valuesTokenInt2x4(int[] words, int ng, float[] m, int n, int d, float[] p, int pOff,
                                          int nh, float[] acc, int aOff, float[] tmp) {
        for (int c = 0; c < d; c += L) {
            int j = c >>> 5; // the channel group: word k = t·ng + j, as int halves words[2k], words[2k + 1]
            int wi = (c & 31) >>> 4;
            IntVector shifts = IntVector.zero(I).addIndex(2).add(2 * (c & 15));
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            for (int t = 0; t < n; t++) {
                int k = t * ng + j;
                IntVector x = IntVector.broadcast(I, words[2 * k + wi]).lanewise(VectorOperators.LSHR, shifts);
                FloatVector v = x.selectFrom(CODE2).reinterpretAsFloats().fma(FloatVector.broadcast(F, m[2 * k]), FloatVector.broadcast(F, m[2 * k + 1]));
                a0 = v.fma(FloatVector.broadcast(F, p[pOff + 0 * G + t]), a0);
                a1 = v.fma(FloatVector.broadcast(F, p[pOff + 1 * G + t]), a1);
                a2 = v.fma(FloatVector.broadcast(F, p[pOff + 2 * G + t]), a2);
                a3 = v.fma(FloatVector.broadcast(F, p[pOff + 3 * G + t]), a3);
            }
            if (c + L <= d) { // whole vector: add into acc in place
                FloatVector.fromArray(F, acc, aOff + 0 * d + c).add(a0).intoArray(acc, aOff + 0 * d + c);
                if (nh > 1) {
                    FloatVector.fromArray(F, acc, aOff + 1 * d + c).add(a1).intoArray(acc, aOff + 1 * d + c);
                }
                if (nh > 2) {
                    FloatVector.fromArray(F, acc, aOff + 2 * d + c).add(a2).intoArray(acc, aOff + 2 * d + c);
                }
                if (nh > 3) {
                    FloatVector.fromArray(F, acc, aOff + 3 * d + c).add(a3).intoArray(acc, aOff + 3 * d + c);
                }
            } else { // last, partial vector: through tmp and the masked finish
                a0.intoArray(tmp, 0 * L);
                a1.intoArray(tmp, 1 * L);
                a2.intoArray(tmp, 2 * L);
                a3.intoArray(tmp, 3 * L);
                finish(tmp, nh, c, d, null, null, null, acc, aOff);
            }
        }
    }

    /** 7 heads, INT1 rows {@code [r0, r1)}, tokens {@code [j, j+2L)} as two vectors (add: onto the scores already in sc). */
    private static void keysInt1x7(int[] words, int wOff, float[] m, int r0, int r1, int j, float[] q, int qOff, int rows,
                                    float[] sc, int sOff, int stride, boolean add) {
        FloatVector a0 = add ? FloatVector.fromArray(F, sc, sOff + 0 * stride) : FloatVector.zero(F);
        FloatVector a0b = add ? FloatVector.fromArray(F, sc, sOff + 0 * stride + L) : FloatVector.zero(F);
        FloatVector a1 = add ? FloatVector.fromArray(F, sc, sOff + 1 * stride) : FloatVector.zero(F);
        FloatVector a1b = add ? FloatVector.fromArray(F, sc, sOff + 1 * stride + L) : FloatVector.zero(F);
        FloatVector a2 = add ? FloatVector.fromArray(F, sc, sOff + 2 * stride) : FloatVector.zero(F);
        FloatVector a2b = add ? FloatVector.fromArray(F, sc, sOff + 2 * stride + L) : FloatVector.zero(F);
        FloatVector a3 = add ? FloatVector.fromArray(F, sc, sOff + 3 * stride) : FloatVector.zero(F);
        FloatVector a3b = add ? FloatVector.fromArray(F, sc, sOff + 3 * stride + L) : FloatVector.zero(F);
        FloatVector a4 = add ? FloatVector.fromArray(F, sc, sOff + 4 * stride) : FloatVector.zero(F);
        FloatVector a4b = add ? FloatVector.fromArray(F, sc, sOff + 4 * stride + L) : FloatVector.zero(F);
        FloatVector a5 = add ? FloatVector.fromArray(F, sc, sOff + 5 * stride) : FloatVector.zero(F);
        FloatVector a5b = add ? FloatVector.fromArray(F, sc, sOff + 5 * stride + L) : FloatVector.zero(F);
        FloatVector a6 = add ? FloatVector.fromArray(F, sc, sOff + 6 * stride) : FloatVector.zero(F);
        FloatVector a6b = add ? FloatVector.fromArray(F, sc, sOff + 6 * stride + L) : FloatVector.zero(F);
        for (int r = r0; r < r1; r++) {
            int w = words[wOff + r];
            FloatVector pos = FloatVector.broadcast(F, m[wOff + r]);
            FloatVector neg = pos.neg();
            FloatVector k = neg.blend(pos, VectorMask.fromLong(F, (w >>> j) & LANE_BITS));
            FloatVector kb = neg.blend(pos, VectorMask.fromLong(F, (w >>> (j + L)) & LANE_BITS));
            FloatVector q0 = FloatVector.broadcast(F, q[qOff + 8 * r + 0]);
            a0 = k.fma(q0, a0);
            a0b = kb.fma(q0, a0b);
            FloatVector q1 = FloatVector.broadcast(F, q[qOff + 8 * r + 1]);
            a1 = k.fma(q1, a1);
            a1b = kb.fma(q1, a1b);
            FloatVector q2 = FloatVector.broadcast(F, q[qOff + 8 * r + 2]);
            a2 = k.fma(q2, a2);
            a2b = kb.fma(q2, a2b);
            FloatVector q3 = FloatVector.broadcast(F, q[qOff + 8 * r + 3]);
            a3 = k.fma(q3, a3);
            a3b = kb.fma(q3, a3b);
            FloatVector q4 = FloatVector.broadcast(F, q[qOff + 8 * r + 4]);
            a4 = k.fma(q4, a4);
            a4b = kb.fma(q4, a4b);
            FloatVector q5 = FloatVector.broadcast(F, q[qOff + 8 * r + 5]);
            a5 = k.fma(q5, a5);
            a5b = kb.fma(q5, a5b);
            FloatVector q6 = FloatVector.broadcast(F, q[qOff + 8 * r + 6]);
            a6 = k.fma(q6, a6);
            a6b = kb.fma(q6, a6b);
        }
        a0.intoArray(sc, sOff + 0 * stride);
        a0b.intoArray(sc, sOff + 0 * stride + L);
        a1.intoArray(sc, sOff + 1 * stride);
        a1b.intoArray(sc, sOff + 1 * stride + L);
        a2.intoArray(sc, sOff + 2 * stride);
        a2b.intoArray(sc, sOff + 2 * stride + L);
        a3.intoArray(sc, sOff + 3 * stride);
        a3b.intoArray(sc, sOff + 3 * stride + L);
        a4.intoArray(sc, sOff + 4 * stride);
        a4b.intoArray(sc, sOff + 4 * stride + L);
        a5.intoArray(sc, sOff + 5 * stride);
        a5b.intoArray(sc, sOff + 5 * stride + L);
        a6.intoArray(sc, sOff + 6 * stride);
        a6b.intoArray(sc, sOff + 6 * stride + L);
    }

    /** 7 heads, INT2 rows {@code [r0, r1)}, tokens {@code [j, j+2L)} as two vectors (add: onto the scores already in sc). */
    private static void keysInt2x7(int[] words, int wOff, float[] m, int r0, int r1, int j, float[] q, int qOff, int rows,
                                    float[] sc, int sOff, int stride, boolean add) {
        // 2-bit rows: words[2·row + i] is the i-th 32-bit half of the row's 64-bit code word (16 tokens);
        // token vector j.. lives in half j/16 at bit 2·(j%16): broadcast straight from the array
        int wa = j >>> 4;
        int wb = (j + L) >>> 4;
        IntVector sa = IntVector.zero(I).addIndex(2).add(2 * (j & 15));
        IntVector sb = IntVector.zero(I).addIndex(2).add(2 * ((j + L) & 15));
        FloatVector a0 = add ? FloatVector.fromArray(F, sc, sOff + 0 * stride) : FloatVector.zero(F);
        FloatVector a0b = add ? FloatVector.fromArray(F, sc, sOff + 0 * stride + L) : FloatVector.zero(F);
        FloatVector a1 = add ? FloatVector.fromArray(F, sc, sOff + 1 * stride) : FloatVector.zero(F);
        FloatVector a1b = add ? FloatVector.fromArray(F, sc, sOff + 1 * stride + L) : FloatVector.zero(F);
        FloatVector a2 = add ? FloatVector.fromArray(F, sc, sOff + 2 * stride) : FloatVector.zero(F);
        FloatVector a2b = add ? FloatVector.fromArray(F, sc, sOff + 2 * stride + L) : FloatVector.zero(F);
        FloatVector a3 = add ? FloatVector.fromArray(F, sc, sOff + 3 * stride) : FloatVector.zero(F);
        FloatVector a3b = add ? FloatVector.fromArray(F, sc, sOff + 3 * stride + L) : FloatVector.zero(F);
        FloatVector a4 = add ? FloatVector.fromArray(F, sc, sOff + 4 * stride) : FloatVector.zero(F);
        FloatVector a4b = add ? FloatVector.fromArray(F, sc, sOff + 4 * stride + L) : FloatVector.zero(F);
        FloatVector a5 = add ? FloatVector.fromArray(F, sc, sOff + 5 * stride) : FloatVector.zero(F);
        FloatVector a5b = add ? FloatVector.fromArray(F, sc, sOff + 5 * stride + L) : FloatVector.zero(F);
        FloatVector a6 = add ? FloatVector.fromArray(F, sc, sOff + 6 * stride) : FloatVector.zero(F);
        FloatVector a6b = add ? FloatVector.fromArray(F, sc, sOff + 6 * stride + L) : FloatVector.zero(F);
        for (int r = r0; r < r1; r++) {
            FloatVector st = FloatVector.broadcast(F, m[2 * (wOff + r)]);
            FloatVector mn = FloatVector.broadcast(F, m[2 * (wOff + r) + 1]);
            IntVector c = IntVector.broadcast(I, words[2 * (wOff + r) + wa]).lanewise(VectorOperators.LSHR, sa);
            IntVector cb = IntVector.broadcast(I, words[2 * (wOff + r) + wb]).lanewise(VectorOperators.LSHR, sb);
            FloatVector k = c.selectFrom(CODE2).reinterpretAsFloats().fma(st, mn);
            FloatVector kb = cb.selectFrom(CODE2).reinterpretAsFloats().fma(st, mn);
            FloatVector q0 = FloatVector.broadcast(F, q[qOff + 8 * r + 0]);
            a0 = k.fma(q0, a0);
            a0b = kb.fma(q0, a0b);
            FloatVector q1 = FloatVector.broadcast(F, q[qOff + 8 * r + 1]);
            a1 = k.fma(q1, a1);
            a1b = kb.fma(q1, a1b);
            FloatVector q2 = FloatVector.broadcast(F, q[qOff + 8 * r + 2]);
            a2 = k.fma(q2, a2);
            a2b = kb.fma(q2, a2b);
            FloatVector q3 = FloatVector.broadcast(F, q[qOff + 8 * r + 3]);
            a3 = k.fma(q3, a3);
            a3b = kb.fma(q3, a3b);
            FloatVector q4 = FloatVector.broadcast(F, q[qOff + 8 * r + 4]);
            a4 = k.fma(q4, a4);
            a4b = kb.fma(q4, a4b);
            FloatVector q5 = FloatVector.broadcast(F, q[qOff + 8 * r + 5]);
            a5 = k.fma(q5, a5);
            a5b = kb.fma(q5, a5b);
            FloatVector q6 = FloatVector.broadcast(F, q[qOff + 8 * r + 6]);
            a6 = k.fma(q6, a6);
            a6b = kb.fma(q6, a6b);
        }
        a0.intoArray(sc, sOff + 0 * stride);
        a0b.intoArray(sc, sOff + 0 * stride + L);
        a1.intoArray(sc, sOff + 1 * stride);
        a1b.intoArray(sc, sOff + 1 * stride + L);
        a2.intoArray(sc, sOff + 2 * stride);
        a2b.intoArray(sc, sOff + 2 * stride + L);
        a3.intoArray(sc, sOff + 3 * stride);
        a3b.intoArray(sc, sOff + 3 * stride + L);
        a4.intoArray(sc, sOff + 4 * stride);
        a4b.intoArray(sc, sOff + 4 * stride + L);
        a5.intoArray(sc, sOff + 5 * stride);
        a5b.intoArray(sc, sOff + 5 * stride + L);
        a6.intoArray(sc, sOff + 6 * stride);
        a6b.intoArray(sc, sOff + 6 * stride + L);
    }

    /** 7 heads, TERN rows {@code [r0, r1)}, tokens {@code [j, j+2L)} as two vectors (add: onto the scores already in sc). */
    private static void keysTernx7(int[] words, int wOff, float[] m, int r0, int r1, int j, float[] q, int qOff, int rows,
                                    float[] sc, int sOff, int stride, boolean add) {
        // 2-bit rows: words[2·row + i] is the i-th 32-bit half of the row's 64-bit code word (16 tokens);
        // token vector j.. lives in half j/16 at bit 2·(j%16): broadcast straight from the array
        int wa = j >>> 4;
        int wb = (j + L) >>> 4;
        IntVector sa = IntVector.zero(I).addIndex(2).add(2 * (j & 15));
        IntVector sb = IntVector.zero(I).addIndex(2).add(2 * ((j + L) & 15));
        FloatVector a0 = add ? FloatVector.fromArray(F, sc, sOff + 0 * stride) : FloatVector.zero(F);
        FloatVector a0b = add ? FloatVector.fromArray(F, sc, sOff + 0 * stride + L) : FloatVector.zero(F);
        FloatVector a1 = add ? FloatVector.fromArray(F, sc, sOff + 1 * stride) : FloatVector.zero(F);
        FloatVector a1b = add ? FloatVector.fromArray(F, sc, sOff + 1 * stride + L) : FloatVector.zero(F);
        FloatVector a2 = add ? FloatVector.fromArray(F, sc, sOff + 2 * stride) : FloatVector.zero(F);
        FloatVector a2b = add ? FloatVector.fromArray(F, sc, sOff + 2 * stride + L) : FloatVector.zero(F);
        FloatVector a3 = add ? FloatVector.fromArray(F, sc, sOff + 3 * stride) : FloatVector.zero(F);
        FloatVector a3b = add ? FloatVector.fromArray(F, sc, sOff + 3 * stride + L) : FloatVector.zero(F);
        FloatVector a4 = add ? FloatVector.fromArray(F, sc, sOff + 4 * stride) : FloatVector.zero(F);
        FloatVector a4b = add ? FloatVector.fromArray(F, sc, sOff + 4 * stride + L) : FloatVector.zero(F);
        FloatVector a5 = add ? FloatVector.fromArray(F, sc, sOff + 5 * stride) : FloatVector.zero(F);
        FloatVector a5b = add ? FloatVector.fromArray(F, sc, sOff + 5 * stride + L) : FloatVector.zero(F);
        FloatVector a6 = add ? FloatVector.fromArray(F, sc, sOff + 6 * stride) : FloatVector.zero(F);
        FloatVector a6b = add ? FloatVector.fromArray(F, sc, sOff + 6 * stride + L) : FloatVector.zero(F);
        for (int r = r0; r < r1; r++) {
            IntVector c = IntVector.broadcast(I, words[2 * (wOff + r) + wa]).lanewise(VectorOperators.LSHR, sa);
            IntVector cb = IntVector.broadcast(I, words[2 * (wOff + r) + wb]).lanewise(VectorOperators.LSHR, sb);
            FloatVector k = c.selectFrom(TRIT).reinterpretAsFloats().mul(m[wOff + r]);
            FloatVector kb = cb.selectFrom(TRIT).reinterpretAsFloats().mul(m[wOff + r]);
            FloatVector q0 = FloatVector.broadcast(F, q[qOff + 8 * r + 0]);
            a0 = k.fma(q0, a0);
            a0b = kb.fma(q0, a0b);
            FloatVector q1 = FloatVector.broadcast(F, q[qOff + 8 * r + 1]);
            a1 = k.fma(q1, a1);
            a1b = kb.fma(q1, a1b);
            FloatVector q2 = FloatVector.broadcast(F, q[qOff + 8 * r + 2]);
            a2 = k.fma(q2, a2);
            a2b = kb.fma(q2, a2b);
            FloatVector q3 = FloatVector.broadcast(F, q[qOff + 8 * r + 3]);
            a3 = k.fma(q3, a3);
            a3b = kb.fma(q3, a3b);
            FloatVector q4 = FloatVector.broadcast(F, q[qOff + 8 * r + 4]);
            a4 = k.fma(q4, a4);
            a4b = kb.fma(q4, a4b);
            FloatVector q5 = FloatVector.broadcast(F, q[qOff + 8 * r + 5]);
            a5 = k.fma(q5, a5);
            a5b = kb.fma(q5, a5b);
            FloatVector q6 = FloatVector.broadcast(F, q[qOff + 8 * r + 6]);
            a6 = k.fma(q6, a6);
            a6b = kb.fma(q6, a6b);
        }
        a0.intoArray(sc, sOff + 0 * stride);
        a0b.intoArray(sc, sOff + 0 * stride + L);
        a1.intoArray(sc, sOff + 1 * stride);
        a1b.intoArray(sc, sOff + 1 * stride + L);
        a2.intoArray(sc, sOff + 2 * stride);
        a2b.intoArray(sc, sOff + 2 * stride + L);
        a3.intoArray(sc, sOff + 3 * stride);
        a3b.intoArray(sc, sOff + 3 * stride + L);
        a4.intoArray(sc, sOff + 4 * stride);
        a4b.intoArray(sc, sOff + 4 * stride + L);
        a5.intoArray(sc, sOff + 5 * stride);
        a5b.intoArray(sc, sOff + 5 * stride + L);
        a6.intoArray(sc, sOff + 6 * stride);
        a6b.intoArray(sc, sOff + 6 * stride + L);
    }

    /**
     * 7 heads of per-channel TERN values: Σ_t p_t·code_t per channel (unscaled), then scale (and min·Σp)
     * once; two channel vectors per pass (one broadcast of p_t feeds both), one for an odd last vector.
     */
    private static void valuesTernx7(int[] words, int dp, float[] sc, float[] mn, int d, float[] p, int pOff,
                                      float[] sums, int nh, float[] acc, int aOff, float[] tmp) {
        int c = 0;
        for (; c + L < d; c += 2 * L) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a0b = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a1b = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a2b = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            FloatVector a3b = FloatVector.zero(F);
            FloatVector a4 = FloatVector.zero(F);
            FloatVector a4b = FloatVector.zero(F);
            FloatVector a5 = FloatVector.zero(F);
            FloatVector a5b = FloatVector.zero(F);
            FloatVector a6 = FloatVector.zero(F);
            FloatVector a6b = FloatVector.zero(F);
            for (int half = 0; half < 2; half++) {
                IntVector w = IntVector.fromArray(I, words, half * dp + c);
                IntVector wb = IntVector.fromArray(I, words, half * dp + c + L);
                for (int t = 16 * half; t < 16 * half + 16; t++) {
                    FloatVector v = w.selectFrom(TRIT).reinterpretAsFloats();
                    w = w.lanewise(VectorOperators.LSHR, 2);
                    FloatVector vb = wb.selectFrom(TRIT).reinterpretAsFloats();
                    wb = wb.lanewise(VectorOperators.LSHR, 2);
                    FloatVector p0 = FloatVector.broadcast(F, p[pOff + 0 * G + t]);
                    a0 = v.fma(p0, a0);
                    a0b = vb.fma(p0, a0b);
                    FloatVector p1 = FloatVector.broadcast(F, p[pOff + 1 * G + t]);
                    a1 = v.fma(p1, a1);
                    a1b = vb.fma(p1, a1b);
                    FloatVector p2 = FloatVector.broadcast(F, p[pOff + 2 * G + t]);
                    a2 = v.fma(p2, a2);
                    a2b = vb.fma(p2, a2b);
                    FloatVector p3 = FloatVector.broadcast(F, p[pOff + 3 * G + t]);
                    a3 = v.fma(p3, a3);
                    a3b = vb.fma(p3, a3b);
                    FloatVector p4 = FloatVector.broadcast(F, p[pOff + 4 * G + t]);
                    a4 = v.fma(p4, a4);
                    a4b = vb.fma(p4, a4b);
                    FloatVector p5 = FloatVector.broadcast(F, p[pOff + 5 * G + t]);
                    a5 = v.fma(p5, a5);
                    a5b = vb.fma(p5, a5b);
                    FloatVector p6 = FloatVector.broadcast(F, p[pOff + 6 * G + t]);
                    a6 = v.fma(p6, a6);
                    a6b = vb.fma(p6, a6b);
                }
            }
            if (c + L <= d) { // whole vector: add into acc in place
                FloatVector s = FloatVector.fromArray(F, sc, c);
                FloatVector.fromArray(F, acc, aOff + 0 * d + c).add(a0.mul(s)).intoArray(acc, aOff + 0 * d + c);
                FloatVector.fromArray(F, acc, aOff + 1 * d + c).add(a1.mul(s)).intoArray(acc, aOff + 1 * d + c);
                FloatVector.fromArray(F, acc, aOff + 2 * d + c).add(a2.mul(s)).intoArray(acc, aOff + 2 * d + c);
                FloatVector.fromArray(F, acc, aOff + 3 * d + c).add(a3.mul(s)).intoArray(acc, aOff + 3 * d + c);
                FloatVector.fromArray(F, acc, aOff + 4 * d + c).add(a4.mul(s)).intoArray(acc, aOff + 4 * d + c);
                FloatVector.fromArray(F, acc, aOff + 5 * d + c).add(a5.mul(s)).intoArray(acc, aOff + 5 * d + c);
                FloatVector.fromArray(F, acc, aOff + 6 * d + c).add(a6.mul(s)).intoArray(acc, aOff + 6 * d + c);
            } else { // last, partial vector: through tmp and the masked finish
                a0.intoArray(tmp, 0 * L);
                a1.intoArray(tmp, 1 * L);
                a2.intoArray(tmp, 2 * L);
                a3.intoArray(tmp, 3 * L);
                a4.intoArray(tmp, 4 * L);
                a5.intoArray(tmp, 5 * L);
                a6.intoArray(tmp, 6 * L);
                finish(tmp, nh, c, d, sc, null, sums, acc, aOff);
            }
            if (c + L + L <= d) { // whole vector: add into acc in place
                FloatVector sb = FloatVector.fromArray(F, sc, c + L);
                FloatVector.fromArray(F, acc, aOff + 0 * d + c + L).add(a0b.mul(sb)).intoArray(acc, aOff + 0 * d + c + L);
                FloatVector.fromArray(F, acc, aOff + 1 * d + c + L).add(a1b.mul(sb)).intoArray(acc, aOff + 1 * d + c + L);
                FloatVector.fromArray(F, acc, aOff + 2 * d + c + L).add(a2b.mul(sb)).intoArray(acc, aOff + 2 * d + c + L);
                FloatVector.fromArray(F, acc, aOff + 3 * d + c + L).add(a3b.mul(sb)).intoArray(acc, aOff + 3 * d + c + L);
                FloatVector.fromArray(F, acc, aOff + 4 * d + c + L).add(a4b.mul(sb)).intoArray(acc, aOff + 4 * d + c + L);
                FloatVector.fromArray(F, acc, aOff + 5 * d + c + L).add(a5b.mul(sb)).intoArray(acc, aOff + 5 * d + c + L);
                FloatVector.fromArray(F, acc, aOff + 6 * d + c + L).add(a6b.mul(sb)).intoArray(acc, aOff + 6 * d + c + L);
            } else { // last, partial vector: through tmp and the masked finish
                a0b.intoArray(tmp, 0 * L);
                a1b.intoArray(tmp, 1 * L);
                a2b.intoArray(tmp, 2 * L);
                a3b.intoArray(tmp, 3 * L);
                a4b.intoArray(tmp, 4 * L);
                a5b.intoArray(tmp, 5 * L);
                a6b.intoArray(tmp, 6 * L);
                finish(tmp, nh, c + L, d, sc, null, sums, acc, aOff);
            }
        }
        for (; c < d; c += L) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            FloatVector a4 = FloatVector.zero(F);
            FloatVector a5 = FloatVector.zero(F);
            FloatVector a6 = FloatVector.zero(F);
            for (int half = 0; half < 2; half++) {
                IntVector w = IntVector.fromArray(I, words, half * dp + c);
                for (int t = 16 * half; t < 16 * half + 16; t++) {
                    FloatVector v = w.selectFrom(TRIT).reinterpretAsFloats();
                    w = w.lanewise(VectorOperators.LSHR, 2);
                    FloatVector p0 = FloatVector.broadcast(F, p[pOff + 0 * G + t]);
                    a0 = v.fma(p0, a0);
                    FloatVector p1 = FloatVector.broadcast(F, p[pOff + 1 * G + t]);
                    a1 = v.fma(p1, a1);
                    FloatVector p2 = FloatVector.broadcast(F, p[pOff + 2 * G + t]);
                    a2 = v.fma(p2, a2);
                    FloatVector p3 = FloatVector.broadcast(F, p[pOff + 3 * G + t]);
                    a3 = v.fma(p3, a3);
                    FloatVector p4 = FloatVector.broadcast(F, p[pOff + 4 * G + t]);
                    a4 = v.fma(p4, a4);
                    FloatVector p5 = FloatVector.broadcast(F, p[pOff + 5 * G + t]);
                    a5 = v.fma(p5, a5);
                    FloatVector p6 = FloatVector.broadcast(F, p[pOff + 6 * G + t]);
                    a6 = v.fma(p6, a6);
                }
            }
            if (c + L <= d) { // whole vector: add into acc in place
                FloatVector s = FloatVector.fromArray(F, sc, c);
                FloatVector.fromArray(F, acc, aOff + 0 * d + c).add(a0.mul(s)).intoArray(acc, aOff + 0 * d + c);
                FloatVector.fromArray(F, acc, aOff + 1 * d + c).add(a1.mul(s)).intoArray(acc, aOff + 1 * d + c);
                FloatVector.fromArray(F, acc, aOff + 2 * d + c).add(a2.mul(s)).intoArray(acc, aOff + 2 * d + c);
                FloatVector.fromArray(F, acc, aOff + 3 * d + c).add(a3.mul(s)).intoArray(acc, aOff + 3 * d + c);
                FloatVector.fromArray(F, acc, aOff + 4 * d + c).add(a4.mul(s)).intoArray(acc, aOff + 4 * d + c);
                FloatVector.fromArray(F, acc, aOff + 5 * d + c).add(a5.mul(s)).intoArray(acc, aOff + 5 * d + c);
                FloatVector.fromArray(F, acc, aOff + 6 * d + c).add(a6.mul(s)).intoArray(acc, aOff + 6 * d + c);
            } else { // last, partial vector: through tmp and the masked finish
                a0.intoArray(tmp, 0 * L);
                a1.intoArray(tmp, 1 * L);
                a2.intoArray(tmp, 2 * L);
                a3.intoArray(tmp, 3 * L);
                a4.intoArray(tmp, 4 * L);
                a5.intoArray(tmp, 5 * L);
                a6.intoArray(tmp, 6 * L);
                finish(tmp, nh, c, d, sc, null, sums, acc, aOff);
            }
        }
    }

    /**
     * 7 heads of per-channel INT2 values: Σ_t p_t·code_t per channel (unscaled), then scale (and min·Σp)
     * once; two channel vectors per pass (one broadcast of p_t feeds both), one for an odd last vector.
     */
    private static void valuesInt2x7(int[] words, int dp, float[] sc, float[] mn, int d, float[] p, int pOff,
                                      float[] sums, int nh, float[] acc, int aOff, float[] tmp) {
        int c = 0;
        for (; c + L < d; c += 2 * L) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a0b = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a1b = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a2b = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            FloatVector a3b = FloatVector.zero(F);
            FloatVector a4 = FloatVector.zero(F);
            FloatVector a4b = FloatVector.zero(F);
            FloatVector a5 = FloatVector.zero(F);
            FloatVector a5b = FloatVector.zero(F);
            FloatVector a6 = FloatVector.zero(F);
            FloatVector a6b = FloatVector.zero(F);
            for (int half = 0; half < 2; half++) {
                IntVector w = IntVector.fromArray(I, words, half * dp + c);
                IntVector wb = IntVector.fromArray(I, words, half * dp + c + L);
                for (int t = 16 * half; t < 16 * half + 16; t++) {
                    FloatVector v = w.selectFrom(CODE2).reinterpretAsFloats();
                    w = w.lanewise(VectorOperators.LSHR, 2);
                    FloatVector vb = wb.selectFrom(CODE2).reinterpretAsFloats();
                    wb = wb.lanewise(VectorOperators.LSHR, 2);
                    FloatVector p0 = FloatVector.broadcast(F, p[pOff + 0 * G + t]);
                    a0 = v.fma(p0, a0);
                    a0b = vb.fma(p0, a0b);
                    FloatVector p1 = FloatVector.broadcast(F, p[pOff + 1 * G + t]);
                    a1 = v.fma(p1, a1);
                    a1b = vb.fma(p1, a1b);
                    FloatVector p2 = FloatVector.broadcast(F, p[pOff + 2 * G + t]);
                    a2 = v.fma(p2, a2);
                    a2b = vb.fma(p2, a2b);
                    FloatVector p3 = FloatVector.broadcast(F, p[pOff + 3 * G + t]);
                    a3 = v.fma(p3, a3);
                    a3b = vb.fma(p3, a3b);
                    FloatVector p4 = FloatVector.broadcast(F, p[pOff + 4 * G + t]);
                    a4 = v.fma(p4, a4);
                    a4b = vb.fma(p4, a4b);
                    FloatVector p5 = FloatVector.broadcast(F, p[pOff + 5 * G + t]);
                    a5 = v.fma(p5, a5);
                    a5b = vb.fma(p5, a5b);
                    FloatVector p6 = FloatVector.broadcast(F, p[pOff + 6 * G + t]);
                    a6 = v.fma(p6, a6);
                    a6b = vb.fma(p6, a6b);
                }
            }
            if (c + L <= d) { // whole vector: add into acc in place
                FloatVector s = FloatVector.fromArray(F, sc, c);
                FloatVector n = FloatVector.fromArray(F, mn, c);
                FloatVector.fromArray(F, acc, aOff + 0 * d + c).add(n.fma(FloatVector.broadcast(F, sums[0]), a0.mul(s))).intoArray(acc, aOff + 0 * d + c);
                FloatVector.fromArray(F, acc, aOff + 1 * d + c).add(n.fma(FloatVector.broadcast(F, sums[1]), a1.mul(s))).intoArray(acc, aOff + 1 * d + c);
                FloatVector.fromArray(F, acc, aOff + 2 * d + c).add(n.fma(FloatVector.broadcast(F, sums[2]), a2.mul(s))).intoArray(acc, aOff + 2 * d + c);
                FloatVector.fromArray(F, acc, aOff + 3 * d + c).add(n.fma(FloatVector.broadcast(F, sums[3]), a3.mul(s))).intoArray(acc, aOff + 3 * d + c);
                FloatVector.fromArray(F, acc, aOff + 4 * d + c).add(n.fma(FloatVector.broadcast(F, sums[4]), a4.mul(s))).intoArray(acc, aOff + 4 * d + c);
                FloatVector.fromArray(F, acc, aOff + 5 * d + c).add(n.fma(FloatVector.broadcast(F, sums[5]), a5.mul(s))).intoArray(acc, aOff + 5 * d + c);
                FloatVector.fromArray(F, acc, aOff + 6 * d + c).add(n.fma(FloatVector.broadcast(F, sums[6]), a6.mul(s))).intoArray(acc, aOff + 6 * d + c);
            } else { // last, partial vector: through tmp and the masked finish
                a0.intoArray(tmp, 0 * L);
                a1.intoArray(tmp, 1 * L);
                a2.intoArray(tmp, 2 * L);
                a3.intoArray(tmp, 3 * L);
                a4.intoArray(tmp, 4 * L);
                a5.intoArray(tmp, 5 * L);
                a6.intoArray(tmp, 6 * L);
                finish(tmp, nh, c, d, sc, mn, sums, acc, aOff);
            }
            if (c + L + L <= d) { // whole vector: add into acc in place
                FloatVector sb = FloatVector.fromArray(F, sc, c + L);
                FloatVector nb = FloatVector.fromArray(F, mn, c + L);
                FloatVector.fromArray(F, acc, aOff + 0 * d + c + L).add(nb.fma(FloatVector.broadcast(F, sums[0]), a0b.mul(sb))).intoArray(acc, aOff + 0 * d + c + L);
                FloatVector.fromArray(F, acc, aOff + 1 * d + c + L).add(nb.fma(FloatVector.broadcast(F, sums[1]), a1b.mul(sb))).intoArray(acc, aOff + 1 * d + c + L);
                FloatVector.fromArray(F, acc, aOff + 2 * d + c + L).add(nb.fma(FloatVector.broadcast(F, sums[2]), a2b.mul(sb))).intoArray(acc, aOff + 2 * d + c + L);
                FloatVector.fromArray(F, acc, aOff + 3 * d + c + L).add(nb.fma(FloatVector.broadcast(F, sums[3]), a3b.mul(sb))).intoArray(acc, aOff + 3 * d + c + L);
                FloatVector.fromArray(F, acc, aOff + 4 * d + c + L).add(nb.fma(FloatVector.broadcast(F, sums[4]), a4b.mul(sb))).intoArray(acc, aOff + 4 * d + c + L);
                FloatVector.fromArray(F, acc, aOff + 5 * d + c + L).add(nb.fma(FloatVector.broadcast(F, sums[5]), a5b.mul(sb))).intoArray(acc, aOff + 5 * d + c + L);
                FloatVector.fromArray(F, acc, aOff + 6 * d + c + L).add(nb.fma(FloatVector.broadcast(F, sums[6]), a6b.mul(sb))).intoArray(acc, aOff + 6 * d + c + L);
            } else { // last, partial vector: through tmp and the masked finish
                a0b.intoArray(tmp, 0 * L);
                a1b.intoArray(tmp, 1 * L);
                a2b.intoArray(tmp, 2 * L);
                a3b.intoArray(tmp, 3 * L);
                a4b.intoArray(tmp, 4 * L);
                a5b.intoArray(tmp, 5 * L);
                a6b.intoArray(tmp, 6 * L);
                finish(tmp, nh, c + L, d, sc, mn, sums, acc, aOff);
            }
        }
        for (; c < d; c += L) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            FloatVector a4 = FloatVector.zero(F);
            FloatVector a5 = FloatVector.zero(F);
            FloatVector a6 = FloatVector.zero(F);
            for (int half = 0; half < 2; half++) {
                IntVector w = IntVector.fromArray(I, words, half * dp + c);
                for (int t = 16 * half; t < 16 * half + 16; t++) {
                    FloatVector v = w.selectFrom(CODE2).reinterpretAsFloats();
                    w = w.lanewise(VectorOperators.LSHR, 2);
                    FloatVector p0 = FloatVector.broadcast(F, p[pOff + 0 * G + t]);
                    a0 = v.fma(p0, a0);
                    FloatVector p1 = FloatVector.broadcast(F, p[pOff + 1 * G + t]);
                    a1 = v.fma(p1, a1);
                    FloatVector p2 = FloatVector.broadcast(F, p[pOff + 2 * G + t]);
                    a2 = v.fma(p2, a2);
                    FloatVector p3 = FloatVector.broadcast(F, p[pOff + 3 * G + t]);
                    a3 = v.fma(p3, a3);
                    FloatVector p4 = FloatVector.broadcast(F, p[pOff + 4 * G + t]);
                    a4 = v.fma(p4, a4);
                    FloatVector p5 = FloatVector.broadcast(F, p[pOff + 5 * G + t]);
                    a5 = v.fma(p5, a5);
                    FloatVector p6 = FloatVector.broadcast(F, p[pOff + 6 * G + t]);
                    a6 = v.fma(p6, a6);
                }
            }
            if (c + L <= d) { // whole vector: add into acc in place
                FloatVector s = FloatVector.fromArray(F, sc, c);
                FloatVector n = FloatVector.fromArray(F, mn, c);
                FloatVector.fromArray(F, acc, aOff + 0 * d + c).add(n.fma(FloatVector.broadcast(F, sums[0]), a0.mul(s))).intoArray(acc, aOff + 0 * d + c);
                FloatVector.fromArray(F, acc, aOff + 1 * d + c).add(n.fma(FloatVector.broadcast(F, sums[1]), a1.mul(s))).intoArray(acc, aOff + 1 * d + c);
                FloatVector.fromArray(F, acc, aOff + 2 * d + c).add(n.fma(FloatVector.broadcast(F, sums[2]), a2.mul(s))).intoArray(acc, aOff + 2 * d + c);
                FloatVector.fromArray(F, acc, aOff + 3 * d + c).add(n.fma(FloatVector.broadcast(F, sums[3]), a3.mul(s))).intoArray(acc, aOff + 3 * d + c);
                FloatVector.fromArray(F, acc, aOff + 4 * d + c).add(n.fma(FloatVector.broadcast(F, sums[4]), a4.mul(s))).intoArray(acc, aOff + 4 * d + c);
                FloatVector.fromArray(F, acc, aOff + 5 * d + c).add(n.fma(FloatVector.broadcast(F, sums[5]), a5.mul(s))).intoArray(acc, aOff + 5 * d + c);
                FloatVector.fromArray(F, acc, aOff + 6 * d + c).add(n.fma(FloatVector.broadcast(F, sums[6]), a6.mul(s))).intoArray(acc, aOff + 6 * d + c);
            } else { // last, partial vector: through tmp and the masked finish
                a0.intoArray(tmp, 0 * L);
                a1.intoArray(tmp, 1 * L);
                a2.intoArray(tmp, 2 * L);
                a3.intoArray(tmp, 3 * L);
                a4.intoArray(tmp, 4 * L);
                a5.intoArray(tmp, 5 * L);
                a6.intoArray(tmp, 6 * L);
                finish(tmp, nh, c, d, sc, mn, sums, acc, aOff);
            }
        }
    }

    /**
     * 7 heads of per-channel INT1 values: Σ_t p_t·code_t per channel (unscaled), then scale (and min·Σp)
     * once; two channel vectors per pass (one broadcast of p_t feeds both), one for an odd last vector.
     */
    private static void valuesInt1x7(int[] words, int dp, float[] sc, float[] mn, int d, float[] p, int pOff,
                                      float[] sums, int nh, float[] acc, int aOff, float[] tmp) {
        int c = 0;
        for (; c + L < d; c += 2 * L) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a0b = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a1b = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a2b = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            FloatVector a3b = FloatVector.zero(F);
            FloatVector a4 = FloatVector.zero(F);
            FloatVector a4b = FloatVector.zero(F);
            FloatVector a5 = FloatVector.zero(F);
            FloatVector a5b = FloatVector.zero(F);
            FloatVector a6 = FloatVector.zero(F);
            FloatVector a6b = FloatVector.zero(F);
            for (int half = 0; half < 1; half++) {
                IntVector w = IntVector.fromArray(I, words, half * dp + c);
                IntVector wb = IntVector.fromArray(I, words, half * dp + c + L);
                for (int t = 32 * half; t < 32 * half + 32; t++) {
                    FloatVector v = w.selectFrom(SIGN1).reinterpretAsFloats();
                    w = w.lanewise(VectorOperators.LSHR, 1);
                    FloatVector vb = wb.selectFrom(SIGN1).reinterpretAsFloats();
                    wb = wb.lanewise(VectorOperators.LSHR, 1);
                    FloatVector p0 = FloatVector.broadcast(F, p[pOff + 0 * G + t]);
                    a0 = v.fma(p0, a0);
                    a0b = vb.fma(p0, a0b);
                    FloatVector p1 = FloatVector.broadcast(F, p[pOff + 1 * G + t]);
                    a1 = v.fma(p1, a1);
                    a1b = vb.fma(p1, a1b);
                    FloatVector p2 = FloatVector.broadcast(F, p[pOff + 2 * G + t]);
                    a2 = v.fma(p2, a2);
                    a2b = vb.fma(p2, a2b);
                    FloatVector p3 = FloatVector.broadcast(F, p[pOff + 3 * G + t]);
                    a3 = v.fma(p3, a3);
                    a3b = vb.fma(p3, a3b);
                    FloatVector p4 = FloatVector.broadcast(F, p[pOff + 4 * G + t]);
                    a4 = v.fma(p4, a4);
                    a4b = vb.fma(p4, a4b);
                    FloatVector p5 = FloatVector.broadcast(F, p[pOff + 5 * G + t]);
                    a5 = v.fma(p5, a5);
                    a5b = vb.fma(p5, a5b);
                    FloatVector p6 = FloatVector.broadcast(F, p[pOff + 6 * G + t]);
                    a6 = v.fma(p6, a6);
                    a6b = vb.fma(p6, a6b);
                }
            }
            if (c + L <= d) { // whole vector: add into acc in place
                FloatVector s = FloatVector.fromArray(F, sc, c);
                FloatVector.fromArray(F, acc, aOff + 0 * d + c).add(a0.mul(s)).intoArray(acc, aOff + 0 * d + c);
                FloatVector.fromArray(F, acc, aOff + 1 * d + c).add(a1.mul(s)).intoArray(acc, aOff + 1 * d + c);
                FloatVector.fromArray(F, acc, aOff + 2 * d + c).add(a2.mul(s)).intoArray(acc, aOff + 2 * d + c);
                FloatVector.fromArray(F, acc, aOff + 3 * d + c).add(a3.mul(s)).intoArray(acc, aOff + 3 * d + c);
                FloatVector.fromArray(F, acc, aOff + 4 * d + c).add(a4.mul(s)).intoArray(acc, aOff + 4 * d + c);
                FloatVector.fromArray(F, acc, aOff + 5 * d + c).add(a5.mul(s)).intoArray(acc, aOff + 5 * d + c);
                FloatVector.fromArray(F, acc, aOff + 6 * d + c).add(a6.mul(s)).intoArray(acc, aOff + 6 * d + c);
            } else { // last, partial vector: through tmp and the masked finish
                a0.intoArray(tmp, 0 * L);
                a1.intoArray(tmp, 1 * L);
                a2.intoArray(tmp, 2 * L);
                a3.intoArray(tmp, 3 * L);
                a4.intoArray(tmp, 4 * L);
                a5.intoArray(tmp, 5 * L);
                a6.intoArray(tmp, 6 * L);
                finish(tmp, nh, c, d, sc, null, sums, acc, aOff);
            }
            if (c + L + L <= d) { // whole vector: add into acc in place
                FloatVector sb = FloatVector.fromArray(F, sc, c + L);
                FloatVector.fromArray(F, acc, aOff + 0 * d + c + L).add(a0b.mul(sb)).intoArray(acc, aOff + 0 * d + c + L);
                FloatVector.fromArray(F, acc, aOff + 1 * d + c + L).add(a1b.mul(sb)).intoArray(acc, aOff + 1 * d + c + L);
                FloatVector.fromArray(F, acc, aOff + 2 * d + c + L).add(a2b.mul(sb)).intoArray(acc, aOff + 2 * d + c + L);
                FloatVector.fromArray(F, acc, aOff + 3 * d + c + L).add(a3b.mul(sb)).intoArray(acc, aOff + 3 * d + c + L);
                FloatVector.fromArray(F, acc, aOff + 4 * d + c + L).add(a4b.mul(sb)).intoArray(acc, aOff + 4 * d + c + L);
                FloatVector.fromArray(F, acc, aOff + 5 * d + c + L).add(a5b.mul(sb)).intoArray(acc, aOff + 5 * d + c + L);
                FloatVector.fromArray(F, acc, aOff + 6 * d + c + L).add(a6b.mul(sb)).intoArray(acc, aOff + 6 * d + c + L);
            } else { // last, partial vector: through tmp and the masked finish
                a0b.intoArray(tmp, 0 * L);
                a1b.intoArray(tmp, 1 * L);
                a2b.intoArray(tmp, 2 * L);
                a3b.intoArray(tmp, 3 * L);
                a4b.intoArray(tmp, 4 * L);
                a5b.intoArray(tmp, 5 * L);
                a6b.intoArray(tmp, 6 * L);
                finish(tmp, nh, c + L, d, sc, null, sums, acc, aOff);
            }
        }
        for (; c < d; c += L) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            FloatVector a4 = FloatVector.zero(F);
            FloatVector a5 = FloatVector.zero(F);
            FloatVector a6 = FloatVector.zero(F);
            for (int half = 0; half < 1; half++) {
                IntVector w = IntVector.fromArray(I, words, half * dp + c);
                for (int t = 32 * half; t < 32 * half + 32; t++) {
                    FloatVector v = w.selectFrom(SIGN1).reinterpretAsFloats();
                    w = w.lanewise(VectorOperators.LSHR, 1);
                    FloatVector p0 = FloatVector.broadcast(F, p[pOff + 0 * G + t]);
                    a0 = v.fma(p0, a0);
                    FloatVector p1 = FloatVector.broadcast(F, p[pOff + 1 * G + t]);
                    a1 = v.fma(p1, a1);
                    FloatVector p2 = FloatVector.broadcast(F, p[pOff + 2 * G + t]);
                    a2 = v.fma(p2, a2);
                    FloatVector p3 = FloatVector.broadcast(F, p[pOff + 3 * G + t]);
                    a3 = v.fma(p3, a3);
                    FloatVector p4 = FloatVector.broadcast(F, p[pOff + 4 * G + t]);
                    a4 = v.fma(p4, a4);
                    FloatVector p5 = FloatVector.broadcast(F, p[pOff + 5 * G + t]);
                    a5 = v.fma(p5, a5);
                    FloatVector p6 = FloatVector.broadcast(F, p[pOff + 6 * G + t]);
                    a6 = v.fma(p6, a6);
                }
            }
            if (c + L <= d) { // whole vector: add into acc in place
                FloatVector s = FloatVector.fromArray(F, sc, c);
                FloatVector.fromArray(F, acc, aOff + 0 * d + c).add(a0.mul(s)).intoArray(acc, aOff + 0 * d + c);
                FloatVector.fromArray(F, acc, aOff + 1 * d + c).add(a1.mul(s)).intoArray(acc, aOff + 1 * d + c);
                FloatVector.fromArray(F, acc, aOff + 2 * d + c).add(a2.mul(s)).intoArray(acc, aOff + 2 * d + c);
                FloatVector.fromArray(F, acc, aOff + 3 * d + c).add(a3.mul(s)).intoArray(acc, aOff + 3 * d + c);
                FloatVector.fromArray(F, acc, aOff + 4 * d + c).add(a4.mul(s)).intoArray(acc, aOff + 4 * d + c);
                FloatVector.fromArray(F, acc, aOff + 5 * d + c).add(a5.mul(s)).intoArray(acc, aOff + 5 * d + c);
                FloatVector.fromArray(F, acc, aOff + 6 * d + c).add(a6.mul(s)).intoArray(acc, aOff + 6 * d + c);
            } else { // last, partial vector: through tmp and the masked finish
                a0.intoArray(tmp, 0 * L);
                a1.intoArray(tmp, 1 * L);
                a2.intoArray(tmp, 2 * L);
                a3.intoArray(tmp, 3 * L);
                a4.intoArray(tmp, 4 * L);
                a5.intoArray(tmp, 5 * L);
                a6.intoArray(tmp, 6 * L);
                finish(tmp, nh, c, d, sc, null, sums, acc, aOff);
            }
        }
    }

    /**
     * 7 heads of {@code n} per-token INT2 rows (groups of 32 channels; KIVI's values, VidKV's salient rows):
     * each token's L codes decoded once in registers.
     */
    private static void valuesTokenInt2x7(int[] words, int ng, float[] m, int n, int d, float[] p, int pOff,
                                          int nh, float[] acc, int aOff, float[] tmp) {
        for (int c = 0; c < d; c += L) {
            int j = c >>> 5; // the channel group: word k = t·ng + j, as int halves words[2k], words[2k + 1]
            int wi = (c & 31) >>> 4;
            IntVector shifts = IntVector.zero(I).addIndex(2).add(2 * (c & 15));
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            FloatVector a4 = FloatVector.zero(F);
            FloatVector a5 = FloatVector.zero(F);
            FloatVector a6 = FloatVector.zero(F);
            for (int t = 0; t < n; t++) {
                int k = t * ng + j;
                IntVector x = IntVector.broadcast(I, words[2 * k + wi]).lanewise(VectorOperators.LSHR, shifts);
                FloatVector v = x.selectFrom(CODE2).reinterpretAsFloats().fma(FloatVector.broadcast(F, m[2 * k]), FloatVector.broadcast(F, m[2 * k + 1]));
                a0 = v.fma(FloatVector.broadcast(F, p[pOff + 0 * G + t]), a0);
                a1 = v.fma(FloatVector.broadcast(F, p[pOff + 1 * G + t]), a1);
                a2 = v.fma(FloatVector.broadcast(F, p[pOff + 2 * G + t]), a2);
                a3 = v.fma(FloatVector.broadcast(F, p[pOff + 3 * G + t]), a3);
                a4 = v.fma(FloatVector.broadcast(F, p[pOff + 4 * G + t]), a4);
                a5 = v.fma(FloatVector.broadcast(F, p[pOff + 5 * G + t]), a5);
                a6 = v.fma(FloatVector.broadcast(F, p[pOff + 6 * G + t]), a6);
            }
            if (c + L <= d) { // whole vector: add into acc in place
                FloatVector.fromArray(F, acc, aOff + 0 * d + c).add(a0).intoArray(acc, aOff + 0 * d + c);
                FloatVector.fromArray(F, acc, aOff + 1 * d + c).add(a1).intoArray(acc, aOff + 1 * d + c);
                FloatVector.fromArray(F, acc, aOff + 2 * d + c).add(a2).intoArray(acc, aOff + 2 * d + c);
                FloatVector.fromArray(F, acc, aOff + 3 * d + c).add(a3).intoArray(acc, aOff + 3 * d + c);
                FloatVector.fromArray(F, acc, aOff + 4 * d + c).add(a4).intoArray(acc, aOff + 4 * d + c);
                FloatVector.fromArray(F, acc, aOff + 5 * d + c).add(a5).intoArray(acc, aOff + 5 * d + c);
                FloatVector.fromArray(F, acc, aOff + 6 * d + c).add(a6).intoArray(acc, aOff + 6 * d + c);
            } else { // last, partial vector: through tmp and the masked finish
                a0.intoArray(tmp, 0 * L);
                a1.intoArray(tmp, 1 * L);
                a2.intoArray(tmp, 2 * L);
                a3.intoArray(tmp, 3 * L);
                a4.intoArray(tmp, 4 * L);
                a5.intoArray(tmp, 5 * L);
                a6.intoArray(tmp, 6 * L);
                finish(tmp, nh, c, d, null, null, null, acc, aOff);
            }
        }
    }

    /** 8 heads, INT1 rows {@code [r0, r1)}, tokens {@code [j, j+2L)} as two vectors (add: onto the scores already in sc). */
    private static void keysInt1x8(int[] words, int wOff, float[] m, int r0, int r1, int j, float[] q, int qOff, int rows,
                                    float[] sc, int sOff, int stride, boolean add) {
        FloatVector a0 = add ? FloatVector.fromArray(F, sc, sOff + 0 * stride) : FloatVector.zero(F);
        FloatVector a0b = add ? FloatVector.fromArray(F, sc, sOff + 0 * stride + L) : FloatVector.zero(F);
        FloatVector a1 = add ? FloatVector.fromArray(F, sc, sOff + 1 * stride) : FloatVector.zero(F);
        FloatVector a1b = add ? FloatVector.fromArray(F, sc, sOff + 1 * stride + L) : FloatVector.zero(F);
        FloatVector a2 = add ? FloatVector.fromArray(F, sc, sOff + 2 * stride) : FloatVector.zero(F);
        FloatVector a2b = add ? FloatVector.fromArray(F, sc, sOff + 2 * stride + L) : FloatVector.zero(F);
        FloatVector a3 = add ? FloatVector.fromArray(F, sc, sOff + 3 * stride) : FloatVector.zero(F);
        FloatVector a3b = add ? FloatVector.fromArray(F, sc, sOff + 3 * stride + L) : FloatVector.zero(F);
        FloatVector a4 = add ? FloatVector.fromArray(F, sc, sOff + 4 * stride) : FloatVector.zero(F);
        FloatVector a4b = add ? FloatVector.fromArray(F, sc, sOff + 4 * stride + L) : FloatVector.zero(F);
        FloatVector a5 = add ? FloatVector.fromArray(F, sc, sOff + 5 * stride) : FloatVector.zero(F);
        FloatVector a5b = add ? FloatVector.fromArray(F, sc, sOff + 5 * stride + L) : FloatVector.zero(F);
        FloatVector a6 = add ? FloatVector.fromArray(F, sc, sOff + 6 * stride) : FloatVector.zero(F);
        FloatVector a6b = add ? FloatVector.fromArray(F, sc, sOff + 6 * stride + L) : FloatVector.zero(F);
        FloatVector a7 = add ? FloatVector.fromArray(F, sc, sOff + 7 * stride) : FloatVector.zero(F);
        FloatVector a7b = add ? FloatVector.fromArray(F, sc, sOff + 7 * stride + L) : FloatVector.zero(F);
        for (int r = r0; r < r1; r++) {
            int w = words[wOff + r];
            FloatVector pos = FloatVector.broadcast(F, m[wOff + r]);
            FloatVector neg = pos.neg();
            FloatVector k = neg.blend(pos, VectorMask.fromLong(F, (w >>> j) & LANE_BITS));
            FloatVector kb = neg.blend(pos, VectorMask.fromLong(F, (w >>> (j + L)) & LANE_BITS));
            FloatVector q0 = FloatVector.broadcast(F, q[qOff + 8 * r + 0]);
            a0 = k.fma(q0, a0);
            a0b = kb.fma(q0, a0b);
            FloatVector q1 = FloatVector.broadcast(F, q[qOff + 8 * r + 1]);
            a1 = k.fma(q1, a1);
            a1b = kb.fma(q1, a1b);
            FloatVector q2 = FloatVector.broadcast(F, q[qOff + 8 * r + 2]);
            a2 = k.fma(q2, a2);
            a2b = kb.fma(q2, a2b);
            FloatVector q3 = FloatVector.broadcast(F, q[qOff + 8 * r + 3]);
            a3 = k.fma(q3, a3);
            a3b = kb.fma(q3, a3b);
            FloatVector q4 = FloatVector.broadcast(F, q[qOff + 8 * r + 4]);
            a4 = k.fma(q4, a4);
            a4b = kb.fma(q4, a4b);
            FloatVector q5 = FloatVector.broadcast(F, q[qOff + 8 * r + 5]);
            a5 = k.fma(q5, a5);
            a5b = kb.fma(q5, a5b);
            FloatVector q6 = FloatVector.broadcast(F, q[qOff + 8 * r + 6]);
            a6 = k.fma(q6, a6);
            a6b = kb.fma(q6, a6b);
            FloatVector q7 = FloatVector.broadcast(F, q[qOff + 8 * r + 7]);
            a7 = k.fma(q7, a7);
            a7b = kb.fma(q7, a7b);
        }
        a0.intoArray(sc, sOff + 0 * stride);
        a0b.intoArray(sc, sOff + 0 * stride + L);
        a1.intoArray(sc, sOff + 1 * stride);
        a1b.intoArray(sc, sOff + 1 * stride + L);
        a2.intoArray(sc, sOff + 2 * stride);
        a2b.intoArray(sc, sOff + 2 * stride + L);
        a3.intoArray(sc, sOff + 3 * stride);
        a3b.intoArray(sc, sOff + 3 * stride + L);
        a4.intoArray(sc, sOff + 4 * stride);
        a4b.intoArray(sc, sOff + 4 * stride + L);
        a5.intoArray(sc, sOff + 5 * stride);
        a5b.intoArray(sc, sOff + 5 * stride + L);
        a6.intoArray(sc, sOff + 6 * stride);
        a6b.intoArray(sc, sOff + 6 * stride + L);
        a7.intoArray(sc, sOff + 7 * stride);
        a7b.intoArray(sc, sOff + 7 * stride + L);
    }

    /** 8 heads, INT2 rows {@code [r0, r1)}, tokens {@code [j, j+2L)} as two vectors (add: onto the scores already in sc). */
    private static void keysInt2x8(int[] words, int wOff, float[] m, int r0, int r1, int j, float[] q, int qOff, int rows,
                                    float[] sc, int sOff, int stride, boolean add) {
        // 2-bit rows: words[2·row + i] is the i-th 32-bit half of the row's 64-bit code word (16 tokens);
        // token vector j.. lives in half j/16 at bit 2·(j%16): broadcast straight from the array
        int wa = j >>> 4;
        int wb = (j + L) >>> 4;
        IntVector sa = IntVector.zero(I).addIndex(2).add(2 * (j & 15));
        IntVector sb = IntVector.zero(I).addIndex(2).add(2 * ((j + L) & 15));
        FloatVector a0 = add ? FloatVector.fromArray(F, sc, sOff + 0 * stride) : FloatVector.zero(F);
        FloatVector a0b = add ? FloatVector.fromArray(F, sc, sOff + 0 * stride + L) : FloatVector.zero(F);
        FloatVector a1 = add ? FloatVector.fromArray(F, sc, sOff + 1 * stride) : FloatVector.zero(F);
        FloatVector a1b = add ? FloatVector.fromArray(F, sc, sOff + 1 * stride + L) : FloatVector.zero(F);
        FloatVector a2 = add ? FloatVector.fromArray(F, sc, sOff + 2 * stride) : FloatVector.zero(F);
        FloatVector a2b = add ? FloatVector.fromArray(F, sc, sOff + 2 * stride + L) : FloatVector.zero(F);
        FloatVector a3 = add ? FloatVector.fromArray(F, sc, sOff + 3 * stride) : FloatVector.zero(F);
        FloatVector a3b = add ? FloatVector.fromArray(F, sc, sOff + 3 * stride + L) : FloatVector.zero(F);
        FloatVector a4 = add ? FloatVector.fromArray(F, sc, sOff + 4 * stride) : FloatVector.zero(F);
        FloatVector a4b = add ? FloatVector.fromArray(F, sc, sOff + 4 * stride + L) : FloatVector.zero(F);
        FloatVector a5 = add ? FloatVector.fromArray(F, sc, sOff + 5 * stride) : FloatVector.zero(F);
        FloatVector a5b = add ? FloatVector.fromArray(F, sc, sOff + 5 * stride + L) : FloatVector.zero(F);
        FloatVector a6 = add ? FloatVector.fromArray(F, sc, sOff + 6 * stride) : FloatVector.zero(F);
        FloatVector a6b = add ? FloatVector.fromArray(F, sc, sOff + 6 * stride + L) : FloatVector.zero(F);
        FloatVector a7 = add ? FloatVector.fromArray(F, sc, sOff + 7 * stride) : FloatVector.zero(F);
        FloatVector a7b = add ? FloatVector.fromArray(F, sc, sOff + 7 * stride + L) : FloatVector.zero(F);
        for (int r = r0; r < r1; r++) {
            FloatVector st = FloatVector.broadcast(F, m[2 * (wOff + r)]);
            FloatVector mn = FloatVector.broadcast(F, m[2 * (wOff + r) + 1]);
            IntVector c = IntVector.broadcast(I, words[2 * (wOff + r) + wa]).lanewise(VectorOperators.LSHR, sa);
            IntVector cb = IntVector.broadcast(I, words[2 * (wOff + r) + wb]).lanewise(VectorOperators.LSHR, sb);
            FloatVector k = c.selectFrom(CODE2).reinterpretAsFloats().fma(st, mn);
            FloatVector kb = cb.selectFrom(CODE2).reinterpretAsFloats().fma(st, mn);
            FloatVector q0 = FloatVector.broadcast(F, q[qOff + 8 * r + 0]);
            a0 = k.fma(q0, a0);
            a0b = kb.fma(q0, a0b);
            FloatVector q1 = FloatVector.broadcast(F, q[qOff + 8 * r + 1]);
            a1 = k.fma(q1, a1);
            a1b = kb.fma(q1, a1b);
            FloatVector q2 = FloatVector.broadcast(F, q[qOff + 8 * r + 2]);
            a2 = k.fma(q2, a2);
            a2b = kb.fma(q2, a2b);
            FloatVector q3 = FloatVector.broadcast(F, q[qOff + 8 * r + 3]);
            a3 = k.fma(q3, a3);
            a3b = kb.fma(q3, a3b);
            FloatVector q4 = FloatVector.broadcast(F, q[qOff + 8 * r + 4]);
            a4 = k.fma(q4, a4);
            a4b = kb.fma(q4, a4b);
            FloatVector q5 = FloatVector.broadcast(F, q[qOff + 8 * r + 5]);
            a5 = k.fma(q5, a5);
            a5b = kb.fma(q5, a5b);
            FloatVector q6 = FloatVector.broadcast(F, q[qOff + 8 * r + 6]);
            a6 = k.fma(q6, a6);
            a6b = kb.fma(q6, a6b);
            FloatVector q7 = FloatVector.broadcast(F, q[qOff + 8 * r + 7]);
            a7 = k.fma(q7, a7);
            a7b = kb.fma(q7, a7b);
        }
        a0.intoArray(sc, sOff + 0 * stride);
        a0b.intoArray(sc, sOff + 0 * stride + L);
        a1.intoArray(sc, sOff + 1 * stride);
        a1b.intoArray(sc, sOff + 1 * stride + L);
        a2.intoArray(sc, sOff + 2 * stride);
        a2b.intoArray(sc, sOff + 2 * stride + L);
        a3.intoArray(sc, sOff + 3 * stride);
        a3b.intoArray(sc, sOff + 3 * stride + L);
        a4.intoArray(sc, sOff + 4 * stride);
        a4b.intoArray(sc, sOff + 4 * stride + L);
        a5.intoArray(sc, sOff + 5 * stride);
        a5b.intoArray(sc, sOff + 5 * stride + L);
        a6.intoArray(sc, sOff + 6 * stride);
        a6b.intoArray(sc, sOff + 6 * stride + L);
        a7.intoArray(sc, sOff + 7 * stride);
        a7b.intoArray(sc, sOff + 7 * stride + L);
    }

    /** 8 heads, TERN rows {@code [r0, r1)}, tokens {@code [j, j+2L)} as two vectors (add: onto the scores already in sc). */
    private static void keysTernx8(int[] words, int wOff, float[] m, int r0, int r1, int j, float[] q, int qOff, int rows,
                                    float[] sc, int sOff, int stride, boolean add) {
        // 2-bit rows: words[2·row + i] is the i-th 32-bit half of the row's 64-bit code word (16 tokens);
        // token vector j.. lives in half j/16 at bit 2·(j%16): broadcast straight from the array
        int wa = j >>> 4;
        int wb = (j + L) >>> 4;
        IntVector sa = IntVector.zero(I).addIndex(2).add(2 * (j & 15));
        IntVector sb = IntVector.zero(I).addIndex(2).add(2 * ((j + L) & 15));
        FloatVector a0 = add ? FloatVector.fromArray(F, sc, sOff + 0 * stride) : FloatVector.zero(F);
        FloatVector a0b = add ? FloatVector.fromArray(F, sc, sOff + 0 * stride + L) : FloatVector.zero(F);
        FloatVector a1 = add ? FloatVector.fromArray(F, sc, sOff + 1 * stride) : FloatVector.zero(F);
        FloatVector a1b = add ? FloatVector.fromArray(F, sc, sOff + 1 * stride + L) : FloatVector.zero(F);
        FloatVector a2 = add ? FloatVector.fromArray(F, sc, sOff + 2 * stride) : FloatVector.zero(F);
        FloatVector a2b = add ? FloatVector.fromArray(F, sc, sOff + 2 * stride + L) : FloatVector.zero(F);
        FloatVector a3 = add ? FloatVector.fromArray(F, sc, sOff + 3 * stride) : FloatVector.zero(F);
        FloatVector a3b = add ? FloatVector.fromArray(F, sc, sOff + 3 * stride + L) : FloatVector.zero(F);
        FloatVector a4 = add ? FloatVector.fromArray(F, sc, sOff + 4 * stride) : FloatVector.zero(F);
        FloatVector a4b = add ? FloatVector.fromArray(F, sc, sOff + 4 * stride + L) : FloatVector.zero(F);
        FloatVector a5 = add ? FloatVector.fromArray(F, sc, sOff + 5 * stride) : FloatVector.zero(F);
        FloatVector a5b = add ? FloatVector.fromArray(F, sc, sOff + 5 * stride + L) : FloatVector.zero(F);
        FloatVector a6 = add ? FloatVector.fromArray(F, sc, sOff + 6 * stride) : FloatVector.zero(F);
        FloatVector a6b = add ? FloatVector.fromArray(F, sc, sOff + 6 * stride + L) : FloatVector.zero(F);
        FloatVector a7 = add ? FloatVector.fromArray(F, sc, sOff + 7 * stride) : FloatVector.zero(F);
        FloatVector a7b = add ? FloatVector.fromArray(F, sc, sOff + 7 * stride + L) : FloatVector.zero(F);
        for (int r = r0; r < r1; r++) {
            IntVector c = IntVector.broadcast(I, words[2 * (wOff + r) + wa]).lanewise(VectorOperators.LSHR, sa);
            IntVector cb = IntVector.broadcast(I, words[2 * (wOff + r) + wb]).lanewise(VectorOperators.LSHR, sb);
            FloatVector k = c.selectFrom(TRIT).reinterpretAsFloats().mul(m[wOff + r]);
            FloatVector kb = cb.selectFrom(TRIT).reinterpretAsFloats().mul(m[wOff + r]);
            FloatVector q0 = FloatVector.broadcast(F, q[qOff + 8 * r + 0]);
            a0 = k.fma(q0, a0);
            a0b = kb.fma(q0, a0b);
            FloatVector q1 = FloatVector.broadcast(F, q[qOff + 8 * r + 1]);
            a1 = k.fma(q1, a1);
            a1b = kb.fma(q1, a1b);
            FloatVector q2 = FloatVector.broadcast(F, q[qOff + 8 * r + 2]);
            a2 = k.fma(q2, a2);
            a2b = kb.fma(q2, a2b);
            FloatVector q3 = FloatVector.broadcast(F, q[qOff + 8 * r + 3]);
            a3 = k.fma(q3, a3);
            a3b = kb.fma(q3, a3b);
            FloatVector q4 = FloatVector.broadcast(F, q[qOff + 8 * r + 4]);
            a4 = k.fma(q4, a4);
            a4b = kb.fma(q4, a4b);
            FloatVector q5 = FloatVector.broadcast(F, q[qOff + 8 * r + 5]);
            a5 = k.fma(q5, a5);
            a5b = kb.fma(q5, a5b);
            FloatVector q6 = FloatVector.broadcast(F, q[qOff + 8 * r + 6]);
            a6 = k.fma(q6, a6);
            a6b = kb.fma(q6, a6b);
            FloatVector q7 = FloatVector.broadcast(F, q[qOff + 8 * r + 7]);
            a7 = k.fma(q7, a7);
            a7b = kb.fma(q7, a7b);
        }
        a0.intoArray(sc, sOff + 0 * stride);
        a0b.intoArray(sc, sOff + 0 * stride + L);
        a1.intoArray(sc, sOff + 1 * stride);
        a1b.intoArray(sc, sOff + 1 * stride + L);
        a2.intoArray(sc, sOff + 2 * stride);
        a2b.intoArray(sc, sOff + 2 * stride + L);
        a3.intoArray(sc, sOff + 3 * stride);
        a3b.intoArray(sc, sOff + 3 * stride + L);
        a4.intoArray(sc, sOff + 4 * stride);
        a4b.intoArray(sc, sOff + 4 * stride + L);
        a5.intoArray(sc, sOff + 5 * stride);
        a5b.intoArray(sc, sOff + 5 * stride + L);
        a6.intoArray(sc, sOff + 6 * stride);
        a6b.intoArray(sc, sOff + 6 * stride + L);
        a7.intoArray(sc, sOff + 7 * stride);
        a7b.intoArray(sc, sOff + 7 * stride + L);
    }

    /**
     * 8 heads of per-channel TERN values: Σ_t p_t·code_t per channel (unscaled), then scale (and min·Σp)
     * once; two channel vectors per pass (one broadcast of p_t feeds both), one for an odd last vector.
     */
    private static void valuesTernx8(int[] words, int dp, float[] sc, float[] mn, int d, float[] p, int pOff,
                                      float[] sums, int nh, float[] acc, int aOff, float[] tmp) {
        int c = 0;
        for (; c < d; c += L) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            FloatVector a4 = FloatVector.zero(F);
            FloatVector a5 = FloatVector.zero(F);
            FloatVector a6 = FloatVector.zero(F);
            FloatVector a7 = FloatVector.zero(F);
            for (int half = 0; half < 2; half++) {
                IntVector w = IntVector.fromArray(I, words, half * dp + c);
                for (int t = 16 * half; t < 16 * half + 16; t++) {
                    FloatVector v = w.selectFrom(TRIT).reinterpretAsFloats();
                    w = w.lanewise(VectorOperators.LSHR, 2);
                    FloatVector p0 = FloatVector.broadcast(F, p[pOff + 0 * G + t]);
                    a0 = v.fma(p0, a0);
                    FloatVector p1 = FloatVector.broadcast(F, p[pOff + 1 * G + t]);
                    a1 = v.fma(p1, a1);
                    FloatVector p2 = FloatVector.broadcast(F, p[pOff + 2 * G + t]);
                    a2 = v.fma(p2, a2);
                    FloatVector p3 = FloatVector.broadcast(F, p[pOff + 3 * G + t]);
                    a3 = v.fma(p3, a3);
                    FloatVector p4 = FloatVector.broadcast(F, p[pOff + 4 * G + t]);
                    a4 = v.fma(p4, a4);
                    FloatVector p5 = FloatVector.broadcast(F, p[pOff + 5 * G + t]);
                    a5 = v.fma(p5, a5);
                    FloatVector p6 = FloatVector.broadcast(F, p[pOff + 6 * G + t]);
                    a6 = v.fma(p6, a6);
                    FloatVector p7 = FloatVector.broadcast(F, p[pOff + 7 * G + t]);
                    a7 = v.fma(p7, a7);
                }
            }
            if (c + L <= d) { // whole vector: add into acc in place
                FloatVector s = FloatVector.fromArray(F, sc, c);
                FloatVector.fromArray(F, acc, aOff + 0 * d + c).add(a0.mul(s)).intoArray(acc, aOff + 0 * d + c);
                if (nh > 1) {
                    FloatVector.fromArray(F, acc, aOff + 1 * d + c).add(a1.mul(s)).intoArray(acc, aOff + 1 * d + c);
                }
                if (nh > 2) {
                    FloatVector.fromArray(F, acc, aOff + 2 * d + c).add(a2.mul(s)).intoArray(acc, aOff + 2 * d + c);
                }
                if (nh > 3) {
                    FloatVector.fromArray(F, acc, aOff + 3 * d + c).add(a3.mul(s)).intoArray(acc, aOff + 3 * d + c);
                }
                if (nh > 4) {
                    FloatVector.fromArray(F, acc, aOff + 4 * d + c).add(a4.mul(s)).intoArray(acc, aOff + 4 * d + c);
                }
                if (nh > 5) {
                    FloatVector.fromArray(F, acc, aOff + 5 * d + c).add(a5.mul(s)).intoArray(acc, aOff + 5 * d + c);
                }
                if (nh > 6) {
                    FloatVector.fromArray(F, acc, aOff + 6 * d + c).add(a6.mul(s)).intoArray(acc, aOff + 6 * d + c);
                }
                if (nh > 7) {
                    FloatVector.fromArray(F, acc, aOff + 7 * d + c).add(a7.mul(s)).intoArray(acc, aOff + 7 * d + c);
                }
            } else { // last, partial vector: through tmp and the masked finish
                a0.intoArray(tmp, 0 * L);
                a1.intoArray(tmp, 1 * L);
                a2.intoArray(tmp, 2 * L);
                a3.intoArray(tmp, 3 * L);
                a4.intoArray(tmp, 4 * L);
                a5.intoArray(tmp, 5 * L);
                a6.intoArray(tmp, 6 * L);
                a7.intoArray(tmp, 7 * L);
                finish(tmp, nh, c, d, sc, null, sums, acc, aOff);
            }
        }
    }

    /**
     * 8 heads of per-channel INT2 values: Σ_t p_t·code_t per channel (unscaled), then scale (and min·Σp)
     * once; two channel vectors per pass (one broadcast of p_t feeds both), one for an odd last vector.
     */
    private static void valuesInt2x8(int[] words, int dp, float[] sc, float[] mn, int d, float[] p, int pOff,
                                      float[] sums, int nh, float[] acc, int aOff, float[] tmp) {
        int c = 0;
        for (; c < d; c += L) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            FloatVector a4 = FloatVector.zero(F);
            FloatVector a5 = FloatVector.zero(F);
            FloatVector a6 = FloatVector.zero(F);
            FloatVector a7 = FloatVector.zero(F);
            for (int half = 0; half < 2; half++) {
                IntVector w = IntVector.fromArray(I, words, half * dp + c);
                for (int t = 16 * half; t < 16 * half + 16; t++) {
                    FloatVector v = w.selectFrom(CODE2).reinterpretAsFloats();
                    w = w.lanewise(VectorOperators.LSHR, 2);
                    FloatVector p0 = FloatVector.broadcast(F, p[pOff + 0 * G + t]);
                    a0 = v.fma(p0, a0);
                    FloatVector p1 = FloatVector.broadcast(F, p[pOff + 1 * G + t]);
                    a1 = v.fma(p1, a1);
                    FloatVector p2 = FloatVector.broadcast(F, p[pOff + 2 * G + t]);
                    a2 = v.fma(p2, a2);
                    FloatVector p3 = FloatVector.broadcast(F, p[pOff + 3 * G + t]);
                    a3 = v.fma(p3, a3);
                    FloatVector p4 = FloatVector.broadcast(F, p[pOff + 4 * G + t]);
                    a4 = v.fma(p4, a4);
                    FloatVector p5 = FloatVector.broadcast(F, p[pOff + 5 * G + t]);
                    a5 = v.fma(p5, a5);
                    FloatVector p6 = FloatVector.broadcast(F, p[pOff + 6 * G + t]);
                    a6 = v.fma(p6, a6);
                    FloatVector p7 = FloatVector.broadcast(F, p[pOff + 7 * G + t]);
                    a7 = v.fma(p7, a7);
                }
            }
            if (c + L <= d) { // whole vector: add into acc in place
                FloatVector s = FloatVector.fromArray(F, sc, c);
                FloatVector n = FloatVector.fromArray(F, mn, c);
                FloatVector.fromArray(F, acc, aOff + 0 * d + c).add(n.fma(FloatVector.broadcast(F, sums[0]), a0.mul(s))).intoArray(acc, aOff + 0 * d + c);
                if (nh > 1) {
                    FloatVector.fromArray(F, acc, aOff + 1 * d + c).add(n.fma(FloatVector.broadcast(F, sums[1]), a1.mul(s))).intoArray(acc, aOff + 1 * d + c);
                }
                if (nh > 2) {
                    FloatVector.fromArray(F, acc, aOff + 2 * d + c).add(n.fma(FloatVector.broadcast(F, sums[2]), a2.mul(s))).intoArray(acc, aOff + 2 * d + c);
                }
                if (nh > 3) {
                    FloatVector.fromArray(F, acc, aOff + 3 * d + c).add(n.fma(FloatVector.broadcast(F, sums[3]), a3.mul(s))).intoArray(acc, aOff + 3 * d + c);
                }
                if (nh > 4) {
                    FloatVector.fromArray(F, acc, aOff + 4 * d + c).add(n.fma(FloatVector.broadcast(F, sums[4]), a4.mul(s))).intoArray(acc, aOff + 4 * d + c);
                }
                if (nh > 5) {
                    FloatVector.fromArray(F, acc, aOff + 5 * d + c).add(n.fma(FloatVector.broadcast(F, sums[5]), a5.mul(s))).intoArray(acc, aOff + 5 * d + c);
                }
                if (nh > 6) {
                    FloatVector.fromArray(F, acc, aOff + 6 * d + c).add(n.fma(FloatVector.broadcast(F, sums[6]), a6.mul(s))).intoArray(acc, aOff + 6 * d + c);
                }
                if (nh > 7) {
                    FloatVector.fromArray(F, acc, aOff + 7 * d + c).add(n.fma(FloatVector.broadcast(F, sums[7]), a7.mul(s))).intoArray(acc, aOff + 7 * d + c);
                }
            } else { // last, partial vector: through tmp and the masked finish
                a0.intoArray(tmp, 0 * L);
                a1.intoArray(tmp, 1 * L);
                a2.intoArray(tmp, 2 * L);
                a3.intoArray(tmp, 3 * L);
                a4.intoArray(tmp, 4 * L);
                a5.intoArray(tmp, 5 * L);
                a6.intoArray(tmp, 6 * L);
                a7.intoArray(tmp, 7 * L);
                finish(tmp, nh, c, d, sc, mn, sums, acc, aOff);
            }
        }
    }

    /**
     * 8 heads of per-channel INT1 values: Σ_t p_t·code_t per channel (unscaled), then scale (and min·Σp)
     * once; two channel vectors per pass (one broadcast of p_t feeds both), one for an odd last vector.
     */
    private static void valuesInt1x8(int[] words, int dp, float[] sc, float[] mn, int d, float[] p, int pOff,
                                      float[] sums, int nh, float[] acc, int aOff, float[] tmp) {
        int c = 0;
        for (; c < d; c += L) {
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            FloatVector a4 = FloatVector.zero(F);
            FloatVector a5 = FloatVector.zero(F);
            FloatVector a6 = FloatVector.zero(F);
            FloatVector a7 = FloatVector.zero(F);
            for (int half = 0; half < 1; half++) {
                IntVector w = IntVector.fromArray(I, words, half * dp + c);
                for (int t = 32 * half; t < 32 * half + 32; t++) {
                    FloatVector v = w.selectFrom(SIGN1).reinterpretAsFloats();
                    w = w.lanewise(VectorOperators.LSHR, 1);
                    FloatVector p0 = FloatVector.broadcast(F, p[pOff + 0 * G + t]);
                    a0 = v.fma(p0, a0);
                    FloatVector p1 = FloatVector.broadcast(F, p[pOff + 1 * G + t]);
                    a1 = v.fma(p1, a1);
                    FloatVector p2 = FloatVector.broadcast(F, p[pOff + 2 * G + t]);
                    a2 = v.fma(p2, a2);
                    FloatVector p3 = FloatVector.broadcast(F, p[pOff + 3 * G + t]);
                    a3 = v.fma(p3, a3);
                    FloatVector p4 = FloatVector.broadcast(F, p[pOff + 4 * G + t]);
                    a4 = v.fma(p4, a4);
                    FloatVector p5 = FloatVector.broadcast(F, p[pOff + 5 * G + t]);
                    a5 = v.fma(p5, a5);
                    FloatVector p6 = FloatVector.broadcast(F, p[pOff + 6 * G + t]);
                    a6 = v.fma(p6, a6);
                    FloatVector p7 = FloatVector.broadcast(F, p[pOff + 7 * G + t]);
                    a7 = v.fma(p7, a7);
                }
            }
            if (c + L <= d) { // whole vector: add into acc in place
                FloatVector s = FloatVector.fromArray(F, sc, c);
                FloatVector.fromArray(F, acc, aOff + 0 * d + c).add(a0.mul(s)).intoArray(acc, aOff + 0 * d + c);
                if (nh > 1) {
                    FloatVector.fromArray(F, acc, aOff + 1 * d + c).add(a1.mul(s)).intoArray(acc, aOff + 1 * d + c);
                }
                if (nh > 2) {
                    FloatVector.fromArray(F, acc, aOff + 2 * d + c).add(a2.mul(s)).intoArray(acc, aOff + 2 * d + c);
                }
                if (nh > 3) {
                    FloatVector.fromArray(F, acc, aOff + 3 * d + c).add(a3.mul(s)).intoArray(acc, aOff + 3 * d + c);
                }
                if (nh > 4) {
                    FloatVector.fromArray(F, acc, aOff + 4 * d + c).add(a4.mul(s)).intoArray(acc, aOff + 4 * d + c);
                }
                if (nh > 5) {
                    FloatVector.fromArray(F, acc, aOff + 5 * d + c).add(a5.mul(s)).intoArray(acc, aOff + 5 * d + c);
                }
                if (nh > 6) {
                    FloatVector.fromArray(F, acc, aOff + 6 * d + c).add(a6.mul(s)).intoArray(acc, aOff + 6 * d + c);
                }
                if (nh > 7) {
                    FloatVector.fromArray(F, acc, aOff + 7 * d + c).add(a7.mul(s)).intoArray(acc, aOff + 7 * d + c);
                }
            } else { // last, partial vector: through tmp and the masked finish
                a0.intoArray(tmp, 0 * L);
                a1.intoArray(tmp, 1 * L);
                a2.intoArray(tmp, 2 * L);
                a3.intoArray(tmp, 3 * L);
                a4.intoArray(tmp, 4 * L);
                a5.intoArray(tmp, 5 * L);
                a6.intoArray(tmp, 6 * L);
                a7.intoArray(tmp, 7 * L);
                finish(tmp, nh, c, d, sc, null, sums, acc, aOff);
            }
        }
    }

    /**
     * 8 heads of {@code n} per-token INT2 rows (groups of 32 channels; KIVI's values, VidKV's salient rows):
     * each token's L codes decoded once in registers.
     */
    private static void valuesTokenInt2x8(int[] words, int ng, float[] m, int n, int d, float[] p, int pOff,
                                          int nh, float[] acc, int aOff, float[] tmp) {
        for (int c = 0; c < d; c += L) {
            int j = c >>> 5; // the channel group: word k = t·ng + j, as int halves words[2k], words[2k + 1]
            int wi = (c & 31) >>> 4;
            IntVector shifts = IntVector.zero(I).addIndex(2).add(2 * (c & 15));
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector a2 = FloatVector.zero(F);
            FloatVector a3 = FloatVector.zero(F);
            FloatVector a4 = FloatVector.zero(F);
            FloatVector a5 = FloatVector.zero(F);
            FloatVector a6 = FloatVector.zero(F);
            FloatVector a7 = FloatVector.zero(F);
            for (int t = 0; t < n; t++) {
                int k = t * ng + j;
                IntVector x = IntVector.broadcast(I, words[2 * k + wi]).lanewise(VectorOperators.LSHR, shifts);
                FloatVector v = x.selectFrom(CODE2).reinterpretAsFloats().fma(FloatVector.broadcast(F, m[2 * k]), FloatVector.broadcast(F, m[2 * k + 1]));
                a0 = v.fma(FloatVector.broadcast(F, p[pOff + 0 * G + t]), a0);
                a1 = v.fma(FloatVector.broadcast(F, p[pOff + 1 * G + t]), a1);
                a2 = v.fma(FloatVector.broadcast(F, p[pOff + 2 * G + t]), a2);
                a3 = v.fma(FloatVector.broadcast(F, p[pOff + 3 * G + t]), a3);
                a4 = v.fma(FloatVector.broadcast(F, p[pOff + 4 * G + t]), a4);
                a5 = v.fma(FloatVector.broadcast(F, p[pOff + 5 * G + t]), a5);
                a6 = v.fma(FloatVector.broadcast(F, p[pOff + 6 * G + t]), a6);
                a7 = v.fma(FloatVector.broadcast(F, p[pOff + 7 * G + t]), a7);
            }
            if (c + L <= d) { // whole vector: add into acc in place
                FloatVector.fromArray(F, acc, aOff + 0 * d + c).add(a0).intoArray(acc, aOff + 0 * d + c);
                if (nh > 1) {
                    FloatVector.fromArray(F, acc, aOff + 1 * d + c).add(a1).intoArray(acc, aOff + 1 * d + c);
                }
                if (nh > 2) {
                    FloatVector.fromArray(F, acc, aOff + 2 * d + c).add(a2).intoArray(acc, aOff + 2 * d + c);
                }
                if (nh > 3) {
                    FloatVector.fromArray(F, acc, aOff + 3 * d + c).add(a3).intoArray(acc, aOff + 3 * d + c);
                }
                if (nh > 4) {
                    FloatVector.fromArray(F, acc, aOff + 4 * d + c).add(a4).intoArray(acc, aOff + 4 * d + c);
                }
                if (nh > 5) {
                    FloatVector.fromArray(F, acc, aOff + 5 * d + c).add(a5).intoArray(acc, aOff + 5 * d + c);
                }
                if (nh > 6) {
                    FloatVector.fromArray(F, acc, aOff + 6 * d + c).add(a6).intoArray(acc, aOff + 6 * d + c);
                }
                if (nh > 7) {
                    FloatVector.fromArray(F, acc, aOff + 7 * d + c).add(a7).intoArray(acc, aOff + 7 * d + c);
                }
            } else { // last, partial vector: through tmp and the masked finish
                a0.intoArray(tmp, 0 * L);
                a1.intoArray(tmp, 1 * L);
                a2.intoArray(tmp, 2 * L);
                a3.intoArray(tmp, 3 * L);
                a4.intoArray(tmp, 4 * L);
                a5.intoArray(tmp, 5 * L);
                a6.intoArray(tmp, 6 * L);
                a7.intoArray(tmp, 7 * L);
                finish(tmp, nh, c, d, null, null, null, acc, aOff);
            }
        }
    }
}
