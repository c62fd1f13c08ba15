package dev.lowbit.kernels.gemv;

import dev.lowbit.kernels.VectorShapes;
import dev.lowbit.kernels.parallel.RowPool;
import dev.lowbit.packing.Shapes;
import dev.lowbit.packing.bitmod.BitModCodec;
import dev.lowbit.packing.bitmod.BitModType;
import dev.lowbit.packing.format.GroupCodec;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Bit-plane GEMV for BitMoD weights: y = Σ_g scale_g · Σ_b c_b · Σ_{i: bit b of u_i set} x_i,
 * where u_i is weight i's integer value (in units of its group scale) in NP-bit two's complement
 * (NP = 6 for BITMOD4, values in [−16, 16]; NP = 4 for BITMOD3, values in [−6, 6]) and
 * c_b = 2^b, except c_{NP−1} = −2^(NP−1) (the sign plane). Signs need no separate pass.
 *
 * <h2>Method (T-MAC style)</h2>
 * For every quad of 4 consecutive inputs the kernel builds, once per call, the 16 subset sums
 * T_q[m] = Σ_{i: bit i of m} x_{4q+i}. A plane's 4 bits of one row over a quad then select one
 * entry: Σ over set bits = T_q[nibble]. Rows run in lanes: L rows (one vector) share each table,
 * looked up with one lane permute ({@code selectFrom} → {@code vpermd}), and accumulate per plane
 * in float; each group is rescaled once per row with a vector of the L rows' scales. Planes are
 * summed one after another (a small loop body that inlines; the group's 2 KiB of tables stay in
 * L1), and on 16-lane species two row blocks run together so each table load serves both.
 *
 * <h2>Layout of the planes (built from a packed BITMOD tensor, off-heap)</h2>
 * Rows are padded with zero planes to a multiple of L, inputs to whole groups of G. Bytes are
 * ordered {@code [row block][group][quad pair][plane][lane]}: byte
 * {@code ((((rb·groups + g)·G/8 + p)·NP + b)·L + l)} holds, for row {@code rb·L + l}, plane b of
 * quads {@code 2p} (bits 0–3, bit i = input {@code 8p + i} of the group) and {@code 2p + 1}
 * (bits 4–7). Scales are a float array {@code [row block][group][lane]}.
 *
 * <p>Error: the two's complement sign plane makes the per-plane sums larger than the result
 * (u = −1 is 1+2+4+8+16−32), so the float error is bounded by (cols + 64)·2^−23 ·
 * Σ_i scale_i·(2^NP − 1)·|x_i| rather than by Σ|w_i·x_i|; the properties hold it to that.
 * Allocation-free per call; not thread-safe (rows split over a {@link RowPool} inside a call).
 */
public final class BitPlaneGemv implements Gemv, RowPool.RowTask {
    private static final VectorSpecies<Float> F = VectorShapes.F;
    private static final VectorSpecies<Integer> I = VectorShapes.I;
    private static final int L = F.length();
    private static final int P = Math.max(L, 8);
    private static final VectorSpecies<Byte> BP = VectorSpecies.of(byte.class, VectorShape.forBitSize(P * 8));

    private final int rows;
    private final int cols;
    private final int g;
    private final int groups;
    private final int blocks;
    private final int np;
    private final float[] planeWeight;
    private final MemorySegment planes;
    private final float[] scales;
    private final int[] tables;
    private final float[] xp;
    private float[] y;

    /** Builds the planes of {@code w} (BITMOD3 or BITMOD4, groups along cols, G a multiple of 8) in {@code arena}. */
    public BitPlaneGemv(QuantizedTensor w, Arena arena) {
        GemvReference.checkWeights(w);
        PackedFormat f = w.format();
        if (f != PackedFormat.BITMOD3 && f != PackedFormat.BITMOD4) {
            throw new IllegalArgumentException("bit-plane GEMV: expected BITMOD3 or BITMOD4 weights, found " + f);
        }
        if (w.groupSize() % 8 != 0) {
            throw new IllegalArgumentException("bit-plane GEMV: expected a group size that is a multiple of 8, found " + w.groupSize());
        }
        BitModCodec codec = (BitModCodec) f.codec();
        this.rows = Math.toIntExact(w.rows());
        this.cols = Math.toIntExact(w.cols());
        this.g = w.groupSize();
        this.groups = (cols + g - 1) / g;
        this.blocks = (rows + L - 1) / L;
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
            throw new IllegalStateException("bit-plane GEMV handles 4 or 6 planes, the datatypes need " + n);
        }
        this.np = n;
        this.planeWeight = new float[np];
        for (int b = 0; b < np; b++) {
            planeWeight[b] = b == np - 1 ? -(1 << b) : (1 << b);
        }
        long bytes = Shapes.byteCount(Shapes.elementCount((long) blocks * groups, (long) g / 8 * np), L);
        this.planes = arena.allocate(bytes + P, 64); // + P: a narrow species loads P >= L bytes
        this.scales = new float[Math.toIntExact((long) blocks * groups * L)];
        GroupCodec gc = codec;
        for (int r = 0; r < rows; r++) {
            int rb = r / L;
            int l = r % L;
            for (int gi = 0; gi < groups; gi++) {
                long k = (long) r * groups + gi;
                long mo = k * gc.metaBytes();
                long co = k * gc.codeBytes(g);
                BitModType t = codec.type(BitModCodec.typeId(w.meta(), mo));
                scales[(rb * groups + gi) * L + l] = BitModCodec.scale(w.meta(), mo);
                int len = w.blockLength(k);
                for (int i = 0; i < len; i++) {
                    int u = t.value(codec.code(w.codes(), co, i)) & ((1 << np) - 1);
                    int pair = i / 8;
                    int bit = (i % 8 < 4 ? 0 : 4) + i % 4;
                    for (int b = 0; b < np; b++) {
                        if ((u >>> b & 1) != 0) {
                            long at = ((((long) rb * groups + gi) * (g / 8) + pair) * np + b) * L + l;
                            planes.set(ValueLayout.JAVA_BYTE, at, (byte) (planes.get(ValueLayout.JAVA_BYTE, at) | (1 << bit)));
                        }
                    }
                }
            }
        }
        this.tables = new int[Math.toIntExact((long) groups * g / 4 * 16)];
        this.xp = new float[groups * g];
    }

    /** Bit planes per weight (6 for BITMOD4, 4 for BITMOD3). */
    public int planeCount() {
        return np;
    }

    /** Bytes of planes and scales one multiply reads. */
    public long weightBytes() {
        return planes.byteSize() + 4L * scales.length;
    }

    /** y = W·x on the calling thread. */
    public void multiply(float[] x, float[] y) {
        prepare(x, y);
        rows(0, blocks);
    }

    /** y = W·x with row blocks split over {@code pool}; the result does not depend on the pool size. */
    public void multiply(float[] x, float[] y, RowPool pool) {
        pool.checkAccessible(planes, "weights");
        prepare(x, y);
        pool.run(blocks, 1, this);
    }

    private void prepare(float[] x, float[] y) {
        if (x.length != cols || y.length != rows) {
            throw new IllegalArgumentException("gemv: expected x of length " + cols + " and y of length " + rows
                    + ", found " + x.length + " and " + y.length);
        }
        this.y = y;
        System.arraycopy(x, 0, xp, 0, cols);
        java.util.Arrays.fill(xp, cols, xp.length, 0f);
        // subset sums of every quad: T[m] = T[m without its lowest bit] + x[lowest bit]
        for (int q = 0; q < xp.length / 4; q++) {
            int base = q * 16;
            tables[base] = 0; // +0.0f
            for (int m = 1; m < 16; m++) {
                int low = Integer.numberOfTrailingZeros(m);
                tables[base + m] = Float.floatToRawIntBits(Float.intBitsToFloat(tables[base + (m & (m - 1))]) + xp[4 * q + low]);
            }
        }
    }

    private IntVector lookup(IntVector idx, int off) {
        return TableLookup.lookup16(idx, tables, off);
    }

    /** Σ over set bits of one plane of quads 2p and 2p+1 for L rows: two table lookups. */
    private FloatVector planeSum(long off, int tq) {
        ByteVector bv = ByteVector.fromMemorySegment(BP, planes, off, ByteOrder.LITTLE_ENDIAN);
        IntVector v = (IntVector) bv.convertShape(VectorOperators.B2I, I, 0);
        return lookup(v.and(15), tq).reinterpretAsFloats()
                .add(lookup(v.lanewise(VectorOperators.ASHR, 4).and(15), tq + 16).reinterpretAsFloats());
    }

    /** Row blocks {@code [b0, b1)}. */
    @Override
    public void rows(int b0, int b1) {
        int rb = b0;
        if (L >= 16) {
            for (; rb + 1 < b1; rb += 2) {
                blockPair16(rb);
            }
        }
        blocks(rb, b1);
    }

    /** 16-lane fast path: row blocks rb and rb+1 together, each table load serving both. */
    private void blockPair16(int rb) {
        float[] c = planeWeight;
        int[] t = tables;
        FloatVector outA = FloatVector.zero(F);
        FloatVector outB = FloatVector.zero(F);
        long blockStride = (long) groups * (g / 8) * np * L;
        for (int gi = 0; gi < groups; gi++) {
            long baseA = (((long) rb * groups + gi) * (g / 8)) * np * L;
            int tq0 = gi * g / 4 * 16;
            FloatVector sumA = FloatVector.zero(F);
            FloatVector sumB = FloatVector.zero(F);
            for (int b = 0; b < np; b++) {
                FloatVector accA = FloatVector.zero(F);
                FloatVector accB = FloatVector.zero(F);
                long off = baseA + (long) b * L;
                for (int pair = 0, tq = tq0; pair < g / 8; pair++, off += (long) np * L, tq += 32) {
                    IntVector tLo = IntVector.fromArray(I, t, tq);
                    IntVector tHi = IntVector.fromArray(I, t, tq + 16);
                    IntVector va = (IntVector) ByteVector.fromMemorySegment(BP, planes, off, ByteOrder.LITTLE_ENDIAN)
                            .convertShape(VectorOperators.B2I, I, 0);
                    IntVector vb = (IntVector) ByteVector.fromMemorySegment(BP, planes, off + blockStride, ByteOrder.LITTLE_ENDIAN)
                            .convertShape(VectorOperators.B2I, I, 0);
                    // same operation order as planeSum, so a block's result never depends on its pairing
                    accA = accA.add(va.selectFrom(tLo).reinterpretAsFloats()
                            .add(va.lanewise(VectorOperators.ASHR, 4).selectFrom(tHi).reinterpretAsFloats()));
                    accB = accB.add(vb.selectFrom(tLo).reinterpretAsFloats()
                            .add(vb.lanewise(VectorOperators.ASHR, 4).selectFrom(tHi).reinterpretAsFloats()));
                }
                sumA = accA.mul(c[b]).add(sumA);
                sumB = accB.mul(c[b]).add(sumB);
            }
            outA = sumA.fma(FloatVector.fromArray(F, scales, (rb * groups + gi) * L), outA);
            outB = sumB.fma(FloatVector.fromArray(F, scales, ((rb + 1) * groups + gi) * L), outB);
        }
        store(outA, rb);
        store(outB, rb + 1);
    }

    private void store(FloatVector out, int rb) {
        int r0 = rb * L;
        if (r0 + L <= rows) {
            out.intoArray(y, r0);
        } else {
            for (int l = 0; r0 + l < rows; l++) {
                y[r0 + l] = out.lane(l);
            }
        }
    }

    private void blocks(int b0, int b1) {
        float[] c = planeWeight;
        for (int rb = b0; rb < b1; rb++) {
            FloatVector out = FloatVector.zero(F);
            for (int gi = 0; gi < groups; gi++) {
                long base = (((long) rb * groups + gi) * (g / 8)) * np * L;
                int tq0 = gi * g / 4 * 16;
                FloatVector sum = FloatVector.zero(F);
                // plane by plane: a small loop body that inlines (one accumulator, the group's
                // tables stay in L1 across planes)
                for (int b = 0; b < np; b++) {
                    FloatVector acc = FloatVector.zero(F);
                    long off = base + (long) b * L;
                    for (int pair = 0, tq = tq0; pair < g / 8; pair++, off += (long) np * L, tq += 32) {
                        acc = acc.add(planeSum(off, tq));
                    }
                    sum = acc.mul(c[b]).add(sum);
                }
                out = sum.fma(FloatVector.fromArray(F, scales, (rb * groups + gi) * L), out);
            }
            store(out, rb);
        }
    }
}
