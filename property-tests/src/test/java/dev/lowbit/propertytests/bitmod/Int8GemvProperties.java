package dev.lowbit.propertytests.bitmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.lowbit.kernels.gemv.GemvReference;
import dev.lowbit.kernels.gemv.Int8Activations;
import dev.lowbit.kernels.gemv.Int8BitPlaneGemv;
import dev.lowbit.kernels.gemv.Int8GemvReference;
import dev.lowbit.kernels.gemv.Int8LutGemv;
import dev.lowbit.kernels.parallel.RowPool;
import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The int8-activation GEMV kernels (table lookup, bit-plane) equal their scalar reference
 * ({@link Int8GemvReference}, the same integer algorithm) bit for bit on 1, 2 and 3 threads, and
 * the int8 result is within {@link Int8GemvReference#bound} of the float product. Shapes: row
 * counts around the 32-row blocks (tails, odd block counts), cols not a multiple of anything,
 * short last groups, group sizes that are not multiples of 16. The forced 256/128-bit re-runs of
 * property-tests run this class too.
 */
class Int8GemvProperties {
    static final PackedFormat[] FORMATS = {PackedFormat.TERNARY2, PackedFormat.TERNARY_B3, PackedFormat.INT2,
        PackedFormat.BITMOD3, PackedFormat.BITMOD4};
    static final int[] GROUPS = {128, 64, 256, 37};

    /** Gaussian activations with rare outliers, whole zero runs and now and then a tiny (subnormal) block. */
    static float[] activations(Random r, int n) {
        float[] x = GemvProperties.activations(r, n);
        int mode = r.nextInt(6);
        if (mode == 0) {
            int a = r.nextInt(n);
            java.util.Arrays.fill(x, a, Math.min(n, a + r.nextInt(300)), 0f);
        } else if (mode == 1) {
            for (int i = 0; i < n; i++) {
                x[i] = Math.scalb(x[i], -130);
            }
        } else if (mode == 2) {
            x[r.nextInt(n)] = (r.nextBoolean() ? 1 : -1) * 3e4f;
        }
        return x;
    }

    static void assertBitEqual(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) {
            int row = i;
            assertEquals(Float.floatToIntBits(want[i]), Float.floatToIntBits(got[i]),
                    () -> what + " row " + row + ": reference " + want[row] + " kernel " + got[row]);
        }
    }

    @Test
    void kernelsEqualTheIntegerReferenceBitForBit() {
        qt().withExamples(60).forAll(integers().between(1, 100), integers().between(1, 700), integers().between(0, 19), longs().all())
                .checkAssert((rows, cols, fg, seed) -> {
                    PackedFormat f = FORMATS[fg % 5];
                    int g = GROUPS[fg / 5];
                    Random r = new Random(seed);
                    float[] w = BitModFormatProperties.weights(r, rows * cols, 0.02);
                    float[] x = activations(r, cols);
                    try (Arena arena = Arena.ofShared(); RowPool two = new RowPool(2); RowPool three = new RowPool(3)) {
                        QuantizedTensor q = QuantizedTensor.quantize(Tensor.of(arena, w, rows, cols), f, GroupAxis.TOKEN, g, arena);
                        float[] ref = new float[rows];
                        Int8GemvReference.gemv(q, new Int8Activations(cols, g).quantize(x), ref);
                        Int8LutGemv lut = new Int8LutGemv(q);
                        float[] y = new float[rows];
                        lut.multiply(x, y);
                        assertBitEqual(ref, y, f + " g " + g + " LUT");
                        lut.multiply(x, y, two);
                        assertBitEqual(ref, y, f + " g " + g + " LUT, 2 threads");
                        lut.multiply(x, y, three);
                        assertBitEqual(ref, y, f + " g " + g + " LUT, 3 threads");
                        if (f == PackedFormat.BITMOD3 || f == PackedFormat.BITMOD4) {
                            Int8BitPlaneGemv bp = new Int8BitPlaneGemv(q);
                            assertEquals(f == PackedFormat.BITMOD4 ? 6 : 4, bp.planeCount());
                            bp.multiply(x, y);
                            assertBitEqual(ref, y, f + " g " + g + " bit-plane");
                            bp.multiply(x, y, two);
                            assertBitEqual(ref, y, f + " g " + g + " bit-plane, 2 threads");
                            bp.multiply(x, y, three);
                            assertBitEqual(ref, y, f + " g " + g + " bit-plane, 3 threads");
                        }
                    }
                });
    }

    /** Activations at the int16 limits: every q = ±127, all weights at their largest magnitude. */
    @Test
    void extremeCodesDoNotOverflowTheInt16Accumulators() {
        qt().withExamples(20).forAll(integers().between(1, 70), integers().between(1, 600), integers().between(0, 19), longs().all())
                .checkAssert((rows, cols, fg, seed) -> {
                    PackedFormat f = FORMATS[fg % 5];
                    int g = GROUPS[fg / 5];
                    Random r = new Random(seed);
                    float[] w = new float[rows * cols];
                    boolean same = r.nextBoolean();
                    for (int i = 0; i < w.length; i++) {
                        // ±1 weights with one larger value per group row: the codes go to the type's extremes
                        w[i] = (same || r.nextBoolean() ? 1 : -1) * (i % 7 == 0 ? 16f : 12f);
                    }
                    float[] x = new float[cols];
                    for (int i = 0; i < cols; i++) {
                        x[i] = same ? 5f : (r.nextBoolean() ? 5f : -5f);
                    }
                    try (Arena arena = Arena.ofShared()) {
                        QuantizedTensor q = QuantizedTensor.quantize(Tensor.of(arena, w, rows, cols), f, GroupAxis.TOKEN, g, arena);
                        float[] ref = new float[rows];
                        Int8GemvReference.gemv(q, new Int8Activations(cols, g).quantize(x), ref);
                        float[] y = new float[rows];
                        new Int8LutGemv(q).multiply(x, y);
                        assertBitEqual(ref, y, f + " g " + g + " LUT");
                        if (f == PackedFormat.BITMOD3 || f == PackedFormat.BITMOD4) {
                            new Int8BitPlaneGemv(q).multiply(x, y);
                            assertBitEqual(ref, y, f + " g " + g + " bit-plane");
                        }
                    }
                });
    }

    @Test
    void int8ResultIsWithinTheStatedBoundOfTheFloatProduct() {
        qt().withExamples(60).forAll(integers().between(1, 40), integers().between(1, 700), integers().between(0, 19), longs().all())
                .checkAssert((rows, cols, fg, seed) -> {
                    PackedFormat f = FORMATS[fg % 5];
                    int g = GROUPS[fg / 5];
                    Random r = new Random(seed);
                    float[] w = BitModFormatProperties.weights(r, rows * cols, 0.02);
                    float[] x = activations(r, cols);
                    try (Arena arena = Arena.ofShared()) {
                        QuantizedTensor q = QuantizedTensor.quantize(Tensor.of(arena, w, rows, cols), f, GroupAxis.TOKEN, g, arena);
                        float[] ref = new float[rows];
                        GemvReference.gemv(q, x, ref);
                        Int8Activations a = new Int8Activations(cols, g).quantize(x);
                        float[] bound = Int8GemvReference.bound(q, a, x);
                        float[] y = new float[rows];
                        new Int8LutGemv(q).multiply(x, y);
                        for (int i = 0; i < rows; i++) {
                            // the float reference rounds its double sum once: half an ulp of its result
                            float b = bound[i] + Math.ulp(ref[i]);
                            assertTrue(Math.abs(y[i] - ref[i]) <= b, f + " g " + g + " row " + i + ": int8 " + y[i] + " float " + ref[i] + " bound " + b);
                        }
                    }
                });
    }

    @Test
    void badInputIsRefused() {
        try (Arena arena = Arena.ofConfined()) {
            QuantizedTensor q = QuantizedTensor.quantize(Tensor.of(arena, new float[256], 2, 128), PackedFormat.TERNARY2, GroupAxis.TOKEN, 128, arena);
            Int8LutGemv k = new Int8LutGemv(q);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> k.multiply(new float[127], new float[2]));
            assertTrue(e.getMessage().contains("x of length 127"), e.getMessage());
            float[] nan = new float[128];
            nan[5] = Float.NaN;
            e = assertThrows(IllegalArgumentException.class, () -> k.multiply(nan, new float[2]));
            assertTrue(e.getMessage().contains("finite"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> k.multiply(new float[128], new float[3]));
            assertTrue(e.getMessage().contains("y of length 3"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> k.multiply(new Int8Activations(128, 64), new float[2]));
            assertTrue(e.getMessage().contains("blocks of the group size 128"), e.getMessage());
            QuantizedTensor i1 = QuantizedTensor.quantize(Tensor.of(arena, new float[256], 2, 128), PackedFormat.INT1, GroupAxis.TOKEN, 128, arena);
            e = assertThrows(IllegalArgumentException.class, () -> new Int8LutGemv(i1));
            assertTrue(e.getMessage().contains("found INT1"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new Int8BitPlaneGemv(q));
            assertTrue(e.getMessage().contains("BITMOD3 or BITMOD4"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> new Int8Activations(128, 128).set(new byte[128], new float[] {Float.NaN}));
            assertTrue(e.getMessage().contains("finite"), e.getMessage());
        }
    }
}
