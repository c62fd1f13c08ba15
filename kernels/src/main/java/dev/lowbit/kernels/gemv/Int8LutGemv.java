package dev.lowbit.kernels.gemv;

import dev.lowbit.kernels.VectorShapes;
import dev.lowbit.kernels.parallel.RowPool;
import dev.lowbit.packing.bitmod.BitModCodec;
import dev.lowbit.packing.bitmod.BitModType;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Table-lookup GEMV on int8 activations (T-MAC / bitnet.cpp style) that never makes a float per
 * weight: y = W·x̂ for {@code TERNARY2}, {@code TERNARY_B3}, {@code INT2}, {@code BITMOD3},
 * {@code BITMOD4} weights (groups along cols), x̂ = {@link Int8Activations} (blocks = groups).
 * It computes exactly {@link Int8GemvReference}'s integer algorithm: the results are bit-equal.
 *
 * <h2>Method</h2>
 * Rows run in the R = {@code ShortVector} lanes (32 on 512-bit). For each <em>step</em> of the
 * input — a pair of inputs for the 2-bit formats, one input for BitMoD — the call builds once a
 * table of int16 partial sums indexed by a 4- or 5-bit code, shared by every row:
 * <ul>
 *   <li>2-bit (ternary, INT2): T[c0 + 4·c1] = v(c0)·q_{2t} + v(c1)·q_{2t+1}, 16 entries;
 *       v = trit (code 00 → 0, 01 → +1, 10 → −1) or, for INT2, q − 2 ∈ [−2, 1] (centred so a
 *       whole group fits int16; the 2·A_g it removes is added back per group);</li>
 *   <li>BITMOD3: T[8·sr + c] = v_sr(c)·q_i, 16 entries; BITMOD4: T[16·sr + c], 32 entries.
 *       The group's datatype is folded into the index: of BitMoD's four types per width, the
 *       two with a negative special value are the negation of the positive ones under the code
 *       map σ(c) = c XOR half (c ≠ 0, half), so the repack stores σ(c) and a negated scale,
 *       and one bit (sp / sr) selects the half of the table.</li>
 * </ul>
 * A step's lookup for R rows is one {@code selectFrom} on shorts (→ {@code vpermw}; tables wider
 * than the species use the two-vector form and a blend). Tables narrower than R are stored
 * repeated, so the permute's index wrap makes masks unnecessary: the 2-bit and BITMOD3 indexes
 * are the code short shifted right by 4k, nothing else.
 *
 * <h2>Repacked weights (built once, owned by this object)</h2>
 * Inputs are in the padded index space of {@link Int8Activations} (gp per group). Codes are
 * {@code short[]} ordered {@code [row block][group][j][lane]}: short j of a lane holds four
 * 4-bit indexes, nibble k = step 4j + k of the group (bits 4k..4k+3). So one 64-byte load feeds
 * 32 rows × 4 steps. 2-bit: nibble = c0 | c1 &lt;&lt; 2 (8 inputs a short); BITMOD3: σ(c) | 8·sr;
 * BITMOD4: σ(c), with the sr bit (16) in a per-(block, group, lane) short vector OR-ed in.
 * Scales (ws, step, or −ws where σ applies) and INT2's mins are float {@code [block][group][lane]}.
 * Rows past the end are zero codes and zero scales.
 *
 * <h2>Integer accumulation without overflow</h2>
 * A lookup result is at most E in magnitude: 2·127 (ternary pair), 2·2·127 = 508 (INT2 pair,
 * |q−2| ≤ 2), 6·127 = 762 (BITMOD3), 16·127 = 2032 (BITMOD4). The int16 accumulator takes F
 * code shorts (4 lookups each) before it is widened into int32: F = 32 (32·4·254 = 32512),
 * 16 (16·4·508 = 32512), 8 (8·4·762 = 24384), 4 (4·4·2032 = 32512), all ≤ 32767. The int32 sum
 * of a group is at most gp·2032 ≤ 2^31 for gp ≤ 2^20 (the largest group). Each group is then
 * converted to float and scaled once: acc = fma(S, ws·as, acc), as the reference.
 *
 * <h2>Choices measured or counted</h2>
 * Widened integer multiply-adds on the codes (rows in lanes: extract the trit/value of each
 * weight, multiply by the broadcast activation, add) take ≈ 7 vector ops per 32 weights for
 * ternary against ≈ 1.75 here (one shift, one permute, one add per 64 weights, tables shared by
 * two row blocks): not built. A BITMOD4 layout of three 5-bit indexes a short (no mask, no OR,
 * 1/3 more bytes) was built and measured no faster (JMH quick, 11008×4096, 1 thread: 1.92 ms
 * against 1.87 ms for the nibbles, FP32 13.5 / 13.2 ms in the same runs): not kept.
 *
 * <p>Allocation-free per call; not thread-safe (rows split over a {@link RowPool} inside a call,
 * in blocks of R rows; each row's value does not depend on the split).
 */
public final class Int8LutGemv implements Gemv, RowPool.RowTask {
    private static final VectorSpecies<Short> S = VectorShapes.S;
    private static final VectorSpecies<Integer> I = VectorShapes.I;
    private static final VectorSpecies<Float> F = VectorShapes.F;
    /** Rows per block: the short lanes. */
    static final int R = S.length();
    private static final int FL = F.length();

    private final QuantizedTensor w;
    private final PackedFormat format;
    private final int rows;
    private final int cols;
    private final int g;
    private final int gp;
    private final int groups;
    private final int blocks;
    /** Table entries per step (16 or 32) and stored width per step (≥ R). */
    private final int entries;
    private final int tw;
    /** Steps and code shorts per group; inputs per step. */
    private final int steps;
    private final int sp;
    private final int perStep;
    /** Code shorts per int16 accumulation. */
    private final int flush;
    private final boolean int2;
    private final boolean typeBits;
    private final short[] codes;
    private final short[] srBits;
    private final float[] ws;
    private final float[] mins;
    /** Per-step table source values (one row of R lanes each for c0 and c1 / for v). */
    private final short[] v0;
    private final short[] v1;
    private final short[] tables;
    private final Int8Activations act;
    private final float[] as;
    private final float[] minCoef;
    private final int[] twoA;
    /** Per-row scratch of the current group's int32 sums and the float accumulators (rows padded to R). */
    private final int[] isum;
    private final float[] facc;
    private float[] y;

    /** A kernel over {@code w} (TERNARY2, TERNARY_B3, INT2, BITMOD3 or BITMOD4; groups along cols). */
    public Int8LutGemv(QuantizedTensor w) {
        Int8GemvReference.checkFormat(w);
        this.w = w;
        this.format = w.format();
        this.rows = Math.toIntExact(w.rows());
        this.cols = Math.toIntExact(w.cols());
        this.g = w.groupSize();
        this.gp = Int8Activations.paddedBlock(g);
        this.groups = (cols + g - 1) / g;
        this.blocks = (rows + R - 1) / R;
        this.int2 = format == PackedFormat.INT2;
        boolean bitmod = format == PackedFormat.BITMOD3 || format == PackedFormat.BITMOD4;
        this.typeBits = format == PackedFormat.BITMOD4;
        this.entries = typeBits ? 32 : 16;
        this.tw = Math.max(entries, R);
        this.perStep = bitmod ? 1 : 2;
        this.steps = gp / perStep;
        this.sp = steps / 4;
        this.flush = switch (format) {
            case TERNARY2, TERNARY_B3 -> 32;
            case INT2 -> 16;
            case BITMOD3 -> 8;
            default -> 4;
        };
        if ((long) blocks * groups * sp * R > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("int8 GEMV: the repacked weights of [" + rows + ", " + cols + "] need "
                    + (long) blocks * groups * sp * R + " shorts, more than one Java array holds; split the matrix by rows");
        }
        this.codes = new short[Math.toIntExact((long) blocks * groups * sp * R)];
        this.srBits = typeBits ? new short[Math.toIntExact((long) blocks * groups * R)] : null;
        this.ws = new float[Math.toIntExact((long) blocks * groups * R)];
        this.mins = int2 ? new float[ws.length] : null;
        this.v0 = new short[tw];
        this.v1 = new short[tw];
        buildValueRows();
        repack(bitmod);
        this.tables = new short[Math.toIntExact((long) groups * steps * tw)];
        this.act = new Int8Activations(cols, g);
        this.as = new float[groups];
        this.minCoef = new float[groups];
        this.twoA = new int[groups];
        this.isum = new int[blocks * R];
        this.facc = new float[blocks * R];
    }

    /** Integer value of each table index, before the activation multiply (repeated to tw). */
    private void buildValueRows() {
        for (int e = 0; e < tw; e++) {
            int c = e % entries;
            switch (format) {
                case TERNARY2, TERNARY_B3 -> {
                    v0[e] = (short) trit(c & 3);
                    v1[e] = (short) trit(c >>> 2);
                }
                case INT2 -> {
                    v0[e] = (short) ((c & 3) - 2);
                    v1[e] = (short) ((c >>> 2) - 2);
                }
                case BITMOD3 -> v0[e] = (short) BitModType.BITMOD3_CANDIDATES[(c >>> 3) * 2].value(c & 7);
                default -> v0[e] = (short) BitModType.BITMOD4_CANDIDATES[(c >>> 4) * 2].value(c & 15);
            }
        }
    }

    private static int trit(int c) {
        return (c & 1) - (c >>> 1);
    }

    private static int tritCode(int t) {
        return t == 1 ? 1 : t == -1 ? 2 : 0;
    }

    /**
     * σ for BitMoD: type ids 1 and 3 (negative special) map to ids 0 and 2 with negated values.
     * Checked against the type tables, so a change of candidates cannot go unnoticed.
     */
    private static int sigma(BitModCodec codec, int id, int code) {
        int half = 1 << (codec.bits() - 1);
        if ((id & 1) == 0) {
            return code;
        }
        int c = code == 0 || code == half ? code : code ^ half;
        if (codec.type(id).value(code) != -codec.type(id & 2).value(c)) {
            throw new IllegalStateException("BitMoD type " + codec.type(id) + " is not the negation of " + codec.type(id & 2));
        }
        return c;
    }

    private void repack(boolean bitmod) {
        BitModCodec bc = bitmod ? (BitModCodec) format.codec() : null;
        for (int r = 0; r < rows; r++) {
            int rb = r / R;
            int lane = r % R;
            for (int gi = 0; gi < groups; gi++) {
                long k = (long) r * groups + gi;
                int len = w.blockLength(k);
                int sb = (rb * groups + gi) * R + lane;
                int cb = (rb * groups + gi) * sp * R + lane;
                float scale = Int8GemvReference.scale(w, k);
                int id = bitmod ? BitModCodec.typeId(w.meta(), k * 2) : 0;
                if (bitmod && (id & 1) != 0) {
                    scale = -scale;
                }
                ws[sb] = scale;
                if (int2) {
                    mins[sb] = Int8GemvReference.min(w, k);
                }
                if (typeBits) {
                    srBits[sb] = (short) ((id >>> 1) * 16);
                }
                long co = k * format.codec().codeBytes(g);
                for (int i = 0; i < len; i++) {
                    int code = format.codec().code(w.codes(), co, i);
                    int nib;
                    int at;
                    if (bitmod) {
                        nib = sigma(bc, id, code) | (format == PackedFormat.BITMOD3 ? (id >>> 1) * 8 : 0);
                        at = 4 * (i & 3);
                        int j = i >>> 2;
                        codes[cb + j * R] |= (short) (nib << at);
                    } else {
                        nib = int2 ? code : tritCode(code);
                        at = 2 * (i & 7);
                        int j = i >>> 3;
                        codes[cb + j * R] |= (short) (nib << at);
                    }
                }
            }
        }
    }

    public QuantizedTensor weights() {
        return w;
    }

    /** Bytes of the repacked weights this object owns (codes, scales, mins, type bits). */
    public long repackedBytes() {
        return 2L * codes.length + 4L * ws.length + (mins == null ? 0 : 4L * mins.length) + (srBits == null ? 0 : 2L * srBits.length);
    }

    /**
     * {@link #repackedBytes()} of a kernel over {@code [rows, cols]} weights of format {@code f}
     * in groups of {@code g}, without building it: rows padded to R, inputs to gp per group;
     * per row and group gp/4 bytes of codes (2-bit formats) or gp/2 (BitMoD), a float scale,
     * INT2 a float min, BITMOD4 a short of type bits.
     */
    public static long repackedBytes(PackedFormat f, long rows, long cols, int g) {
        long groups = (cols + g - 1) / g;
        long paddedRows = (rows + R - 1) / R * R;
        int gp = Int8Activations.paddedBlock(g);
        boolean bitmod = f == PackedFormat.BITMOD3 || f == PackedFormat.BITMOD4;
        long perGroup = (bitmod ? gp / 2 : gp / 4) + 4 + (f == PackedFormat.INT2 ? 4 : 0) + (f == PackedFormat.BITMOD4 ? 2 : 0);
        return paddedRows * groups * perGroup;
    }

    /** Bytes of weights one multiply reads: the repacked copy. */
    public long weightBytes() {
        return repackedBytes();
    }

    /** y = W·x̂, x quantized to int8 blocks first, on the calling thread. */
    public void multiply(float[] x, float[] y) {
        prepare(act.quantize(x), y);
        rows(0, blocks);
    }

    /** y = W·x̂ with row blocks split over {@code pool}; the result does not depend on the pool size. */
    public void multiply(float[] x, float[] y, RowPool pool) {
        prepare(act.quantize(x), y);
        pool.run(blocks, 2, this);
    }

    /** y = W·x̂ for already quantized activations (blocks = the weight groups), on the calling thread. */
    public void multiply(Int8Activations a, float[] y) {
        prepare(a, y);
        rows(0, blocks);
    }

    private void prepare(Int8Activations a, float[] y) {
        Int8GemvReference.checkShapes(w, a, y);
        this.y = y;
        byte[] q = a.values();
        short[] t = tables;
        int tw = this.tw;
        for (int gi = 0; gi < groups; gi++) {
            float s = a.scale(gi);
            as[gi] = s;
            twoA[gi] = int2 ? 2 * a.sum(gi) : 0;
            minCoef[gi] = s * (float) a.sum(gi);
            int qb = gi * gp;
            int tb = gi * steps * tw;
            if (perStep == 2) {
                for (int st = 0; st < steps; st++, tb += tw) {
                    short a0 = q[qb + 2 * st];
                    short a1 = q[qb + 2 * st + 1];
                    for (int o = 0; o < tw; o += R) {
                        ShortVector.fromArray(S, v0, o).mul(a0).add(ShortVector.fromArray(S, v1, o).mul(a1)).intoArray(t, tb + o);
                    }
                }
            } else {
                for (int st = 0; st < steps; st++, tb += tw) {
                    short a0 = q[qb + st];
                    for (int o = 0; o < tw; o += R) {
                        ShortVector.fromArray(S, v0, o).mul(a0).intoArray(t, tb + o);
                    }
                }
            }
        }
    }

    /**
     * Row blocks {@code [b0, b1)}. Per group, an integer phase (one small method: int16 lookups,
     * widened to int32 sums stored in {@code isum}) and a float phase (the reference's epilogue on
     * the block's float accumulators {@code facc}); both scratch arrays are indexed by row, so
     * threads working on disjoint blocks never share them. Small methods keep every vector
     * operation intrinsified (one large body exceeded C2's inlining budget and fell back to
     * allocating Java code).
     */
    @Override
    public void rows(int b0, int b1) {
        java.util.Arrays.fill(facc, b0 * R, b1 * R, 0f);
        int rb = b0;
        if (tw == R) {
            for (; rb + 1 < b1; rb += 2) {
                for (int gi = 0; gi < groups; gi++) {
                    if (typeBits) {
                        sumsPairSr(rb, gi);
                    } else {
                        sumsPairPlain(rb, gi);
                    }
                    scale(rb, gi, 2);
                }
            }
        }
        for (; rb < b1; rb++) {
            for (int gi = 0; gi < groups; gi++) {
                sumsSingle(rb, gi);
                scale(rb, gi, 1);
            }
        }
        int r1 = Math.min(rows, b1 * R);
        if (b0 * R < r1) {
            System.arraycopy(facc, b0 * R, y, b0 * R, r1 - b0 * R);
        }
    }

    /*
     * Lookups of R lanes in the table at off, of 1, 2 or 4 vectors: one small method per width, so
     * each inlines into the sums loop. One method with the three widths behind a branch on tw
     * (every format's width taken in a JVM that runs several) got compiled on its own into code too
     * big for C2 to inline again ("already compiled into a big method"), and the loop then passed
     * boxed vectors to it: 0.8-2 MB per GEMV at 128 bits.
     */
    private static ShortVector lookup1(ShortVector idx, short[] t, int off) {
        return idx.selectFrom(ShortVector.fromArray(S, t, off));
    }

    private static ShortVector lookup2(ShortVector idx, short[] t, int off) {
        return idx.selectFrom(ShortVector.fromArray(S, t, off), ShortVector.fromArray(S, t, off + R));
    }

    private static ShortVector lookup4(ShortVector idx, short[] t, int off) {
        ShortVector lo = idx.selectFrom(ShortVector.fromArray(S, t, off), ShortVector.fromArray(S, t, off + R));
        ShortVector hi = idx.selectFrom(ShortVector.fromArray(S, t, off + 2 * R), ShortVector.fromArray(S, t, off + 3 * R));
        // hi where index bit log2(2R) is set: that bit spread over the lane (shift to the sign, then
        // arithmetic shift back) selects bitwise; a mask blend here boxed in a mixed-history JVM
        ShortVector sel = idx.lanewise(VectorOperators.LSHL, 15 - HALF_BIT).lanewise(VectorOperators.ASHR, 15);
        return lo.lanewise(VectorOperators.XOR, lo.lanewise(VectorOperators.XOR, hi).and(sel));
    }

    /** The index bit that picks the upper two vectors of a four-vector table (2R = 2^HALF_BIT). */
    private static final int HALF_BIT = Integer.numberOfTrailingZeros(2 * R);

    /** Index of nibble k: the code short shifted (BITMOD4: masked, OR the lane's sr bit). */
    private ShortVector index(ShortVector c, int k, ShortVector sr) {
        ShortVector n = c.lanewise(VectorOperators.LSHR, 4 * k);
        return typeBits ? n.and((short) 15).or(sr) : n;
    }

    /**
     * The float phase for {@code n} blocks from {@code rb}, group {@code gi}: per lane
     * acc = fma((float) S, ws·as, acc) [INT2: S + 2A first, then acc = fma(min, as·A, acc)].
     */
    private void scale(int rb, int gi, int n) {
        float asg = as[gi];
        int twoAg = twoA[gi];
        for (int b = 0; b < n; b++) {
            int sb = ((rb + b) * groups + gi) * R;
            int rowBase = (rb + b) * R;
            for (int h = 0; h < R; h += FL) {
                FloatVector acc = FloatVector.fromArray(F, facc, rowBase + h);
                FloatVector s = (FloatVector) IntVector.fromArray(I, isum, rowBase + h).add(twoAg).convert(VectorOperators.I2F, 0);
                acc = s.fma(FloatVector.fromArray(F, ws, sb + h).mul(asg), acc);
                if (int2) {
                    acc = FloatVector.fromArray(F, mins, sb + h).fma(FloatVector.broadcast(F, minCoef[gi]), acc);
                }
                acc.intoArray(facc, rowBase + h);
            }
        }
    }

    /**
     * Any species, one row block: integer sums of group {@code gi}. The four nibbles of a code short
     * go through a loop, not four written-out lookups: written out (four per table width), C2's
     * parse of BITMOD4's four-vector lookups at 128 bits hit NodeCountInliningCutoff
     * (-XX:+LogCompilation), left one lookup a call and boxed its vectors (0.8–1.6 MB per GEMV after
     * the other formats ran).
     */
    private void sumsSingle(int rb, int gi) {
        int sb = (rb * groups + gi) * R;
        ShortVector sr = typeBits ? ShortVector.fromArray(S, srBits, sb) : ShortVector.zero(S);
        int cb = sb * sp;
        int tb = gi * steps * tw;
        short[] tab = tables;
        for (int j0 = 0; j0 < sp; j0 += flush) {
            ShortVector a = ShortVector.zero(S);
            int j1 = Math.min(sp, j0 + flush);
            for (int j = j0; j < j1; j++) {
                ShortVector c = ShortVector.fromArray(S, codes, cb + j * R);
                int t = tb + 4 * j * tw;
                for (int k = 0; k < 4; k++, t += tw) {
                    ShortVector i = index(c, k, sr);
                    a = a.add(tw == R ? lookup1(i, tab, t) : tw == 2 * R ? lookup2(i, tab, t) : lookup4(i, tab, t));
                }
            }
            IntVector lo = (IntVector) a.convertShape(VectorOperators.S2I, I, 0); // widened to int32 sums
            IntVector hi = (IntVector) a.convertShape(VectorOperators.S2I, I, 1);
            if (j0 > 0) {
                lo = lo.add(IntVector.fromArray(I, isum, rb * R));
                hi = hi.add(IntVector.fromArray(I, isum, rb * R + FL));
            }
            lo.intoArray(isum, rb * R);
            hi.intoArray(isum, rb * R + FL);
        }
    }

    /**
     * Tables of one vector (tw = R), row blocks rb and rb+1 together, each table load feeding
     * both: 2-bit formats and BITMOD3 (the index is the code short shifted, nothing else).
     */
    private void sumsPairPlain(int rb, int gi) {
        short[] codes = this.codes;
        short[] t = tables;
        int blockStride = groups * sp * R;
        int cb = (rb * groups + gi) * R * sp;
        int tb = gi * steps * R;
        for (int j0 = 0; j0 < sp; j0 += flush) {
            ShortVector accA = ShortVector.zero(S);
            ShortVector accB = ShortVector.zero(S);
            int j1 = Math.min(sp, j0 + flush);
            for (int j = j0; j < j1; j++) {
                int c = cb + j * R;
                ShortVector ca = ShortVector.fromArray(S, codes, c);
                ShortVector cbv = ShortVector.fromArray(S, codes, c + blockStride);
                int o = tb + 4 * j * R;
                ShortVector t0 = ShortVector.fromArray(S, t, o);
                ShortVector t1 = ShortVector.fromArray(S, t, o + R);
                ShortVector t2 = ShortVector.fromArray(S, t, o + 2 * R);
                ShortVector t3 = ShortVector.fromArray(S, t, o + 3 * R);
                accA = accA.add(ca.selectFrom(t0).add(ca.lanewise(VectorOperators.LSHR, 4).selectFrom(t1)))
                        .add(ca.lanewise(VectorOperators.LSHR, 8).selectFrom(t2).add(ca.lanewise(VectorOperators.LSHR, 12).selectFrom(t3)));
                accB = accB.add(cbv.selectFrom(t0).add(cbv.lanewise(VectorOperators.LSHR, 4).selectFrom(t1)))
                        .add(cbv.lanewise(VectorOperators.LSHR, 8).selectFrom(t2).add(cbv.lanewise(VectorOperators.LSHR, 12).selectFrom(t3)));
            }
            IntVector lo2 = (IntVector) accA.convertShape(VectorOperators.S2I, I, 0);
            IntVector hi2 = (IntVector) accA.convertShape(VectorOperators.S2I, I, 1);
            if (j0 > 0) {
                lo2 = lo2.add(IntVector.fromArray(I, isum, rb * R));
                hi2 = hi2.add(IntVector.fromArray(I, isum, rb * R + FL));
            }
            lo2.intoArray(isum, rb * R);
            hi2.intoArray(isum, rb * R + FL);
            IntVector lo3 = (IntVector) accB.convertShape(VectorOperators.S2I, I, 0);
            IntVector hi3 = (IntVector) accB.convertShape(VectorOperators.S2I, I, 1);
            if (j0 > 0) {
                lo3 = lo3.add(IntVector.fromArray(I, isum, rb * R + R));
                hi3 = hi3.add(IntVector.fromArray(I, isum, rb * R + R + FL));
            }
            lo3.intoArray(isum, rb * R + R);
            hi3.intoArray(isum, rb * R + R + FL);
        }
    }

    /** As {@link #sumsPairPlain} for BITMOD4: the index is the code nibble OR the lane's sp/sr bit (16). */
    private void sumsPairSr(int rb, int gi) {
        short[] codes = this.codes;
        short[] t = tables;
        int blockStride = groups * sp * R;
        int sbA = (rb * groups + gi) * R;
        ShortVector srA = ShortVector.fromArray(S, srBits, sbA);
        ShortVector srB = ShortVector.fromArray(S, srBits, sbA + groups * R);
        int cb = sbA * sp;
        int tb = gi * steps * R;
        for (int j0 = 0; j0 < sp; j0 += flush) {
            ShortVector accA = ShortVector.zero(S);
            ShortVector accB = ShortVector.zero(S);
            int j1 = Math.min(sp, j0 + flush);
            for (int j = j0; j < j1; j++) {
                int c = cb + j * R;
                ShortVector ca = ShortVector.fromArray(S, codes, c);
                ShortVector cbv = ShortVector.fromArray(S, codes, c + blockStride);
                int o = tb + 4 * j * R;
                ShortVector t0 = ShortVector.fromArray(S, t, o);
                ShortVector t1 = ShortVector.fromArray(S, t, o + R);
                ShortVector t2 = ShortVector.fromArray(S, t, o + 2 * R);
                ShortVector t3 = ShortVector.fromArray(S, t, o + 3 * R);
                accA = accA.add(ca.and((short) 15).or(srA).selectFrom(t0)
                                .add(ca.lanewise(VectorOperators.LSHR, 4).and((short) 15).or(srA).selectFrom(t1)))
                        .add(ca.lanewise(VectorOperators.LSHR, 8).and((short) 15).or(srA).selectFrom(t2)
                                .add(ca.lanewise(VectorOperators.LSHR, 12).or(srA).selectFrom(t3)));
                accB = accB.add(cbv.and((short) 15).or(srB).selectFrom(t0)
                                .add(cbv.lanewise(VectorOperators.LSHR, 4).and((short) 15).or(srB).selectFrom(t1)))
                        .add(cbv.lanewise(VectorOperators.LSHR, 8).and((short) 15).or(srB).selectFrom(t2)
                                .add(cbv.lanewise(VectorOperators.LSHR, 12).or(srB).selectFrom(t3)));
            }
            IntVector lo4 = (IntVector) accA.convertShape(VectorOperators.S2I, I, 0);
            IntVector hi4 = (IntVector) accA.convertShape(VectorOperators.S2I, I, 1);
            if (j0 > 0) {
                lo4 = lo4.add(IntVector.fromArray(I, isum, rb * R));
                hi4 = hi4.add(IntVector.fromArray(I, isum, rb * R + FL));
            }
            lo4.intoArray(isum, rb * R);
            hi4.intoArray(isum, rb * R + FL);
            IntVector lo5 = (IntVector) accB.convertShape(VectorOperators.S2I, I, 0);
            IntVector hi5 = (IntVector) accB.convertShape(VectorOperators.S2I, I, 1);
            if (j0 > 0) {
                lo5 = lo5.add(IntVector.fromArray(I, isum, rb * R + R));
                hi5 = hi5.add(IntVector.fromArray(I, isum, rb * R + R + FL));
            }
            lo5.intoArray(isum, rb * R + R);
            hi5.intoArray(isum, rb * R + R + FL);
        }
    }
}
