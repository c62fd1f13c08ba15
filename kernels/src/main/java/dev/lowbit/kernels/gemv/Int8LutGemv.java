package dev.lowbit.kernels.gemv;

import dev.lowbit.kernels.VectorShapes;
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
 * <p>Allocation-free per call; not thread-safe (rows split over a {@link RowPool} inside a call,
 * in blocks of R rows; each row's value does not depend on the split).
 */
public final class Int8LutGemv implements RowPool.RowTask {
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
            twoA[gi] = 2 * a.sum(gi);
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

    /** Row blocks {@code [b0, b1)}. */
    @Override
    public void rows(int b0, int b1) {
        int rb = b0;
        if (tw == R) {
            for (; rb + 1 < b1; rb += 2) {
                if (typeBits) {
                    pairSr(rb);
                } else {
                    pairPlain(rb);
                }
            }
        }
        for (; rb < b1; rb++) {
            single(rb);
        }
    }

    /** Lookup of R lanes in the table at {@code off} (tw shorts: 1, 2 or 4 vectors). */
    private ShortVector lookup(ShortVector idx, int off) {
        short[] t = tables;
        if (tw == R) {
            return idx.selectFrom(ShortVector.fromArray(S, t, off));
        } else if (tw == 2 * R) {
            return idx.selectFrom(ShortVector.fromArray(S, t, off), ShortVector.fromArray(S, t, off + R));
        }
        ShortVector lo = idx.selectFrom(ShortVector.fromArray(S, t, off), ShortVector.fromArray(S, t, off + R));
        ShortVector hi = idx.selectFrom(ShortVector.fromArray(S, t, off + 2 * R), ShortVector.fromArray(S, t, off + 3 * R));
        return lo.blend(hi, idx.and((short) (2 * R)).compare(VectorOperators.NE, 0));
    }

    private ShortVector index(ShortVector c, int k, ShortVector sr) {
        ShortVector n = c.lanewise(VectorOperators.LSHR, 4 * k);
        return typeBits ? n.and((short) 15).or(sr) : n;
    }

    /** Any species, one row block: the reference path of the vector code (and the tail). */
    private void single(int rb) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        ShortVector sr = ShortVector.zero(S);
        for (int gi = 0; gi < groups; gi++) {
            int sb = (rb * groups + gi) * R;
            if (typeBits) {
                sr = ShortVector.fromArray(S, srBits, sb);
            }
            IntVector s0 = IntVector.zero(I);
            IntVector s1 = IntVector.zero(I);
            int cb = sb * sp;
            int tb = gi * steps * tw;
            for (int j0 = 0; j0 < sp; j0 += flush) {
                ShortVector a = ShortVector.zero(S);
                int j1 = Math.min(sp, j0 + flush);
                for (int j = j0; j < j1; j++) {
                    ShortVector c = ShortVector.fromArray(S, codes, cb + j * R);
                    int t = tb + 4 * j * tw;
                    a = a.add(lookup(index(c, 0, sr), t)).add(lookup(index(c, 1, sr), t + tw))
                            .add(lookup(index(c, 2, sr), t + 2 * tw)).add(lookup(index(c, 3, sr), t + 3 * tw));
                }
                s0 = s0.add(a.convertShape(VectorOperators.S2I, I, 0));
                s1 = s1.add(a.convertShape(VectorOperators.S2I, I, 1));
            }
            acc0 = epilogue(s0, sb, gi, acc0);
            acc1 = epilogue(s1, sb + FL, gi, acc1);
        }
        store(acc0, acc1, rb);
    }

    /** acc = fma((float) S, ws·as, acc) [+ INT2: fma(min, as·A, acc)], lanes from {@code sb}. */
    private FloatVector epilogue(IntVector s, int sb, int gi, FloatVector acc) {
        if (int2) {
            s = s.add(twoA[gi]);
        }
        FloatVector f = (FloatVector) s.convert(VectorOperators.I2F, 0);
        acc = f.fma(FloatVector.fromArray(F, ws, sb).mul(as[gi]), acc);
        if (int2) {
            acc = FloatVector.fromArray(F, mins, sb).fma(FloatVector.broadcast(F, minCoef[gi]), acc);
        }
        return acc;
    }

    private void store(FloatVector acc0, FloatVector acc1, int rb) {
        int r0 = rb * R;
        if (r0 + R <= rows) {
            acc0.intoArray(y, r0);
            acc1.intoArray(y, r0 + FL);
        } else {
            for (int l = 0; l < FL && r0 + l < rows; l++) {
                y[r0 + l] = acc0.lane(l);
            }
            for (int l = 0; l < FL && r0 + FL + l < rows; l++) {
                y[r0 + FL + l] = acc1.lane(l);
            }
        }
    }

    /**
     * Tables of one vector (tw = R), row blocks rb and rb+1 together: each table load feeds both;
     * 2-bit formats and BITMOD3 (the index is the code short shifted, nothing else).
     */
    private void pairPlain(int rb) {
        short[] codes = this.codes;
        short[] t = tables;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F);
        FloatVector b1 = FloatVector.zero(F);
        int blockStride = groups * sp * R;
        for (int gi = 0; gi < groups; gi++) {
            int sbA = (rb * groups + gi) * R;
            int sbB = sbA + groups * R;
            IntVector sa0 = IntVector.zero(I);
            IntVector sa1 = IntVector.zero(I);
            IntVector sb0 = IntVector.zero(I);
            IntVector sb1 = IntVector.zero(I);
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
                    accA = accA.add(ca.selectFrom(t0)).add(ca.lanewise(VectorOperators.LSHR, 4).selectFrom(t1))
                            .add(ca.lanewise(VectorOperators.LSHR, 8).selectFrom(t2)).add(ca.lanewise(VectorOperators.LSHR, 12).selectFrom(t3));
                    accB = accB.add(cbv.selectFrom(t0)).add(cbv.lanewise(VectorOperators.LSHR, 4).selectFrom(t1))
                            .add(cbv.lanewise(VectorOperators.LSHR, 8).selectFrom(t2)).add(cbv.lanewise(VectorOperators.LSHR, 12).selectFrom(t3));
                }
                sa0 = sa0.add(accA.convertShape(VectorOperators.S2I, I, 0));
                sa1 = sa1.add(accA.convertShape(VectorOperators.S2I, I, 1));
                sb0 = sb0.add(accB.convertShape(VectorOperators.S2I, I, 0));
                sb1 = sb1.add(accB.convertShape(VectorOperators.S2I, I, 1));
            }
            a0 = epilogue(sa0, sbA, gi, a0);
            a1 = epilogue(sa1, sbA + FL, gi, a1);
            b0 = epilogue(sb0, sbB, gi, b0);
            b1 = epilogue(sb1, sbB + FL, gi, b1);
        }
        store(a0, a1, rb);
        store(b0, b1, rb + 1);
    }

    /** As {@link #pairPlain} for BITMOD4: the index is the code nibble OR the lane's sp/sr bit (16). */
    private void pairSr(int rb) {
        short[] codes = this.codes;
        short[] t = tables;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F);
        FloatVector b1 = FloatVector.zero(F);
        int blockStride = groups * sp * R;
        for (int gi = 0; gi < groups; gi++) {
            int sbA = (rb * groups + gi) * R;
            int sbB = sbA + groups * R;
            ShortVector srA = ShortVector.fromArray(S, srBits, sbA);
            ShortVector srB = ShortVector.fromArray(S, srBits, sbB);
            IntVector sa0 = IntVector.zero(I);
            IntVector sa1 = IntVector.zero(I);
            IntVector sb0 = IntVector.zero(I);
            IntVector sb1 = IntVector.zero(I);
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
                    for (int k = 0; k < 4; k++) {
                        ShortVector tk = ShortVector.fromArray(S, t, o + k * R);
                        accA = accA.add(ca.lanewise(VectorOperators.LSHR, 4 * k).and((short) 15).or(srA).selectFrom(tk));
                        accB = accB.add(cbv.lanewise(VectorOperators.LSHR, 4 * k).and((short) 15).or(srB).selectFrom(tk));
                    }
                }
                sa0 = sa0.add(accA.convertShape(VectorOperators.S2I, I, 0));
                sa1 = sa1.add(accA.convertShape(VectorOperators.S2I, I, 1));
                sb0 = sb0.add(accB.convertShape(VectorOperators.S2I, I, 0));
                sb1 = sb1.add(accB.convertShape(VectorOperators.S2I, I, 1));
            }
            a0 = epilogue(sa0, sbA, gi, a0);
            a1 = epilogue(sa1, sbA + FL, gi, a1);
            b0 = epilogue(sb0, sbB, gi, b0);
            b1 = epilogue(sb1, sbB + FL, gi, b1);
        }
        store(a0, a1, rb);
        store(b0, b1, rb + 1);
    }
}
