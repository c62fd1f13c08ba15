package dev.lowbit.kernels.gemv;

import dev.lowbit.kernels.VectorShapes;
import dev.lowbit.kernels.parallel.RowPool;
import dev.lowbit.packing.bitmod.BitModCodec;
import dev.lowbit.packing.bitmod.BitModType;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
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
 * SIMD table-lookup GEMV y = W·x straight from packed weights ({@code BITMOD3}, {@code BITMOD4},
 * {@code TERNARY2}, {@code TERNARY_B3}, {@code INT2}; groups along the input dimension).
 *
 * <h2>Method</h2>
 * Codes are widened from bytes to int lanes and mapped to their unscaled float value with a
 * 16-entry table of float bit patterns held in one int vector ({@code selectFrom} → {@code vpermd};
 * two or four vectors with blends on narrower species): the group's datatype for BitMoD,
 * {0, +1, −1, 0} for TERNARY2, q itself for INT2. Each group is accumulated unscaled in float lanes and scaled
 * once: y += scale·Σ u·x (+ min·Σx for INT2, Σx per group computed once per call).
 *
 * <p>Activations are copied once per call into a scratch vector x' padded with zeros to whole
 * groups (so short last groups need no special case: their padding codes are 0 and meet x' = 0)
 * and permuted into the order in which the kernel meets the codes:
 * <ul>
 *   <li>TERNARY2, INT2 (four codes a byte): within each block of 4·P elements (P = bytes per
 *       load), x'[4j + k·P + l] = x[4(j + l) + k] for byte j of the block, lane l, bit pair k;</li>
 *   <li>TERNARY_B3 (five digits a byte): per group and load of P bytes, x'[d·P + l] =
 *       x[5(j + l) + d];</li>
 *   <li>BITMOD4: a unit's 64 code bytes load as int lanes of 4 bytes, and nibble k of lane l
 *       (one shift, the permute ignores the upper bits) is element (k &amp; 1)·64 + 4l + (k &gt;&gt; 1),
 *       so x'[(h·8 + k)·L + l] holds that element (h = the load within the unit);</li>
 *   <li>BITMOD3 already puts consecutive elements in lanes: x' = x.</li>
 * </ul>
 * On 16-lane species BITMOD4 runs two rows per pass (each activation load feeds both, each
 * group's tables stay in registers), which with the int-lane decode is what makes it ≥ 4× the
 * FP32 GEMV.
 *
 * <p>A kernel instance holds that scratch: it is allocation-free per call but not thread-safe
 * (rows are split over a {@link RowPool} inside one call; the weights must then live in a shared,
 * global or automatic arena, not a confined one). Formats or group sizes without a SIMD
 * path ({@link #hasSimdPath}) use the scalar reference.
 */
public final class LowBitGemv implements Gemv, RowPool.RowTask {
    private static final VectorSpecies<Float> F = VectorShapes.F;
    private static final VectorSpecies<Integer> I = VectorShapes.I;
    private static final int L = F.length();
    /** Bytes per code load: L, but at least 8 (the narrowest byte vector is 64-bit). */
    private static final int P = Math.max(L, 8);
    private static final VectorSpecies<Byte> BP = VectorSpecies.of(byte.class, VectorShape.forBitSize(P * 8));
    private static final int PARTS = P / L;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /**
     * Unscaled value tables as float bit patterns (so a lane permute yields floats, no
     * conversion), 16 entries each: BITMOD3 ids 0..3, BITMOD4 ids 0..3, TERNARY2, INT2.
     */
    private static final int[] TABLES = buildTables();
    private static final int T3 = 0;
    private static final int T4 = 4 * 16;
    private static final int TT = 8 * 16;
    private static final int TI = 9 * 16;
    private static final int TB = 10 * 16;

    private final QuantizedTensor w;
    private final PackedFormat format;
    private final MemorySegment codes;
    private final MemorySegment meta;
    private final int rows;
    private final int cols;
    private final int g;
    private final int groupsPerRow;
    private final int codeBytes;
    private final boolean simd;
    private final float[] xp;
    private final float[] xsum;
    /** TERNARY_B3: code loads of P bytes per group. */
    private final int b3Chunks;
    private float[] y;

    /** A kernel over {@code w}, which must be grouped along cols ({@code GroupAxis.TOKEN}). */
    public LowBitGemv(QuantizedTensor w) {
        GemvReference.checkWeights(w);
        this.w = w;
        this.format = w.format();
        this.codes = w.codes();
        this.meta = w.meta();
        this.rows = Math.toIntExact(w.rows());
        this.cols = Math.toIntExact(w.cols());
        this.g = w.groupSize();
        this.groupsPerRow = (cols + g - 1) / g;
        this.codeBytes = format.codec().codeBytes(g);
        this.simd = hasSimdPath(format, g);
        this.b3Chunks = (codeBytes + P - 1) / P;
        this.xp = new float[Math.toIntExact(format == PackedFormat.TERNARY_B3 ? (long) groupsPerRow * b3Chunks * 5 * P : (long) groupsPerRow * g)];
        this.xsum = new float[groupsPerRow];
    }

    /** True when {@code format} at group size {@code g} has a SIMD path on this species. */
    public static boolean hasSimdPath(PackedFormat format, int g) {
        return switch (format) {
            case BITMOD3, BITMOD4 -> g % BitModCodec.UNIT == 0;
            case TERNARY2, INT2 -> g % (4 * P) == 0;
            case TERNARY_B3 -> true;
            default -> false;
        };
    }

    public QuantizedTensor weights() {
        return w;
    }

    /** Bytes of packed weights (codes + metadata) one multiply reads. */
    public long weightBytes() {
        return w.payloadBytes() + w.metadataBytes();
    }

    /** y = W·x on the calling thread. */
    public void multiply(float[] x, float[] y) {
        prepare(x, y);
        if (simd) {
            rows(0, rows);
        } else {
            GemvReference.gemv(w, x, y);
        }
    }

    /** y = W·x with rows split over {@code pool}; the result does not depend on the pool size. */
    public void multiply(float[] x, float[] y, RowPool pool) {
        pool.checkAccessible(codes, "weights");
        pool.checkAccessible(meta, "weights");
        prepare(x, y);
        if (simd) {
            pool.run(rows, 4, this);
        } else {
            GemvReference.gemv(w, x, y);
        }
    }

    private void prepare(float[] x, float[] y) {
        GemvReference.checkShapes(w, x, y);
        this.y = y;
        if (!simd) {
            return;
        }
        java.util.Arrays.fill(xp, cols, xp.length, 0f);
        if (format == PackedFormat.TERNARY2 || format == PackedFormat.INT2) {
            // code order: block of 4P elements, x'[4j + kP + l] = x[4(j + l) + k]
            for (int b0 = 0; b0 < xp.length; b0 += 4 * P) {
                for (int j = 0; j < P; j++) {
                    for (int k = 0; k < 4; k++) {
                        int e = b0 + 4 * j + k;
                        xp[b0 + k * P + j] = e < cols ? x[e] : 0f;
                    }
                }
            }
            for (int gi = 0; gi < groupsPerRow; gi++) {
                float s = 0;
                for (int i = gi * g; i < Math.min(cols, gi * g + g); i++) {
                    s += x[i];
                }
                xsum[gi] = s;
            }
        } else if (format == PackedFormat.TERNARY_B3) {
            // per group and chunk of P code bytes: x'[d·P + l] = x[5(chunk·P + l) + d], zero past the group
            for (int gi = 0; gi < groupsPerRow; gi++) {
                for (int c = 0; c < b3Chunks; c++) {
                    for (int d = 0; d < 5; d++) {
                        for (int l = 0; l < P; l++) {
                            int local = 5 * (c * P + l) + d;
                            long e = (long) gi * g + local;
                            xp[((gi * b3Chunks + c) * 5 + d) * P + l] = local < g && e < cols ? x[(int) e] : 0f;
                        }
                    }
                }
            }
        } else if (format == PackedFormat.BITMOD4) {
            // int-lane order: per 128-unit and per h (4L code bytes), block k (0..7) of L lanes
            // holds x[unit + (k & 1)·64 + 4L·h + 4l + (k >> 1)] (nibble k of lane l's int)
            for (int u0 = 0; u0 < xp.length; u0 += 128) {
                for (int h = 0; h < 64 / (4 * L); h++) {
                    for (int k = 0; k < 8; k++) {
                        for (int l = 0; l < L; l++) {
                            int e = u0 + (k & 1) * 64 + 4 * L * h + 4 * l + (k >> 1);
                            xp[u0 + (h * 8 + k) * L + l] = e < cols ? x[e] : 0f;
                        }
                    }
                }
            }
        } else {
            System.arraycopy(x, 0, xp, 0, cols);
        }
    }

    @Override
    public void rows(int r0, int r1) {
        switch (format) {
            case BITMOD4 -> bitmod4(r0, r1);
            case BITMOD3 -> bitmod3(r0, r1);
            case TERNARY2 -> twoBit(r0, r1, true);
            case INT2 -> twoBit(r0, r1, false);
            case TERNARY_B3 -> ternaryB3(r0, r1);
            default -> throw new IllegalStateException("no SIMD path for " + format);
        }
    }

    private static IntVector lookup(IntVector idx, int off) {
        return TableLookup.lookup16(idx, TABLES, off);
    }

    /**
     * Part {@code part} (0 or 1) of {@code b} widened to int lanes. The part reaches
     * {@code convertShape} as a constant: with a loop variable there, C2 compiles the shared
     * part != 0 branches whenever any other code in the JVM took them (the profile is the JDK
     * method's, not this call site's), and the bigger kernel boxed its vectors (BITMOD3 ran 20×
     * slower in the demo's JVM than in a JMH fork).
     */
    private static IntVector widen(ByteVector b, int part) {
        return part == 0
                ? (IntVector) b.convertShape(VectorOperators.B2I, I, 0)
                : (IntVector) b.convertShape(VectorOperators.B2I, I, 1);
    }

    private void bitmod4(int r0, int r1) {
        int r = r0;
        if (L >= 16) {
            for (; r + 1 < r1; r += 2) {
                bitmod4Pair16(r);
            }
        }
        for (; r < r1; r++) {
            bitmod4Row(r);
        }
    }

    /**
     * 16-lane fast path, rows r and r+1 together. A unit's 64 code bytes load as 16 int lanes
     * (lane l = bytes 4l..4l+3); nibble k of every lane (a shift by 4k) indexes the table
     * directly (the permute ignores the upper bits), against x' in matching order. Each group's
     * tables sit in registers and each activation load feeds both rows.
     */
    private void bitmod4Pair16(int r) {
        float[] xp = this.xp;
        FloatVector accA = FloatVector.zero(F);
        FloatVector accB = FloatVector.zero(F);
        long ka = (long) r * groupsPerRow;
        long kb = ka + groupsPerRow;
        for (int gi = 0; gi < groupsPerRow; gi++, ka++, kb++) {
            int ma = meta.get(U16, ka * 2);
            int mb = meta.get(U16, kb * 2);
            IntVector tA = IntVector.fromArray(I, TABLES, T4 + ((ma >>> 14) & 3) * 16);
            IntVector tB = IntVector.fromArray(I, TABLES, T4 + ((mb >>> 14) & 3) * 16);
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector b0 = FloatVector.zero(F);
            FloatVector b1 = FloatVector.zero(F);
            long ca = ka * codeBytes;
            long cb = kb * codeBytes;
            for (int u = 0, xb = gi * g; u < g; u += 128, ca += 64, cb += 64, xb += 128) {
                IntVector va = IntVector.fromMemorySegment(I, codes, ca, ByteOrder.LITTLE_ENDIAN);
                IntVector vb = IntVector.fromMemorySegment(I, codes, cb, ByteOrder.LITTLE_ENDIAN);
                for (int k = 0; k < 8; k += 2) {
                    FloatVector x0 = FloatVector.fromArray(F, xp, xb + k * 16);
                    FloatVector x1 = FloatVector.fromArray(F, xp, xb + k * 16 + 16);
                    a0 = va.lanewise(VectorOperators.LSHR, 4 * k).selectFrom(tA).reinterpretAsFloats().fma(x0, a0);
                    b0 = vb.lanewise(VectorOperators.LSHR, 4 * k).selectFrom(tB).reinterpretAsFloats().fma(x0, b0);
                    a1 = va.lanewise(VectorOperators.LSHR, 4 * k + 4).selectFrom(tA).reinterpretAsFloats().fma(x1, a1);
                    b1 = vb.lanewise(VectorOperators.LSHR, 4 * k + 4).selectFrom(tB).reinterpretAsFloats().fma(x1, b1);
                }
            }
            accA = a0.add(a1).fma(FloatVector.broadcast(F, Float.float16ToFloat((short) ((ma & 0x3FFF) << 1))), accA);
            accB = b0.add(b1).fma(FloatVector.broadcast(F, Float.float16ToFloat((short) ((mb & 0x3FFF) << 1))), accB);
        }
        y[r] = accA.reduceLanes(VectorOperators.ADD);
        y[r + 1] = accB.reduceLanes(VectorOperators.ADD);
    }

    /** One row, any species: int lanes of 4 code bytes, nibble k against x' (see {@link #prepare}). */
    private void bitmod4Row(int r) {
        float[] xp = this.xp;
        FloatVector acc = FloatVector.zero(F);
        long k0 = (long) r * groupsPerRow;
        for (int gi = 0; gi < groupsPerRow; gi++) {
            long kk = k0 + gi;
            int m = meta.get(U16, kk * 2);
            int tab = T4 + ((m >>> 14) & 3) * 16;
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            long cbase = kk * codeBytes;
            int xb = gi * g;
            for (int h = 0; h < g / (8 * L); h++, cbase += 4L * L) {
                // unit-relative order: h covers 4L code bytes; x' holds 8 blocks of L per h
                IntVector v = IntVector.fromMemorySegment(I, codes, cbase, ByteOrder.LITTLE_ENDIAN);
                for (int k = 0; k < 8; k += 2, xb += 2 * L) {
                    a0 = lookup(v.lanewise(VectorOperators.LSHR, 4 * k), tab).reinterpretAsFloats()
                            .fma(FloatVector.fromArray(F, xp, xb), a0);
                    a1 = lookup(v.lanewise(VectorOperators.LSHR, 4 * k + 4), tab).reinterpretAsFloats()
                            .fma(FloatVector.fromArray(F, xp, xb + L), a1);
                }
            }
            acc = a0.add(a1).fma(FloatVector.broadcast(F, Float.float16ToFloat((short) ((m & 0x3FFF) << 1))), acc);
        }
        y[r] = acc.reduceLanes(VectorOperators.ADD);
    }

    private void bitmod3(int r0, int r1) {
        float[] xp = this.xp;
        for (int r = r0; r < r1; r++) {
            FloatVector acc = FloatVector.zero(F);
            long k = (long) r * groupsPerRow;
            for (int gi = 0; gi < groupsPerRow; gi++, k++) {
                int m = meta.get(U16, k * 2);
                int tab = T3 + ((m >>> 14) & 3) * 16;
                float scale = Float.float16ToFloat((short) ((m & 0x3FFF) << 1));
                FloatVector a0 = FloatVector.zero(F);
                FloatVector a1 = FloatVector.zero(F);
                long cbase = k * codeBytes;
                int xbase = gi * g;
                for (int u = 0; u < g; u += 128, cbase += 48, xbase += 128) {
                    for (int j = 0; j < 32; j += P) {
                        ByteVector b2 = ByteVector.fromMemorySegment(BP, codes, cbase + j, ByteOrder.LITTLE_ENDIAN);
                        ByteVector bh = ByteVector.fromMemorySegment(BP, codes, cbase + 32 + (j & 15), ByteOrder.LITTLE_ENDIAN);
                        for (int p = 0; p < PARTS; p++) {
                            IntVector v2 = widen(b2, p);
                            IntVector vh = widen(bh, p).lanewise(VectorOperators.LSHL, 2 - (j >>> 4));
                            // element j + pL + l + 32k: low bits at 2k of v2, sign bit at (j/16 + 2k) of vh
                            for (int kk = 0; kk < 4; kk++) {
                                // bits 0-1 from the 2-bit plane, bit 2 from the sign plane (one vpternlog);
                                // higher bits are garbage: the table repeats every 8 entries
                                IntVector idx = v2.lanewise(VectorOperators.ASHR, 2 * kk)
                                        .lanewise(VectorOperators.BITWISE_BLEND, vh.lanewise(VectorOperators.ASHR, 2 * kk), IntVector.broadcast(I, 4));
                                FloatVector wv = lookup(idx, tab).reinterpretAsFloats();
                                FloatVector xv = FloatVector.fromArray(F, xp, xbase + 32 * kk + j + p * L);
                                if ((kk & 1) == 0) {
                                    a0 = wv.fma(xv, a0);
                                } else {
                                    a1 = wv.fma(xv, a1);
                                }
                            }
                        }
                    }
                }
                acc = a0.add(a1).fma(FloatVector.broadcast(F, scale), acc);
            }
            y[r] = acc.reduceLanes(VectorOperators.ADD);
        }
    }

    private void twoBit(int r0, int r1, boolean ternary) {
        int r = r0;
        if (L >= 16) {
            for (; r + 1 < r1; r += 2) {
                twoBitPair16(r, ternary);
            }
        }
        twoBitRows(r, r1, ternary);
    }

    /**
     * 16-lane fast path, rows r and r+1 together: the table sits in a register and each
     * activation load feeds both rows. Per row, the same operations in the same order as
     * {@link #twoBitRows}, so the result never depends on the pairing.
     */
    private void twoBitPair16(int r, boolean ternary) {
        float[] xp = this.xp;
        IntVector t = IntVector.fromArray(I, TABLES, ternary ? TT : TI);
        FloatVector accA = FloatVector.zero(F);
        FloatVector accB = FloatVector.zero(F);
        float offA = 0;
        float offB = 0;
        long ka = (long) r * groupsPerRow;
        long kb = ka + groupsPerRow;
        for (int gi = 0; gi < groupsPerRow; gi++, ka++, kb++) {
            float sa;
            float sb;
            if (ternary) {
                sa = Float.float16ToFloat(meta.get(U16, ka * 2));
                sb = Float.float16ToFloat(meta.get(U16, kb * 2));
            } else {
                sa = Float.float16ToFloat(meta.get(U16, ka * 4));
                sb = Float.float16ToFloat(meta.get(U16, kb * 4));
                offA += Float.float16ToFloat(meta.get(U16, ka * 4 + 2)) * xsum[gi];
                offB += Float.float16ToFloat(meta.get(U16, kb * 4 + 2)) * xsum[gi];
            }
            FloatVector a0 = FloatVector.zero(F);
            FloatVector a1 = FloatVector.zero(F);
            FloatVector b0 = FloatVector.zero(F);
            FloatVector b1 = FloatVector.zero(F);
            long ca = ka * codeBytes;
            long cb = kb * codeBytes;
            for (int j = 0; j < codeBytes; j += 16) {
                IntVector va = widen(ByteVector.fromMemorySegment(BP, codes, ca + j, ByteOrder.LITTLE_ENDIAN), 0);
                IntVector vb = widen(ByteVector.fromMemorySegment(BP, codes, cb + j, ByteOrder.LITTLE_ENDIAN), 0);
                int xb = gi * g + 4 * j;
                for (int kk = 0; kk < 4; kk++) {
                    FloatVector xv = FloatVector.fromArray(F, xp, xb + kk * 16);
                    FloatVector wa = va.lanewise(VectorOperators.ASHR, 2 * kk).selectFrom(t).reinterpretAsFloats();
                    FloatVector wb = vb.lanewise(VectorOperators.ASHR, 2 * kk).selectFrom(t).reinterpretAsFloats();
                    if ((kk & 1) == 0) {
                        a0 = wa.fma(xv, a0);
                        b0 = wb.fma(xv, b0);
                    } else {
                        a1 = wa.fma(xv, a1);
                        b1 = wb.fma(xv, b1);
                    }
                }
            }
            accA = a0.add(a1).fma(FloatVector.broadcast(F, sa), accA);
            accB = b0.add(b1).fma(FloatVector.broadcast(F, sb), accB);
        }
        y[r] = accA.reduceLanes(VectorOperators.ADD) + offA;
        y[r + 1] = accB.reduceLanes(VectorOperators.ADD) + offB;
    }

    private void twoBitRows(int r0, int r1, boolean ternary) {
        float[] xp = this.xp;
        for (int r = r0; r < r1; r++) {
            FloatVector acc = FloatVector.zero(F);
            float off = 0;
            long k = (long) r * groupsPerRow;
            for (int gi = 0; gi < groupsPerRow; gi++, k++) {
                float scale;
                if (ternary) {
                    scale = Float.float16ToFloat(meta.get(U16, k * 2));
                } else {
                    scale = Float.float16ToFloat(meta.get(U16, k * 4));
                    off += Float.float16ToFloat(meta.get(U16, k * 4 + 2)) * xsum[gi];
                }
                FloatVector a0 = FloatVector.zero(F);
                FloatVector a1 = FloatVector.zero(F);
                long cbase = k * codeBytes;
                for (int j = 0; j < codeBytes; j += P) {
                    ByteVector b = ByteVector.fromMemorySegment(BP, codes, cbase + j, ByteOrder.LITTLE_ENDIAN);
                    int xb = gi * g + 4 * j;
                    for (int p = 0; p < PARTS; p++) {
                        IntVector v = widen(b, p);
                        for (int kk = 0; kk < 4; kk++) {
                            IntVector q = v.lanewise(VectorOperators.ASHR, 2 * kk); // tables repeat every 4 entries
                            FloatVector wv = lookup(q, ternary ? TT : TI).reinterpretAsFloats();
                            FloatVector xv = FloatVector.fromArray(F, xp, xb + kk * P + p * L);
                            if ((kk & 1) == 0) {
                                a0 = wv.fma(xv, a0);
                            } else {
                                a1 = wv.fma(xv, a1);
                            }
                        }
                    }
                }
                acc = a0.add(a1).fma(FloatVector.broadcast(F, scale), acc);
            }
            y[r] = acc.reduceLanes(VectorOperators.ADD) + off;
        }
    }

    /**
     * TERNARY_B3: five base-3 digits a byte. Digits come out with exact integer arithmetic
     * (v / 3 = (v·171) >>> 9 for v < 256) and map to trits with a table; the last load of a
     * group is masked so it never reads past the group's bytes.
     */
    private void ternaryB3(int r0, int r1) {
        float[] xp = this.xp;
        for (int r = r0; r < r1; r++) {
            FloatVector acc = FloatVector.zero(F);
            long k = (long) r * groupsPerRow;
            for (int gi = 0; gi < groupsPerRow; gi++, k++) {
                float scale = Float.float16ToFloat(meta.get(U16, k * 2));
                FloatVector a0 = FloatVector.zero(F);
                FloatVector a1 = FloatVector.zero(F);
                long cbase = k * codeBytes;
                for (int c = 0; c < b3Chunks; c++) {
                    int j = c * P;
                    ByteVector b = j + P <= codeBytes
                            ? ByteVector.fromMemorySegment(BP, codes, cbase + j, ByteOrder.LITTLE_ENDIAN)
                            : ByteVector.fromMemorySegment(BP, codes, cbase + j, ByteOrder.LITTLE_ENDIAN, BP.indexInRange(j, codeBytes));
                    int xb = (gi * b3Chunks + c) * 5 * P;
                    for (int p = 0; p < PARTS; p++) {
                        IntVector v = widen(b, p).and(0xFF);
                        for (int d = 0; d < 5; d++) {
                            IntVector q = v.mul(171).lanewise(VectorOperators.LSHR, 9);
                            IntVector digit = v.sub(q.mul(3));
                            FloatVector wv = lookup(digit, TB).reinterpretAsFloats();
                            FloatVector xv = FloatVector.fromArray(F, xp, xb + d * P + p * L);
                            if ((d & 1) == 0) {
                                a0 = wv.fma(xv, a0);
                            } else {
                                a1 = wv.fma(xv, a1);
                            }
                            v = q;
                        }
                    }
                }
                acc = a0.add(a1).fma(FloatVector.broadcast(F, scale), acc);
            }
            y[r] = acc.reduceLanes(VectorOperators.ADD);
        }
    }

    private static int[] buildTables() {
        int[] t = new int[11 * 16];
        int[] tern = {0, 1, -1, 0};
        for (int c = 0; c < 16; c++) {
            for (int id = 0; id < 4; id++) {
                t[T3 + id * 16 + c] = bits(BitModType.BITMOD3_CANDIDATES[id].value(c & 7)); // periodic: see bitmod3
                t[T4 + id * 16 + c] = bits(BitModType.BITMOD4_CANDIDATES[id].value(c));
            }
            t[TT + c] = bits(tern[c & 3]);
            t[TI + c] = bits(c & 3);
            t[TB + c] = bits(c == 1 ? 1 : c == 2 ? -1 : 0); // base-3 digit -> trit
        }
        return t;
    }

    private static int bits(int v) {
        return Float.floatToRawIntBits(v);
    }
}
