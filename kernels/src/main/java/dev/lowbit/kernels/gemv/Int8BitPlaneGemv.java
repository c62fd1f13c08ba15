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
 * Bit-plane (bit-serial) GEMV for BitMoD weights on int8 activations, the software analogue of
 * the BitMoD PE: a weight's integer value u (in units of its group scale) is split into NP
 * two's complement bit planes (NP = 6 for BITMOD4, u ∈ [−16, 16]; 4 for BITMOD3, u ∈ [−6, 6]),
 * each plane is summed against the activations, and the group's integer sum
 * S_g = Σ_b c_b·P_b (c_b = 2^b, the sign plane −2^(NP−1)) is exact, equal to the PE model's
 * accumulator ({@code accel-sim} BitSerialPe) and to {@link Int8GemvReference}'s S_g. The float
 * epilogue is the reference's: acc = fma((float) S_g, ws·as, acc), so results are bit-equal.
 *
 * <h2>Method</h2>
 * Per quad of 4 inputs, the call builds the 16 int16 subset sums T_q[m] = Σ_{i: bit i of m}
 * q_{4q+i} (|T| ≤ 508). Rows run in the R short lanes; a plane's 4 bits of a row over a quad
 * select T_q[nibble] with one {@code selectFrom} (→ {@code vpermw}), for R rows at once.
 *
 * <h2>Layout (built once, owned by this object)</h2>
 * {@code short[]} ordered {@code [row block][group][chunk][plane][lane]}, a chunk = 16 inputs
 * of the padded group ({@link Int8Activations}): nibble k (bits 4k..4k+3) of a lane's short
 * holds plane b of inputs 16c + 4k + 0..3 (bit i = input 4k + i). Scales float
 * {@code [row block][group][lane]}. 64 bytes per plane feed 32 rows × 16 inputs.
 *
 * <p>Overflow: a plane sum takes 4 lookups per chunk (≤ 4·508 = 2032) and is widened into int32
 * every 16 chunks (16·2032 = 32512 ≤ 32767); |S_g| ≤ gp·16·127 &lt; 2^31.
 * Allocation-free per call; not thread-safe (row blocks split over a {@link RowPool}).
 */
public final class Int8BitPlaneGemv implements RowPool.RowTask {
    private static final VectorSpecies<Short> S = VectorShapes.S;
    private static final VectorSpecies<Integer> I = VectorShapes.I;
    private static final VectorSpecies<Float> F = VectorShapes.F;
    private static final int R = S.length();
    private static final int FL = F.length();
    private static final int TW = Math.max(16, R);
    /** Chunks per int16 accumulation. */
    private static final int FLUSH = 16;

    private final QuantizedTensor w;
    private final int rows;
    private final int cols;
    private final int g;
    private final int gp;
    private final int groups;
    private final int blocks;
    private final int np;
    private final int chunks;
    private final short[] planes;
    private final float[] ws;
    private final short[][] bitRows;
    private final short[] tables;
    private final Int8Activations act;
    private final float[] as;
    private float[] y;

    /** Builds the planes of {@code w} (BITMOD3 or BITMOD4, groups along cols). */
    public Int8BitPlaneGemv(QuantizedTensor w) {
        GemvReference.checkWeights(w);
        PackedFormat f = w.format();
        if (f != PackedFormat.BITMOD3 && f != PackedFormat.BITMOD4) {
            throw new IllegalArgumentException("int8 bit-plane GEMV: expected BITMOD3 or BITMOD4 weights, found " + f);
        }
        BitModCodec codec = (BitModCodec) f.codec();
        this.w = w;
        this.rows = Math.toIntExact(w.rows());
        this.cols = Math.toIntExact(w.cols());
        this.g = w.groupSize();
        this.gp = Int8Activations.paddedBlock(g);
        this.groups = (cols + g - 1) / g;
        this.blocks = (rows + R - 1) / R;
        this.chunks = gp / 16;
        int lo = 0;
        int hi = 0;
        for (int id = 0; id < 4; id++) {
            BitModType t = codec.type(id);
            for (int c = 0; c < t.codeCount(); c++) {
                lo = Math.min(lo, t.value(c));
                hi = Math.max(hi, t.value(c));
            }
        }
        int n = 1;
        while (hi > (1 << (n - 1)) - 1 || lo < -(1 << (n - 1))) {
            n++;
        }
        this.np = n;
        this.planes = new short[Math.toIntExact((long) blocks * groups * chunks * np * R)];
        this.ws = new float[Math.toIntExact((long) blocks * groups * R)];
        for (int r = 0; r < rows; r++) {
            int rb = r / R;
            int lane = r % R;
            for (int gi = 0; gi < groups; gi++) {
                long k = (long) r * groups + gi;
                int sb = (rb * groups + gi) * R + lane;
                ws[sb] = BitModCodec.scale(w.meta(), k * 2);
                BitModType t = codec.type(BitModCodec.typeId(w.meta(), k * 2));
                long co = k * codec.codeBytes(g);
                int len = w.blockLength(k);
                for (int i = 0; i < len; i++) {
                    int u = t.value(codec.code(w.codes(), co, i)) & ((1 << np) - 1);
                    int c = i >>> 4;
                    for (int b = 0; b < np; b++) {
                        if ((u >>> b & 1) != 0) {
                            int at = ((((rb * groups + gi) * chunks + c) * np + b) * R) + lane;
                            planes[at] |= (short) (1 << (i & 15));
                        }
                    }
                }
            }
        }
        this.bitRows = new short[4][TW];
        for (int i = 0; i < 4; i++) {
            for (int m = 0; m < TW; m++) {
                bitRows[i][m] = (short) ((m & 15) >>> i & 1);
            }
        }
        this.tables = new short[Math.toIntExact((long) groups * (gp / 4) * TW)];
        this.act = new Int8Activations(cols, g);
        this.as = new float[groups];
    }

    /** Bit planes per weight (6 for BITMOD4, 4 for BITMOD3). */
    public int planeCount() {
        return np;
    }

    public QuantizedTensor weights() {
        return w;
    }

    /** Bytes of planes and scales this object owns, all read by one multiply. */
    public long weightBytes() {
        return 2L * planes.length + 4L * ws.length;
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

    /** y = W·x̂ for already quantized activations (blocks = the weight groups). */
    public void multiply(Int8Activations a, float[] y) {
        prepare(a, y);
        rows(0, blocks);
    }

    private void prepare(Int8Activations a, float[] y) {
        Int8GemvReference.checkShapes(w, a, y);
        this.y = y;
        byte[] q = a.values();
        short[] t = tables;
        int quads = gp / 4;
        for (int gi = 0; gi < groups; gi++) {
            as[gi] = a.scale(gi);
            int qb = gi * gp;
            int tb = gi * quads * TW;
            for (int qd = 0; qd < quads; qd++, tb += TW) {
                short x0 = q[qb + 4 * qd];
                short x1 = q[qb + 4 * qd + 1];
                short x2 = q[qb + 4 * qd + 2];
                short x3 = q[qb + 4 * qd + 3];
                for (int o = 0; o < TW; o += R) {
                    ShortVector.fromArray(S, bitRows[0], o).mul(x0)
                            .add(ShortVector.fromArray(S, bitRows[1], o).mul(x1))
                            .add(ShortVector.fromArray(S, bitRows[2], o).mul(x2))
                            .add(ShortVector.fromArray(S, bitRows[3], o).mul(x3))
                            .intoArray(t, tb + o);
                }
            }
        }
    }

    private ShortVector lookup(ShortVector idx, int off) {
        if (TW == R) {
            return idx.selectFrom(ShortVector.fromArray(S, tables, off));
        }
        return idx.selectFrom(ShortVector.fromArray(S, tables, off), ShortVector.fromArray(S, tables, off + R));
    }

    /** Row blocks {@code [b0, b1)}. */
    @Override
    public void rows(int b0, int b1) {
        int rb = b0;
        if (TW == R) {
            for (; rb + 1 < b1; rb += 2) {
                pair(rb);
            }
        }
        for (; rb < b1; rb++) {
            single(rb);
        }
    }

    /** Adds c_b·P (P widened to int lanes, part {@code part}) to s. */
    private IntVector addPlane(IntVector s, ShortVector p, int part, int b) {
        IntVector v = ((IntVector) p.convertShape(VectorOperators.S2I, I, part)).lanewise(VectorOperators.LSHL, b);
        return b == np - 1 ? s.sub(v) : s.add(v);
    }

    private void single(int rb) {
        FloatVector acc0 = FloatVector.zero(F);
        FloatVector acc1 = FloatVector.zero(F);
        int quads = gp / 4;
        for (int gi = 0; gi < groups; gi++) {
            int sb = (rb * groups + gi) * R;
            IntVector s0 = IntVector.zero(I);
            IntVector s1 = IntVector.zero(I);
            int base = (rb * groups + gi) * chunks * np * R;
            int tb = gi * quads * TW;
            for (int b = 0; b < np; b++) {
                for (int c0 = 0; c0 < chunks; c0 += FLUSH) {
                    ShortVector p = ShortVector.zero(S);
                    int c1 = Math.min(chunks, c0 + FLUSH);
                    for (int c = c0; c < c1; c++) {
                        ShortVector v = ShortVector.fromArray(S, planes, base + (c * np + b) * R);
                        int t = tb + 4 * c * TW;
                        p = p.add(lookup(v, t)).add(lookup(v.lanewise(VectorOperators.LSHR, 4), t + TW))
                                .add(lookup(v.lanewise(VectorOperators.LSHR, 8), t + 2 * TW))
                                .add(lookup(v.lanewise(VectorOperators.LSHR, 12), t + 3 * TW));
                    }
                    s0 = addPlane(s0, p, 0, b);
                    s1 = addPlane(s1, p, 1, b);
                }
            }
            acc0 = epilogue(s0, sb, gi, acc0);
            acc1 = epilogue(s1, sb + FL, gi, acc1);
        }
        store(acc0, acc1, rb);
    }

    /** 16-entry tables in one vector: row blocks rb and rb+1 together, each table load feeding both. */
    private void pair(int rb) {
        short[] pl = planes;
        short[] t = tables;
        FloatVector a0 = FloatVector.zero(F);
        FloatVector a1 = FloatVector.zero(F);
        FloatVector b0 = FloatVector.zero(F);
        FloatVector b1 = FloatVector.zero(F);
        int quads = gp / 4;
        int blockStride = groups * chunks * np * R;
        for (int gi = 0; gi < groups; gi++) {
            int sbA = (rb * groups + gi) * R;
            int sbB = sbA + groups * R;
            IntVector sa0 = IntVector.zero(I);
            IntVector sa1 = IntVector.zero(I);
            IntVector sb0 = IntVector.zero(I);
            IntVector sb1 = IntVector.zero(I);
            int base = (rb * groups + gi) * chunks * np * R;
            int tb = gi * quads * R;
            for (int b = 0; b < np; b++) {
                for (int c0 = 0; c0 < chunks; c0 += FLUSH) {
                    ShortVector pA = ShortVector.zero(S);
                    ShortVector pB = ShortVector.zero(S);
                    int c1 = Math.min(chunks, c0 + FLUSH);
                    for (int c = c0; c < c1; c++) {
                        int at = base + (c * np + b) * R;
                        ShortVector va = ShortVector.fromArray(S, pl, at);
                        ShortVector vb = ShortVector.fromArray(S, pl, at + blockStride);
                        int o = tb + 4 * c * R;
                        ShortVector t0 = ShortVector.fromArray(S, t, o);
                        ShortVector t1 = ShortVector.fromArray(S, t, o + R);
                        ShortVector t2 = ShortVector.fromArray(S, t, o + 2 * R);
                        ShortVector t3 = ShortVector.fromArray(S, t, o + 3 * R);
                        pA = pA.add(va.selectFrom(t0)).add(va.lanewise(VectorOperators.LSHR, 4).selectFrom(t1))
                                .add(va.lanewise(VectorOperators.LSHR, 8).selectFrom(t2)).add(va.lanewise(VectorOperators.LSHR, 12).selectFrom(t3));
                        pB = pB.add(vb.selectFrom(t0)).add(vb.lanewise(VectorOperators.LSHR, 4).selectFrom(t1))
                                .add(vb.lanewise(VectorOperators.LSHR, 8).selectFrom(t2)).add(vb.lanewise(VectorOperators.LSHR, 12).selectFrom(t3));
                    }
                    sa0 = addPlane(sa0, pA, 0, b);
                    sa1 = addPlane(sa1, pA, 1, b);
                    sb0 = addPlane(sb0, pB, 0, b);
                    sb1 = addPlane(sb1, pB, 1, b);
                }
            }
            a0 = epilogue(sa0, sbA, gi, a0);
            a1 = epilogue(sa1, sbA + FL, gi, a1);
            b0 = epilogue(sb0, sbB, gi, b0);
            b1 = epilogue(sb1, sbB + FL, gi, b1);
        }
        store(a0, a1, rb);
        store(b0, b1, rb + 1);
    }

    private FloatVector epilogue(IntVector s, int sb, int gi, FloatVector acc) {
        FloatVector f = (FloatVector) s.convert(VectorOperators.I2F, 0);
        return f.fma(FloatVector.fromArray(F, ws, sb).mul(as[gi]), acc);
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
}
