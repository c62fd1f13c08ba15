package dev.lowbit.propertytests.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.lowbit.packing.DType;
import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import dev.lowbit.testsupport.Gens;
import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * The input policy of every quantizer ({@link QuantizedTensor} Javadoc): NaN, ±Inf and
 * |x| &gt; 65504 are refused with an {@link IllegalArgumentException} naming the element;
 * subnormals (float and FP16 subnormals) are quantized like any value, within the codec's
 * error bound. Runs over {@link PackedFormat#values()}, so formats added later are covered.
 */
class NonFiniteInputProperties {

    static Gen<Float> hostile() {
        return Gens.oneOf(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Math.nextUp(65504f), -Math.nextUp(65504f), 65520f, 1e5f, -1e38f, Float.MAX_VALUE,
                -Float.MAX_VALUE, Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0xffffffff))
                .describedAs(v -> v + " (bits 0x" + Integer.toHexString(Float.floatToRawIntBits(v)) + ")");
    }

    /** A format, axis, group size, shape, the special value, a data seed, and a mode (F16 storage, or a data mix). */
    record Case(PackedFormat format, GroupAxis axis, int groupSize, int rows, int cols, float value, long seed, int mode) {}

    static Gen<Case> cases(int maxRows, int maxCols, Gen<Float> values, Gen<Integer> modes) {
        Gen<PackedFormat> formats = Gens.enums(PackedFormat.class);
        Gen<GroupAxis> axes = Gens.enums(GroupAxis.class);
        Gen<Integer> groupSizes = Gens.ints(1, 40);
        Gen<Integer> rowss = Gens.ints(1, maxRows);
        Gen<Integer> colss = Gens.ints(1, maxCols);
        Gen<Long> seeds = Gens.seeds();
        return in -> new Case(formats.generate(in), axes.generate(in), groupSizes.generate(in), rowss.generate(in),
                colss.generate(in), values.generate(in), seeds.generate(in), modes.generate(in));
    }

    /** F16 storage rounds 65504.004 down to 65504 (a valid input): only what is stored as out of range is tested. */
    private static boolean storedOutOfRange(float bad, boolean f16) {
        float stored = f16 ? Float.float16ToFloat(Float.floatToFloat16(bad)) : bad;
        return !Float.isFinite(stored) || Math.abs(stored) > 65504f;
    }

    @Test
    void nonFiniteOrOutOfRangeIsRefusedNamingTheElement() {
        qt().withExamples(150).forAll(cases(24, 24, hostile(), Gens.ints(0, 1)))
                .assuming(c -> storedOutOfRange(c.value, c.mode == 1))
                .checkAssert(c -> refusedNamingTheElement(c.format, c.axis, c.groupSize, c.rows, c.cols, c.value, c.seed, c.mode == 1));
    }

    private static void refusedNamingTheElement(PackedFormat format, GroupAxis axis, int groupSize, int rows, int cols,
                                                float bad, long seed, boolean f16) {
        Random rnd = new Random(seed);
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.allocate(arena, f16 ? DType.F16 : DType.F32, rows, cols);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    t.set((float) rnd.nextGaussian() * 100, r, c);
                }
            }
            int br = rnd.nextInt(rows);
            int bc = rnd.nextInt(cols);
            t.set(bad, br, bc);
            float stored = t.get(br, bc);
            assertTrue(!Float.isFinite(stored) || Math.abs(stored) > 65504f, "the generator only picks values stored out of range");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> QuantizedTensor.quantize(t, format, axis, Groups.fit(format, groupSize), arena));
            assertTrue(Groups.oneLine(e.getMessage()), e.getMessage());
            // F16 storage turns out-of-range floats into ±Inf: the message names the stored value.
            assertTrue(e.getMessage().contains("(" + br + ", " + bc + ")"), "message must name the element: " + e.getMessage());
        }
    }

    /** Float subnormals, FP16 subnormals and a list of tiny specials, each of either sign. */
    static Gen<Float> tiny() {
        Gen<Float> magnitude = Generate.oneOf(
                Gens.ints(1, 0x007fffff).map(Float::intBitsToFloat),                           // float subnormals
                Gens.ints(1, 0x3ff).map(h -> Float.float16ToFloat(h.shortValue())),          // FP16 subnormals
                Gens.oneOf(0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 0x1p-24f, 0x1p-25f, 6.1e-5f));
        Gen<Boolean> negate = Gens.booleans();
        Gen<Float> gen = in -> {
            float v = magnitude.generate(in);
            return negate.generate(in) ? -v : v;
        };
        return gen.describedAs(v -> v + " (bits 0x" + Integer.toHexString(Float.floatToRawIntBits(v)) + ")");
    }

    @Test
    void subnormalsAreQuantizedWithinTheBound() {
        qt().withExamples(150).forAll(cases(20, 20, tiny(), Gens.ints(0, 2)))
                .checkAssert(c -> subnormalsWithinTheBound(c.format, c.axis, c.groupSize, c.rows, c.cols, c.value, c.seed, c.mode));
    }

    private static void subnormalsWithinTheBound(PackedFormat format, GroupAxis axis, int groupSize, int rows, int cols,
                                                 float tinyValue, long seed, int mix) {
        Random rnd = new Random(seed);
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.allocate(arena, DType.F32, rows, cols);
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    float v = switch (mix) {
                        case 0 -> tinyValue;                                                  // all the same tiny value
                        case 1 -> tinyValue * rnd.nextInt(-3, 4);                             // tiny multiples, with zeros
                        default -> rnd.nextInt(8) == 0 ? (float) rnd.nextGaussian() : tinyValue * rnd.nextFloat(); // tiny among normal
                    };
                    t.set(v, r, c);
                }
            }
            QuantizedTensor q = QuantizedTensor.quantize(t, format, axis, Groups.fit(format, groupSize), arena);
            q.validate();
            Tensor d = q.dequantize(arena);
            assertNull(Groups.firstBoundViolation(q, t, d));
        }
    }

    @Test
    void theFp16RangeLimitsAreAccepted() {
        qt().withExamples(60).forAll(Gens.enums(PackedFormat.class), Gens.enums(GroupAxis.class), Gens.ints(1, 16), Gens.seeds())
                .checkAssert(NonFiniteInputProperties::fp16RangeLimitsAccepted);
    }

    private static void fp16RangeLimitsAccepted(PackedFormat format, GroupAxis axis, int groupSize, long seed) {
        Random rnd = new Random(seed);
        float[] edge = {65504f, -65504f, 0f, -0f, 65503.99f, -Float.MIN_VALUE};
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.allocate(arena, DType.F32, 7, 9);
            for (long i = 0; i < t.elementCount(); i++) {
                t.setFlat(i, edge[rnd.nextInt(edge.length)]);
            }
            QuantizedTensor q = QuantizedTensor.quantize(t, format, axis, Groups.fit(format, groupSize), arena);
            q.validate();
            assertNull(Groups.firstBoundViolation(q, t, q.dequantize(arena)));
        }
    }

    /** Found by {@link #subnormalsAreQuantizedWithinTheBound}: a mean of 3.03e-8 rounds up to the FP16 subnormal 2^-24. */
    @Test
    void aScaleRoundedUpToAnFp16SubnormalStaysWithinTheBound() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.of(arena, new float[] {1e-9f, 4.5e-8f, 4.5e-8f}, 3, 1);
            for (PackedFormat f : PackedFormat.values()) {
                QuantizedTensor q = QuantizedTensor.quantize(t, f, GroupAxis.CHANNEL, Groups.fit(f, 3), arena);
                assertNull(Groups.firstBoundViolation(q, t, q.dequantize(arena)));
            }
        }
    }

    @Test
    void aNanIsNamedByItsIndex() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.of(arena, new float[] {1, 2, 3, Float.NaN, 5, 6}, 2, 3);
            for (PackedFormat f : PackedFormat.values()) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> QuantizedTensor.quantize(t, f, GroupAxis.TOKEN, Groups.fit(f, 32), arena));
                assertEquals(true, e.getMessage().startsWith("element (1, 0) is NaN"), f + ": " + e.getMessage());
            }
        }
    }
}
