package dev.lowbit.packing.bitmod;

import dev.lowbit.packing.format.GroupCodec;
import dev.lowbit.packing.format.PackedFormat;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * {@code BITMOD3} / {@code BITMOD4}: BitMoD weights, a group of G weights along the input
 * dimension (G a multiple of 128; BitMoD uses 128) with one datatype out of four and one scale.
 *
 * <h2>Codes</h2>
 * A b-bit code indexes the group's datatype table ({@link BitModType}: sign-magnitude, code 0 is
 * +0, code {@code 1 << (b−1)} is the special value). Codes are stored in units of 128 elements;
 * element {@code i} of the group is element {@code r = i % 128} of unit {@code u = i / 128}.
 * The layouts put 16 (or 64) <em>consecutive</em> elements in lane order, so a SIMD kernel
 * widens bytes to lanes and multiplies against a contiguous slice of the activation.
 * <ul>
 *   <li>{@code BITMOD4}: unit = 64 bytes. Element r is in byte {@code r % 64} of the unit:
 *       bits 0–3 (low nibble) for {@code r < 64}, bits 4–7 for {@code r >= 64}.</li>
 *   <li>{@code BITMOD3}: unit = 48 bytes, exactly 3 bits a weight. The two low code bits of
 *       element r are bits {@code 2·(r / 32)}, {@code 2·(r / 32) + 1} of byte {@code r % 32}; its
 *       high code bit (the sign bit) is bit {@code r / 16} of byte {@code 32 + r % 16}.</li>
 * </ul>
 * A group takes {@code ⌈G/128⌉} units ({@code codeBytes(128)} = 64 / 48 bytes). Elements past the
 * group's length (a short last group, or a G that is not a multiple of 128) have code 0, value 0.
 * G should be a multiple of 128 (BitMoD uses 128; the SIMD kernels need it): any other G works
 * but pays for whole units, which the honest bits show (G = 32: 16.5 bits a weight).
 *
 * <h2>Metadata</h2>
 * 2 bytes per group, one little-endian u16: bits 0–13 the scale as E5M9 ({@link BitModScale}:
 * binary16 without its lowest mantissa bit), bits 14–15 the type id, an index into
 * {@link BitModType#BITMOD3_CANDIDATES} / {@link BitModType#BITMOD4_CANDIDATES}
 * (0 = sp_pos, 1 = sp_neg, 2 = sr_pos, 3 = sr_neg). Weight = value(type, code) · scale.
 *
 * <h2>Honest bits</h2>
 * At G = 128: 3 + 16/128 = 3.125 and 4 + 16/128 = 4.125 bits per weight (the paper's accelerator
 * model counts 8 bits a group, 3.0625 / 4.0625). An input dimension that is not a multiple of G
 * leaves a short last group per row, quantized on its own elements (its own max, scale and type)
 * and padded with zero codes to G; the padding is counted in the honest bits.
 */
public final class BitModCodec implements GroupCodec {
    /** Elements per storage unit. */
    public static final int UNIT = 128;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private final int bits;
    private final BitModType[] types;
    private final BitModQuantizer quantizer;

    /** The codec of {@code BITMOD3} (bits = 3) or {@code BITMOD4} (bits = 4). */
    public BitModCodec(int bits) {
        this.quantizer = BitModQuantizer.forBits(bits);
        this.bits = bits;
        this.types = bits == 3 ? BitModType.BITMOD3_CANDIDATES.clone() : BitModType.BITMOD4_CANDIDATES.clone();
    }

    @Override
    public PackedFormat format() {
        return bits == 3 ? PackedFormat.BITMOD3 : PackedFormat.BITMOD4;
    }

    /** Code bits per weight. */
    public int bits() {
        return bits;
    }

    /** The datatype of type id {@code id} (0..3). */
    public BitModType type(int id) {
        return types[id];
    }

    /** Bytes of one 128-element unit: 48 or 64. */
    public int unitBytes() {
        return UNIT * bits / 8;
    }

    @Override
    public int codeBytes(int groupSize) {
        if (groupSize <= 0) {
            throw new IllegalArgumentException("group size: expected > 0, found " + groupSize);
        }
        return (groupSize + UNIT - 1) / UNIT * unitBytes();
    }

    @Override
    public int metaBytes() {
        return 2;
    }

    /** The type id stored in the metadata word at {@code metaOff}. */
    public static int typeId(MemorySegment meta, long metaOff) {
        return (meta.get(U16, metaOff) >>> 14) & 3;
    }

    /** The scale stored in the metadata word at {@code metaOff}. */
    public static float scale(MemorySegment meta, long metaOff) {
        return BitModScale.decode(meta.get(U16, metaOff) & 0x3FFF);
    }

    @Override
    public void quantize(float[] x, int off, int len, MemorySegment codes, long codeOff, MemorySegment meta, long metaOff) {
        byte[] c = new byte[len];
        BitModQuantizer.Choice ch = quantizer.quantizeGroup(x, off, len, c, new byte[len]);
        meta.set(U16, metaOff, (short) (ch.scaleField() | ch.typeId() << 14));
        int units = (len + UNIT - 1) / UNIT;
        codes.asSlice(codeOff, (long) units * unitBytes()).fill((byte) 0);
        for (int i = 0; i < len; i++) {
            setCode(codes, codeOff, i, c[i]);
        }
    }

    private void setCode(MemorySegment codes, long codeOff, int i, int c) {
        long base = codeOff + (long) (i / UNIT) * unitBytes();
        int r = i % UNIT;
        if (bits == 4) {
            long at = base + r % 64;
            int shift = r < 64 ? 0 : 4;
            or(codes, at, (c & 15) << shift);
        } else {
            or(codes, base + r % 32, (c & 3) << (2 * (r / 32)));
            or(codes, base + 32 + r % 16, ((c >>> 2) & 1) << (r / 16));
        }
    }

    private static void or(MemorySegment s, long at, int bitsToSet) {
        s.set(ValueLayout.JAVA_BYTE, at, (byte) (s.get(ValueLayout.JAVA_BYTE, at) | bitsToSet));
    }

    @Override
    public int code(MemorySegment codes, long codeOff, int i) {
        long base = codeOff + (long) (i / UNIT) * unitBytes();
        int r = i % UNIT;
        if (bits == 4) {
            int b = codes.get(ValueLayout.JAVA_BYTE, base + r % 64);
            return (r < 64 ? b : b >>> 4) & 15;
        }
        int lo = (codes.get(ValueLayout.JAVA_BYTE, base + r % 32) >>> (2 * (r / 32))) & 3;
        int hi = (codes.get(ValueLayout.JAVA_BYTE, base + 32 + r % 16) >>> (r / 16)) & 1;
        return lo | hi << 2;
    }

    @Override
    public void dequantize(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, int len, float[] out, int outOff) {
        BitModType t = types[typeId(meta, metaOff)];
        float s = scale(meta, metaOff);
        for (int i = 0; i < len; i++) {
            out[outOff + i] = t.value(code(codes, codeOff, i)) * s;
        }
    }

    /**
     * Scalar reference dot product of one group with {@code x[xOff, xOff+len)}: scale · Σ
     * value(code_i) · x_i, accumulated in double (the integer values are exact), one rescale.
     */
    public double dot(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, int len, float[] x, int xOff) {
        BitModType t = types[typeId(meta, metaOff)];
        double s = 0;
        for (int i = 0; i < len; i++) {
            s += t.value(code(codes, codeOff, i)) * (double) x[xOff + i];
        }
        return s * scale(meta, metaOff);
    }

    @Override
    public void validate(MemorySegment codes, long codeOff, MemorySegment meta, long metaOff, int len) {
        int field = meta.get(U16, metaOff) & 0x3FFF;
        if (field >= BitModScale.INVALID_FROM) {
            throw new IllegalArgumentException("corrupt BITMOD" + bits + " metadata at byte " + metaOff + ": scale field 0x"
                    + Integer.toHexString(field) + " has the all-ones exponent (Inf/NaN); expected < 0x3e00");
        }
        // every code pattern and every type id is valid
    }

    /**
     * Bound: the chosen type's worst in-reach error (half its largest gap, or its clipping on the
     * shorter side) times its scale, maximised over the four candidates, plus the clipping the
     * E5M9 scale rounding can add (max|x|·2^−10) and float slack.
     */
    @Override
    public float errorBound(float[] x, int off, int len) {
        float absMax = BitModQuantizer.absMax(x, off, len);
        double b = 0;
        for (BitModType t : types) {
            double s = BitModScale.round(absMax / t.maxAbs());
            // a scale that rounds down (or flushes to zero for subnormal groups) also clips the largest element
            b = Math.max(b, t.worstErrorUnits() * s + Math.max(0, absMax - t.maxAbs() * s));
        }
        return (float) (b + absMax * 0x1p-9) + 4 * Math.ulp(Math.max(absMax, Float.MIN_NORMAL));
    }
}
