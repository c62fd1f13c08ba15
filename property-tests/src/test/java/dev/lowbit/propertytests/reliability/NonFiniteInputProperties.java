package dev.lowbit.propertytests.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.packing.DType;
import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import java.lang.foreign.Arena;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/**
 * The input policy of every quantizer ({@link QuantizedTensor} Javadoc): NaN, ±Inf and
 * |x| &gt; 65504 are refused with an {@link IllegalArgumentException} naming the element;
 * subnormals (float and FP16 subnormals) are quantized like any value, within the codec's
 * error bound. Runs over {@link PackedFormat#values()}, so formats added later are covered.
 */
class NonFiniteInputProperties {

    @Provide
    Arbitrary<Float> hostile() {
        return Arbitraries.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
                Math.nextUp(65504f), -Math.nextUp(65504f), 65520f, 1e5f, -1e38f, Float.MAX_VALUE,
                -Float.MAX_VALUE, Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0xffffffff));
    }

    @Property(tries = 150)
    void nonFiniteOrOutOfRangeIsRefusedNamingTheElement(@ForAll PackedFormat format, @ForAll GroupAxis axis,
            @ForAll @IntRange(min = 1, max = 40) int groupSize, @ForAll @IntRange(min = 1, max = 24) int rows,
            @ForAll @IntRange(min = 1, max = 24) int cols, @ForAll("hostile") float bad, @ForAll long seed,
            @ForAll boolean f16) {
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
            // F16 storage rounds 65504.004 down to 65504 (a valid input): only test what is stored.
            Assume.that(!Float.isFinite(stored) || Math.abs(stored) > 65504f);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> QuantizedTensor.quantize(t, format, axis, Groups.fit(format, groupSize), arena));
            assertTrue(Groups.oneLine(e.getMessage()), e.getMessage());
            // F16 storage turns out-of-range floats into ±Inf: the message names the stored value.
            assertTrue(e.getMessage().contains("(" + br + ", " + bc + ")"), "message must name the element: " + e.getMessage());
        }
    }

    @Provide
    Arbitrary<Float> tiny() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(1, 0x007fffff).map(Float::intBitsToFloat),          // float subnormals
                Arbitraries.integers().between(1, 0x3ff).map(h -> Float.float16ToFloat(h.shortValue())), // FP16 subnormals
                Arbitraries.of(0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, Float.MIN_NORMAL, 0x1p-24f, 0x1p-25f, 6.1e-5f))
                .flatMap(v -> Arbitraries.of(v, -v));
    }

    @Property(tries = 150)
    void subnormalsAreQuantizedWithinTheBound(@ForAll PackedFormat format, @ForAll GroupAxis axis,
            @ForAll @IntRange(min = 1, max = 40) int groupSize, @ForAll @IntRange(min = 1, max = 20) int rows,
            @ForAll @IntRange(min = 1, max = 20) int cols, @ForAll("tiny") float tinyValue, @ForAll long seed,
            @ForAll @IntRange(min = 0, max = 2) int mix) {
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

    @Property(tries = 60)
    void theFp16RangeLimitsAreAccepted(@ForAll PackedFormat format, @ForAll GroupAxis axis,
            @ForAll @IntRange(min = 1, max = 16) int groupSize, @ForAll long seed) {
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
    @Example
    void aScaleRoundedUpToAnFp16SubnormalStaysWithinTheBound() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.of(arena, new float[] {1e-9f, 4.5e-8f, 4.5e-8f}, 3, 1);
            for (PackedFormat f : PackedFormat.values()) {
                QuantizedTensor q = QuantizedTensor.quantize(t, f, GroupAxis.CHANNEL, Groups.fit(f, 3), arena);
                assertNull(Groups.firstBoundViolation(q, t, q.dequantize(arena)));
            }
        }
    }

    @Example
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
