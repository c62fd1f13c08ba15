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
 * Bit-plane (bit-serial) GEMV for BitMoD weights on int8 activations, the software analogue of
 * the BitMoD PE: a weight's integer value u (in units of its group scale) is split into NP
 * two's complement bit planes (NP = 6 for BITMOD4, u ∈ [−16, 16]; 4 for BITMOD3, u ∈ [−6, 6]),
 * each plane is summed against the activations, and the group's integer sum
 * S_g = Σ_b c_b·P_b (c_b = 2^b, the sign plane −2^(NP−1)) is exact, equal to the PE model's
 * accumulator ({@code accel-sim} BitSerialPe) and to {@link Int8GemvReference}'s S_g. The float
 * epilogue is the reference's: acc = fma((float) S_g, ws·as, acc), so results are bit-equal.
 *
 * <h2>Method</h2>
 * Per quint of 5 inputs, the call builds the 32 int16 subset sums T_q[m] = Σ_{i: bit i of m}
 * q_{5q+i} (|T| ≤ 635). Rows run in the R short lanes; a plane's 5 bits of a row over a quint
 * select T_q[bits] with one {@code selectFrom} (→ {@code vpermw}: 32 entries are one 512-bit
 * vector), for R rows at once. (A first version used quads and 16-entry tables: 1.5 lookups per
 * weight and row against the table-lookup kernel's 1, measured 1.63× its time; quints cut the
 * lookups to 1.2.)
 *
 * <h2>Layout (built once, owned by this object)</h2>
 * {@code short[]} ordered {@code [row block][group][chunk][plane][lane]}, a chunk = 15 inputs
 * of the padded group ({@link Int8Activations}; the last chunk of a group is padded, its tables
 * are zero there): bits 5k..5k+4 of a lane's short hold plane b of inputs 15c + 5k + 0..4
 * (bit i = input 5k + i); bit 15 is unused. Index k is the short shifted right by 5k (the
 * permute wraps at 32, no mask). Scales float {@code [row block][group][lane]}.
 *
 * <p>Overflow: a plane sum takes 3 lookups per chunk (≤ 3·635 = 1905) and is widened into int32
 * every 16 chunks (16·1905 = 30480 ≤ 32767); |S_g| ≤ gp·16·127 &lt; 2^31.
 * Allocation-free per call; not thread-safe (row blocks split over a {@link RowPool}).
 */
public final class Int8BitPlaneGemv implements Gemv, RowPool.RowTask {
    private static final VectorSpecies<Short> S = VectorShapes.S;
    private static final VectorSpecies<Integer> I = VectorShapes.I;
    private static final VectorSpecies<Float> F = VectorShapes.F;
    private static final int R = S.length();
    private static final int FL = F.length();
    /** Table entries (subsets of 5 inputs) and stored width (≥ R, repeated when R is wider). */
    private static final int ENTRIES = 32;
    private static final int TW = Math.max(ENTRIES, R);
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
    /** Per-row scratch: the current group's int32 sums and the float accumulators (rows padded to R). */
    private final int[] isum;
    private final float[] facc;
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
        this.chunks = (gp + 14) / 15;
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
        if (n != 4 && n != 6) {
            throw new IllegalStateException("int8 bit-plane GEMV handles 4 or 6 planes (summed two at a time), the datatypes need " + n);
        }
        this.np = n;
        if ((long) blocks * groups * chunks * np * R > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException("int8 GEMV: the repacked weights of [" + rows + ", " + cols + "] need "
                    + (long) blocks * groups * chunks * np * R + " shorts, more than one Java array holds; split the matrix by rows");
        }
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
                    int c = i / 15;
                    for (int b = 0; b < np; b++) {
                        if ((u >>> b & 1) != 0) {
                            int at = ((((rb * groups + gi) * chunks + c) * np + b) * R) + lane;
                            planes[at] |= (short) (1 << (i % 15));
                        }
                    }
                }
            }
        }
        this.bitRows = new short[5][TW];
        for (int i = 0; i < 5; i++) {
            for (int m = 0; m < TW; m++) {
                bitRows[i][m] = (short) ((m % ENTRIES) >>> i & 1);
            }
        }
        this.tables = new short[Math.toIntExact((long) groups * chunks * 3 * TW)];
        this.act = new Int8Activations(cols, g);
        this.as = new float[groups];
        this.isum = new int[blocks * R];
        this.facc = new float[blocks * R];
    }

    /** Bit planes per weight (6 for BITMOD4, 4 for BITMOD3). */
    public int planeCount() {
        return np;
    }

    public QuantizedTensor weights() {
        return w;
    }

    /**
     * {@link #weightBytes()} of a kernel over {@code [rows, cols]} BitMoD weights in groups of
     * {@code g}: rows padded to R, per row and group NP shorts per 15 inputs and a float scale.
     */
    public static long repackedBytes(PackedFormat f, long rows, long cols, int g) {
        long groups = (cols + g - 1) / g;
        long paddedRows = (rows + R - 1) / R * R;
        int np = f == PackedFormat.BITMOD4 ? 6 : 4;
        return paddedRows * groups * ((long) np * 2 * ((Int8Activations.paddedBlock(g) + 14) / 15) + 4);
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
        int quints = chunks * 3;
        for (int gi = 0; gi < groups; gi++) {
            as[gi] = a.scale(gi);
            int qb = gi * gp;
            int tb = gi * quints * TW;
            for (int qd = 0; qd < quints; qd++, tb += TW) {
                int e = 5 * qd; // inputs past gp (the last chunk's padding) are zero
                short x0 = e < gp ? q[qb + e] : 0;
                short x1 = e + 1 < gp ? q[qb + e + 1] : 0;
                short x2 = e + 2 < gp ? q[qb + e + 2] : 0;
                short x3 = e + 3 < gp ? q[qb + e + 3] : 0;
                short x4 = e + 4 < gp ? q[qb + e + 4] : 0;
                for (int o = 0; o < TW; o += R) {
                    ShortVector.fromArray(S, bitRows[0], o).mul(x0)
                            .add(ShortVector.fromArray(S, bitRows[1], o).mul(x1))
                            .add(ShortVector.fromArray(S, bitRows[2], o).mul(x2))
                            .add(ShortVector.fromArray(S, bitRows[3], o).mul(x3))
                            .add(ShortVector.fromArray(S, bitRows[4], o).mul(x4))
                            .intoArray(t, tb + o);
                }
            }
        }
    }

    /** Lookup of R lanes in the 32-entry table at {@code off} (TW shorts: 1, 2 or 4 vectors; indexes wrap at 32). */
    private ShortVector lookup(ShortVector idx, int off) {
        short[] t = tables;
        if (TW == R) {
            return idx.selectFrom(ShortVector.fromArray(S, t, off));
        } else if (TW == 2 * R) {
            return idx.selectFrom(ShortVector.fromArray(S, t, off), ShortVector.fromArray(S, t, off + R));
        }
        ShortVector lo = idx.selectFrom(ShortVector.fromArray(S, t, off), ShortVector.fromArray(S, t, off + R));
        ShortVector hi = idx.selectFrom(ShortVector.fromArray(S, t, off + 2 * R), ShortVector.fromArray(S, t, off + 3 * R));
        return lo.blend(hi, idx.and((short) (2 * R)).compare(VectorOperators.NE, 0));
    }

    /**
     * Row blocks {@code [b0, b1)}: per group an integer phase (plane sums, combined into the
     * int32 sums {@code isum}) and the reference's float epilogue on {@code facc}; both scratch
     * arrays are indexed by row (threads on disjoint blocks never share them), and the methods
     * stay small so every vector operation is intrinsified.
     */
    @Override
    public void rows(int b0, int b1) {
        java.util.Arrays.fill(facc, b0 * R, b1 * R, 0f);
        int rb = b0;
        if (TW == R) {
            for (; rb + 1 < b1; rb += 2) {
                for (int gi = 0; gi < groups; gi++) {
                    java.util.Arrays.fill(isum, rb * R, rb * R + 2 * R, 0);
                    for (int b = 0; b < np; b += 2) {
                        sumsPair(rb, gi, b);
                    }
                    scale(rb, gi, 2);
                }
            }
        }
        for (; rb < b1; rb++) {
            for (int gi = 0; gi < groups; gi++) {
                java.util.Arrays.fill(isum, rb * R, rb * R + R, 0);
                for (int b = 0; b < np; b++) {
                    sumsSingle(rb, gi, b);
                }
                scale(rb, gi, 1);
            }
        }
        int r1 = Math.min(rows, b1 * R);
        if (b0 * R < r1) {
            System.arraycopy(facc, b0 * R, y, b0 * R, r1 - b0 * R);
        }
    }

    /** acc = fma((float) S, ws·as, acc) per lane, for {@code n} blocks from {@code rb}. */
    private void scale(int rb, int gi, int n) {
        float asg = as[gi];
        for (int b = 0; b < n; b++) {
            int sb = ((rb + b) * groups + gi) * R;
            int rowBase = (rb + b) * R;
            for (int h = 0; h < R; h += FL) {
                FloatVector s = (FloatVector) IntVector.fromArray(I, isum, rowBase + h).convert(VectorOperators.I2F, 0);
                s.fma(FloatVector.fromArray(F, ws, sb + h).mul(asg), FloatVector.fromArray(F, facc, rowBase + h)).intoArray(facc, rowBase + h);
            }
        }
    }

    /** Plane b of group gi, one block, any species: isum += c_b·P_b. */
    private void sumsSingle(int rb, int gi, int b) {
        int base = (rb * groups + gi) * chunks * np * R;
        int tb = gi * chunks * 3 * TW;
        int rowBase = rb * R;
        int sign = b == np - 1 ? -1 : 1; // c_b = ±2^b: the top plane is the two's complement sign
        for (int c0 = 0; c0 < chunks; c0 += FLUSH) {
            ShortVector p = ShortVector.zero(S);
            int c1 = Math.min(chunks, c0 + FLUSH);
            for (int c = c0; c < c1; c++) {
                ShortVector v = ShortVector.fromArray(S, planes, base + (c * np + b) * R);
                int t = tb + 3 * c * TW;
                p = p.add(lookup(v, t).add(lookup(v.lanewise(VectorOperators.LSHR, 5), t + TW)))
                        .add(lookup(v.lanewise(VectorOperators.LSHR, 10), t + 2 * TW));
            }
            IntVector lo = ((IntVector) p.convertShape(VectorOperators.S2I, I, 0)).lanewise(VectorOperators.LSHL, b).mul(sign);
            IntVector hi = ((IntVector) p.convertShape(VectorOperators.S2I, I, 1)).lanewise(VectorOperators.LSHL, b).mul(sign);
            lo.add(IntVector.fromArray(I, isum, rowBase)).intoArray(isum, rowBase);
            hi.add(IntVector.fromArray(I, isum, rowBase + FL)).intoArray(isum, rowBase + FL);
        }
    }

    /**
     * Planes b and b+1 of group gi, 16-entry tables in one vector: blocks rb and rb+1, each table
     * load feeding both blocks and both planes (NP is even: 4 or 6).
     */
    private void sumsPair(int rb, int gi, int b) {
        short[] pl = planes;
        short[] t = tables;
        int blockStride = groups * chunks * np * R;
        int base = (rb * groups + gi) * chunks * np * R;
        int tb = gi * chunks * 3 * R;
        int rowBase = rb * R;
        for (int c0 = 0; c0 < chunks; c0 += FLUSH) {
            ShortVector pA = ShortVector.zero(S);
            ShortVector pB = ShortVector.zero(S);
            ShortVector qA = ShortVector.zero(S);
            ShortVector qB = ShortVector.zero(S);
            int c1 = Math.min(chunks, c0 + FLUSH);
            for (int c = c0; c < c1; c++) {
                int at = base + (c * np + b) * R;
                ShortVector va = ShortVector.fromArray(S, pl, at);
                ShortVector vb = ShortVector.fromArray(S, pl, at + blockStride);
                ShortVector wa = ShortVector.fromArray(S, pl, at + R);
                ShortVector wb = ShortVector.fromArray(S, pl, at + R + blockStride);
                int o = tb + 3 * c * R;
                ShortVector t0 = ShortVector.fromArray(S, t, o);
                ShortVector t1 = ShortVector.fromArray(S, t, o + R);
                ShortVector t2 = ShortVector.fromArray(S, t, o + 2 * R);
                pA = pA.add(va.selectFrom(t0).add(va.lanewise(VectorOperators.LSHR, 5).selectFrom(t1)))
                        .add(va.lanewise(VectorOperators.LSHR, 10).selectFrom(t2));
                pB = pB.add(vb.selectFrom(t0).add(vb.lanewise(VectorOperators.LSHR, 5).selectFrom(t1)))
                        .add(vb.lanewise(VectorOperators.LSHR, 10).selectFrom(t2));
                qA = qA.add(wa.selectFrom(t0).add(wa.lanewise(VectorOperators.LSHR, 5).selectFrom(t1)))
                        .add(wa.lanewise(VectorOperators.LSHR, 10).selectFrom(t2));
                qB = qB.add(wb.selectFrom(t0).add(wb.lanewise(VectorOperators.LSHR, 5).selectFrom(t1)))
                        .add(wb.lanewise(VectorOperators.LSHR, 10).selectFrom(t2));
            }
            // c_b·P_b + c_{b+1}·P_{b+1} in int32: P_b << b, and the top plane (b + 1 = NP − 1) negated
            int sq = b + 1 == np - 1 ? -1 : 1;
            for (int h = 0; h < 2; h++) {
                IntVector a = ((IntVector) pA.convertShape(VectorOperators.S2I, I, h)).lanewise(VectorOperators.LSHL, b)
                        .add(((IntVector) qA.convertShape(VectorOperators.S2I, I, h)).lanewise(VectorOperators.LSHL, b + 1).mul(sq));
                IntVector d = ((IntVector) pB.convertShape(VectorOperators.S2I, I, h)).lanewise(VectorOperators.LSHL, b)
                        .add(((IntVector) qB.convertShape(VectorOperators.S2I, I, h)).lanewise(VectorOperators.LSHL, b + 1).mul(sq));
                a.add(IntVector.fromArray(I, isum, rowBase + h * FL)).intoArray(isum, rowBase + h * FL);
                d.add(IntVector.fromArray(I, isum, rowBase + R + h * FL)).intoArray(isum, rowBase + R + h * FL);
            }
        }
    }
}
