package dev.lowbit.propertytests.bitmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.kernels.gemv.BitPlaneGemv;
import dev.lowbit.kernels.gemv.GemvReference;
import dev.lowbit.kernels.gemv.LowBitGemv;
import dev.lowbit.kernels.gemv.RowPool;
import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.bitmod.BitModCodec;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import java.lang.foreign.Arena;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The bit-plane GEMV equals the table-lookup GEMV and the scalar reference within its stated bound. */
class BitPlaneGemvProperties {

    @Property(tries = 60)
    void bitPlaneMatchesLutAndReference(@ForAll @IntRange(min = 1, max = 40) int rows, @ForAll @IntRange(min = 1, max = 600) int cols,
                                        @ForAll boolean four, @ForAll long seed) {
        PackedFormat f = four ? PackedFormat.BITMOD4 : PackedFormat.BITMOD3;
        Random r = new Random(seed);
        float[] w = BitModFormatProperties.weights(r, rows * cols, 0.02);
        float[] x = GemvProperties.activations(r, cols);
        try (Arena arena = Arena.ofShared(); RowPool two = new RowPool(2)) {
            QuantizedTensor q = QuantizedTensor.quantize(Tensor.of(arena, w, rows, cols), f, GroupAxis.TOKEN, 128, arena);
            float[] ref = new float[rows];
            GemvReference.gemv(q, x, ref);
            float[] lut = new float[rows];
            new LowBitGemv(q).multiply(x, lut);
            BitPlaneGemv bp = new BitPlaneGemv(q, arena);
            assertEquals(four ? 6 : 4, bp.planeCount());
            float[] y1 = new float[rows];
            float[] y2 = new float[rows];
            float[] y3 = new float[rows];
            bp.multiply(x, y1);
            bp.multiply(x, y2, two);
            try (RowPool three = new RowPool(3)) {
                bp.multiply(x, y3, three);
            }
            // the same code on any thread count; JIT tiers may differ in the last bits: all within the bound
            int planesMax = (1 << bp.planeCount()) - 1;
            for (int i = 0; i < rows; i++) {
                double s = 0;
                for (int gi = 0; gi * 128 < cols; gi++) {
                    float scale = BitModCodec.scale(q.meta(), ((long) i * ((cols + 127) / 128) + gi) * 2);
                    for (int c = gi * 128; c < Math.min(cols, gi * 128 + 128); c++) {
                        s += scale * planesMax * Math.abs(x[c]);
                    }
                }
                double bound = (cols + 64) * 0x1p-23 * s + Float.MIN_NORMAL;
                for (float[] y : new float[][] {y1, y2, y3}) {
                    assertTrue(Math.abs(y[i] - ref[i]) <= bound, "row " + i + ": bit-plane " + y[i] + " reference " + ref[i] + " bound " + bound);
                    assertTrue(Math.abs(y[i] - lut[i]) <= bound, "row " + i + ": bit-plane " + y[i] + " LUT " + lut[i] + " bound " + bound);
                }
            }
        }
    }

    @Test
    void refusesOtherFormats() {
        try (Arena arena = Arena.ofConfined()) {
            QuantizedTensor q = QuantizedTensor.quantize(Tensor.of(arena, new float[128], 1, 128), PackedFormat.INT2, GroupAxis.TOKEN, 128, arena);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BitPlaneGemv(q, arena));
            assertTrue(e.getMessage().contains("BITMOD3 or BITMOD4"), e.getMessage());
        }
    }
}
