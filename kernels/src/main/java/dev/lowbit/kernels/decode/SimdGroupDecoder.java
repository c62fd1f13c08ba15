package dev.lowbit.kernels.decode;

import dev.lowbit.kernels.VectorShapes;
import dev.lowbit.packing.format.QuantizedTensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Vector API decode of INT1, TERNARY2, TERNARY_B3 and INT2 groups (see {@link GroupDecoder} for
 * the tile layout). Species-generic: one float lane per element, {@code L = F.length()} elements
 * per step (4, 8 or 16).
 *
 * <ul>
 *   <li>INT1 / TERNARY2 / INT2: the L codes of a step fit one 32-bit word (L·1 or L·2 bits,
 *       byte-aligned because L is a multiple of 4); it is broadcast and each lane shifts out its
 *       own code ({@code word >>> (bits·lane)}), then sign/trit × scale or {@code fma(q, step, min)}.</li>
 *   <li>TERNARY_B3: one int lane per <em>byte</em>; the five base-3 digits come out by
 *       multiply-shift division by 3 (exact for bytes &lt; 243) and are scattered to stride-5
 *       positions.</li>
 * </ul>
 * Allocation-free; exact, so equal to the codecs bit for bit.
 */
public final class SimdGroupDecoder implements GroupDecoder {
    private static final VectorSpecies<Float> F = VectorShapes.F;
    private static final VectorSpecies<Integer> I = VectorShapes.I;
    private static final VectorSpecies<Byte> B = VectorShapes.B;
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    /** Lane i -> 5·i: scatter offsets of the digit j of consecutive TERNARY_B3 bytes. */
    private static final int[] STRIDE5 = new int[64];

    static {
        for (int i = 0; i < STRIDE5.length; i++) {
            STRIDE5[i] = 5 * i;
        }
    }

    SimdGroupDecoder() {}

    @Override
    public void decode(QuantizedTensor q, long firstBlock, int blocks, float[] out, int outOff) {
        GroupDecoder.checkArgs(q, firstBlock, blocks, out, outOff);
        int g = q.groupSize();
        MemorySegment codes = q.codes();
        MemorySegment meta = q.meta();
        int cb = q.format().codec().codeBytes(g);
        int mb = q.format().codec().metaBytes();
        for (int i = 0; i < blocks; i++) {
            long k = firstBlock + i;
            int len = q.blockLength(k);
            long co = k * cb;
            long mo = k * mb;
            int o = outOff + i * g;
            switch (q.format()) {
                case INT1 -> int1(codes, co, cb, meta.get(F16, mo), len, out, o);
                case TERNARY2 -> ternary2(codes, co, cb, meta.get(F16, mo), len, out, o);
                case INT2 -> int2(codes, co, cb, meta.get(F16, mo), meta.get(F16, mo + 2), len, out, o);
                case TERNARY_B3 -> ternaryB3(codes, co, cb, meta.get(F16, mo), len, out, o);
                default -> throw new IllegalArgumentException("no SIMD decode for format " + q.format());
            }
        }
    }

    /** Little-endian 32-bit word at byte {@code b} of a group of {@code cb} code bytes; missing bytes read 0. */
    static int word(MemorySegment codes, long codeOff, int b, int cb) {
        if (b + 4 <= cb) {
            return codes.get(I32, codeOff + b);
        }
        int w = 0;
        for (int j = 0; b + j < cb && j < 4; j++) {
            w |= (codes.get(ValueLayout.JAVA_BYTE, codeOff + b + j) & 0xFF) << (8 * j);
        }
        return w;
    }

    /** One INT1 group: bit 1 → +scale, bit 0 → −scale. */
    public static void int1(MemorySegment codes, long codeOff, int cb, short scale16, int len, float[] out, int outOff) {
        float s = Float.float16ToFloat(scale16);
        FloatVector pos = FloatVector.broadcast(F, s);
        FloatVector neg = FloatVector.broadcast(F, -s);
        IntVector lane = IntVector.zero(I).addIndex(1);
        int l = F.length();
        for (int c = 0; c < len; c += l) {
            int w = word(codes, codeOff, c >>> 3, cb) >>> (c & 7);
            VectorMask<Integer> one = IntVector.broadcast(I, w).lanewise(VectorOperators.LSHR, lane).and(1).compare(VectorOperators.NE, 0);
            FloatVector v = neg.blend(pos, one.cast(F));
            if (c + l <= len) {
                v.intoArray(out, outOff + c);
            } else {
                v.intoArray(out, outOff + c, F.indexInRange(c, len));
            }
        }
    }

    /** One TERNARY2 group: trit = (c &amp; 1) − (c &gt;&gt; 1), value = trit · scale. */
    public static void ternary2(MemorySegment codes, long codeOff, int cb, short scale16, int len, float[] out, int outOff) {
        FloatVector s = FloatVector.broadcast(F, Float.float16ToFloat(scale16));
        IntVector shift = IntVector.zero(I).addIndex(2);
        int l = F.length();
        for (int c = 0; c < len; c += l) {
            IntVector w = IntVector.broadcast(I, word(codes, codeOff, c >>> 2, cb)).lanewise(VectorOperators.LSHR, shift);
            IntVector trit = w.and(1).sub(w.lanewise(VectorOperators.LSHR, 1).and(1));
            FloatVector v = ((FloatVector) trit.convert(VectorOperators.I2F, 0)).mul(s);
            if (c + l <= len) {
                v.intoArray(out, outOff + c);
            } else {
                v.intoArray(out, outOff + c, F.indexInRange(c, len));
            }
        }
    }

    /** One INT2 group: value = fma(q, step, min). */
    public static void int2(MemorySegment codes, long codeOff, int cb, short step16, short min16, int len, float[] out, int outOff) {
        FloatVector step = FloatVector.broadcast(F, Float.float16ToFloat(step16));
        FloatVector min = FloatVector.broadcast(F, Float.float16ToFloat(min16));
        IntVector shift = IntVector.zero(I).addIndex(2);
        int l = F.length();
        for (int c = 0; c < len; c += l) {
            IntVector qv = IntVector.broadcast(I, word(codes, codeOff, c >>> 2, cb)).lanewise(VectorOperators.LSHR, shift).and(3);
            FloatVector v = ((FloatVector) qv.convert(VectorOperators.I2F, 0)).fma(step, min);
            if (c + l <= len) {
                v.intoArray(out, outOff + c);
            } else {
                v.intoArray(out, outOff + c, F.indexInRange(c, len));
            }
        }
    }

    /** One TERNARY_B3 group: five base-3 digits per byte (0 → 0, 1 → +1, 2 → −1) times the scale. */
    public static void ternaryB3(MemorySegment codes, long codeOff, int cb, short scale16, int len, float[] out, int outOff) {
        FloatVector s = FloatVector.broadcast(F, Float.float16ToFloat(scale16));
        int l = I.length();
        int bytes = (len + 4) / 5;
        IntVector lane5 = IntVector.zero(I).addIndex(5);
        for (int k = 0; k < bytes; k += l) {
            // bytes k .. k+l-1 as unsigned int lanes (masked load: never past the group)
            VectorMask<Byte> inGroup = B.indexInRange(k, Math.min(bytes, cb));
            ByteVector bv = ByteVector.fromMemorySegment(B, codes, codeOff + k, ByteOrder.LITTLE_ENDIAN, inGroup);
            IntVector v = ((IntVector) bv.convertShape(VectorOperators.B2I, I, 0)).and(0xFF);
            IntVector elem = lane5.add(5 * k); // element index of digit 0 of each lane's byte
            for (int j = 0; j < 5; j++) {
                IntVector quot = v.mul(43691).lanewise(VectorOperators.LSHR, 17); // v / 3, exact for v < 2^15
                IntVector d = v.sub(quot.mul(3));
                IntVector trit = d.sub(d.lanewise(VectorOperators.LSHR, 1).mul(3)); // 2 -> -1
                FloatVector f = ((FloatVector) trit.convert(VectorOperators.I2F, 0)).mul(s);
                VectorMask<Float> m = elem.add(j).compare(VectorOperators.LT, len).cast(F);
                int base = outOff + 5 * k + j;
                if (base + 5 * (l - 1) < out.length) {
                    f.intoArray(out, base, STRIDE5, 0, m); // the scatter range-checks unset lanes too
                } else {
                    for (int e = 0; e < l && 5 * (k + e) + j < len; e++) {
                        out[base + 5 * e] = f.lane(e);
                    }
                }
                v = quot;
            }
        }
    }
}
