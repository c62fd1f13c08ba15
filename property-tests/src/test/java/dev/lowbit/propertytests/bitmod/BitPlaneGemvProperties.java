package dev.lowbit.propertytests.bitmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.lowbit.kernels.gemv.BitPlaneGemv;
import dev.lowbit.kernels.gemv.GemvReference;
import dev.lowbit.kernels.gemv.LowBitGemv;
import dev.lowbit.kernels.parallel.RowPool;
import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.bitmod.BitModCodec;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bit-plane GEMV equals the table-lookup GEMV and the scalar reference within its stated bound. */
class BitPlaneGemvProperties {

    @Test
    void bitPlaneMatchesLutAndReference() {
        qt().withExamples(60).forAll(integers().between(1, 40), integers().between(1, 600), booleans().all(), longs().all())
                .checkAssert(BitPlaneGemvProperties::bitPlaneCase);
    }

    private static void bitPlaneCase(int rows, int cols, boolean four, long seed) {
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
            // Per-lane float error of the bit-plane kernel (rows run in lanes, no cross-lane sum):
            // each table entry sums ≤ 4 inputs (3 roundings), a plane adds two entries per pair and
            // g/8 pairs per group, NP planes are combined (the c_b are powers of two: exact), and
            // groups are rescaled and summed (one fma each); the reference rounds once more. So
            // |bp − ref| ≤ (g/8 + NP + groups + 8)·2^−23·Σ_i scale_i·m_i·|x_i| (first order, doubled),
            // m_i = Σ_b 2^b·bit_b(u_i) the element's own plane weight (1 for u = 1, 63 only for u = −1),
            // not 63 for every element: one wrong code changes y by ≥ scale·|x_i| and fails it.
            BitModCodec codec = (BitModCodec) f.codec();
            int groups = (cols + 127) / 128;
            int mask = (1 << bp.planeCount()) - 1;
            float[] lutBound = GemvReference.bound(q, x);
            for (int i = 0; i < rows; i++) {
                double s = 0;
                for (int gi = 0; gi < groups; gi++) {
                    long k = (long) i * groups + gi;
                    float scale = BitModCodec.scale(q.meta(), k * 2);
                    var type = codec.type(BitModCodec.typeId(q.meta(), k * 2));
                    for (int c = gi * 128; c < Math.min(cols, gi * 128 + 128); c++) {
                        int u = type.value(codec.code(q.codes(), k * codec.codeBytes(128), c - gi * 128)) & mask;
                        s += (double) scale * u * Math.abs(x[c]); // u masked to NP bits = Σ_b 2^b·bit_b(u) = m_i
                    }
                }
                double bound = (128 / 8 + bp.planeCount() + groups + 8) * 0x1p-23 * s + Float.MIN_NORMAL;
                for (float[] y : new float[][] {y1, y2, y3}) {
                    assertTrue(Math.abs(y[i] - ref[i]) <= bound, "row " + i + ": bit-plane " + y[i] + " reference " + ref[i] + " bound " + bound);
                    assertTrue(Math.abs(y[i] - lut[i]) <= bound + lutBound[i],
                            "row " + i + ": bit-plane " + y[i] + " LUT " + lut[i] + " bound " + (bound + lutBound[i]));
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
