package dev.lowbit.propertytests.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.lowbit.packing.format.Fp16;
import dev.lowbit.packing.format.GroupCodec;
import dev.lowbit.packing.format.PackedFormat;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import dev.lowbit.testsupport.Gens;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.quicktheories.api.Pair;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Group-level properties of every format's scalar reference codec: the stored codes are exactly
 * what the format's rule says, dequantization is exactly code × metadata, and every element is
 * within the format's documented error bound.
 */
class FormatProperties {
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Largest magnitude of the "tiny" elements: 1e-38 is below Float.MIN_NORMAL, so all of them are subnormal. */
    private static final int TINY_BITS = Float.floatToRawIntBits(1e-38f);

    /**
     * A group of finite values within FP16 range, often with extremes (±65504, subnormals, zeros):
     * eight in ten elements uniform in [-100, 100] with six decimals, one a float subnormal of
     * magnitude up to 1e-38, one an extreme value.
     */
    static Gen<float[]> groups() {
        Gen<Float> ordinary = Generate.frequency(
                Pair.of(15, Generate.range(-100_000_000, 100_000_000, 0).map(n -> (float) (n / 1e6))),
                Pair.of(1, Gens.oneOf(-100f, 100f, 0f, 1f, -1f, 1e-6f, -1e-6f)));
        Gen<Float> tiny = Gens.ints(-TINY_BITS, TINY_BITS).map(b -> Math.copySign(Float.intBitsToFloat(Math.abs(b)), (float) b));
        Gen<Float> extreme = Gens.oneOf(0f, -0f, 65504f, -65504f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-8f, 6.1e-5f);
        Gen<Float> element = Generate.frequency(Pair.of(8, ordinary), Pair.of(1, tiny), Pair.of(1, extreme));
        return Gens.floatArrays(element, 1, 160);
    }

    static final Gen<PackedFormat> FORMATS =
            Gens.oneOf(PackedFormat.INT1, PackedFormat.TERNARY2, PackedFormat.TERNARY_B3, PackedFormat.INT2);

    record Packed(MemorySegment codes, MemorySegment meta, float[] out) {}

    private static Packed pack(GroupCodec c, float[] x, int offsetBytes, Arena arena) {
        // sections start at an odd offset on purpose: codecs must not assume alignment
        MemorySegment codes = arena.allocate(c.codeBytes(x.length) + offsetBytes).asSlice(offsetBytes);
        MemorySegment meta = arena.allocate(c.metaBytes() + offsetBytes).asSlice(offsetBytes);
        c.quantize(x, 0, x.length, codes, 0, meta, 0);
        float[] out = new float[x.length];
        c.dequantize(codes, 0, meta, 0, x.length, out, 0);
        return new Packed(codes, meta, out);
    }

    @Test
    void everyElementIsWithinTheFormatsBound() {
        qt().withExamples(300).forAll(FORMATS, groups(), Gens.ints(0, 7)).checkAssert(FormatProperties::withinTheFormatsBound);
    }

    private static void withinTheFormatsBound(PackedFormat f, float[] x, int offset) {
        GroupCodec c = f.codec();
        try (Arena arena = Arena.ofConfined()) {
            Packed p = pack(c, x, offset, arena);
            float bound = c.errorBound(x, 0, x.length);
            for (int i = 0; i < x.length; i++) {
                assertTrue(Math.abs(x[i] - p.out[i]) <= bound,
                        f + " element " + i + ": x=" + x[i] + " x^=" + p.out[i] + " bound=" + bound);
            }
        }
    }

    @Test
    void codesFollowTheRuleAndDecodeExactly() {
        qt().withExamples(300).forAll(FORMATS, groups()).checkAssert(FormatProperties::codesFollowTheRule);
    }

    private static void codesFollowTheRule(PackedFormat f, float[] x) {
        GroupCodec c = f.codec();
        try (Arena arena = Arena.ofConfined()) {
            Packed p = pack(c, x, 3, arena);
            c.validate(p.codes, 0, p.meta, 0, x.length);
            double meanAbs = 0;
            for (float v : x) {
                meanAbs += Math.abs(v);
            }
            meanAbs /= x.length;
            float s0 = Fp16.decode(p.meta.get(F16, 0));
            for (int i = 0; i < x.length; i++) {
                int code = c.code(p.codes, 0, i);
                switch (f) {
                    case INT1 -> {
                        assertEquals(x[i] >= 0 ? 1 : 0, code, "sign bit of element " + i);
                        assertEquals(code == 1 ? s0 : -s0, p.out[i]);
                    }
                    case TERNARY2, TERNARY_B3 -> {
                        int expect = Math.abs(x[i]) > 0.5 * meanAbs ? (x[i] > 0 ? 1 : -1) : 0;
                        assertEquals(expect, code, "trit of element " + i + " (x=" + x[i] + ")");
                        assertEquals(code * s0, p.out[i]);
                    }
                    case INT2 -> {
                        float min = Fp16.decode(p.meta.get(F16, 2));
                        assertTrue(code >= 0 && code <= 3);
                        // the stored code is the nearest level: no other level is strictly closer
                        for (int q = 0; q < 4; q++) {
                            assertTrue(Math.abs(x[i] - ((double) min + (double) code * s0))
                                    <= Math.abs(x[i] - ((double) min + (double) q * s0)) + 1e-3 * s0 + Float.MIN_VALUE,
                                    "element " + i + " code " + code + " but level " + q + " is closer");
                        }
                        assertEquals(Math.fma((float) code, s0, min), p.out[i]);
                    }
                }
            }
            if (f != PackedFormat.INT2) {
                assertEquals(Fp16.round((float) meanAbs), s0, "scale is mean |x| rounded to FP16");
            }
        }
    }

    /** Trit sequences of 1..100 elements, each -1, 0 or +1. */
    static Gen<int[]> rawCodes() {
        return Gens.intArrays(Gens.ints(-1, 1), 1, 100);
    }

    /** Any trit sequence survives quantization unchanged: the ternary codes are a lossless container for trits. */
    @Test
    void tritsRoundTripThroughBothTernaryLayouts() {
        qt().withExamples(200).forAll(rawCodes()).checkAssert(FormatProperties::tritsRoundTrip);
    }

    private static void tritsRoundTrip(int[] trits) {
        float[] x = new float[trits.length];
        for (int i = 0; i < x.length; i++) {
            x[i] = trits[i] * 3f; // |x| = 3 > 0.5 * mean|x| (<= 1.5) for every nonzero trit
        }
        try (Arena arena = Arena.ofConfined()) {
            for (PackedFormat f : new PackedFormat[] {PackedFormat.TERNARY2, PackedFormat.TERNARY_B3}) {
                Packed p = pack(f.codec(), x, 0, arena);
                for (int i = 0; i < trits.length; i++) {
                    assertEquals(trits[i], f.codec().code(p.codes, 0, i), f + " trit " + i);
                }
            }
        }
    }
}
