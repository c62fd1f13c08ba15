package dev.lowbit.propertytests.bitmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

import dev.lowbit.accelsim.pe.BitSerialPe;
import dev.lowbit.kernels.gemv.BitPlaneGemv;
import dev.lowbit.kernels.gemv.Int8Activations;
import dev.lowbit.kernels.gemv.Int8BitPlaneGemv;
import dev.lowbit.kernels.gemv.Int8LutGemv;
import dev.lowbit.kernels.gemv.LowBitGemv;
import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.bitmod.BitModCodec;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import java.lang.foreign.Arena;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The bit-serial PE model (accel-sim) and the two SIMD kernels agree on INT8 activations. With
 * integer x every in-group sum of the kernels is an exact integer in float (below 2^24), as the
 * PE's accumulator is, so they may differ only by the rounding of the per-group rescale and of
 * the sum over groups: at most (groups + 8)·2^−24·Σ_g |acc_g·scale_g|.
 */
class PeVsKernelsProperties {

    @Test
    void peBitPlaneAndLutAgreeOnInt8Activations() {
        qt().withExamples(40).forAll(integers().between(1, 20), integers().between(1, 700), booleans().all(), longs().all())
                .checkAssert(PeVsKernelsProperties::floatKernelsCase);
    }

    private static void floatKernelsCase(int rows, int cols, boolean four, long seed) {
        Random r = new Random(seed);
        float[] w = BitModFormatProperties.weights(r, rows * cols, 0.02);
        byte[] a = new byte[cols];
        float[] x = new float[cols];
        for (int i = 0; i < cols; i++) {
            a[i] = (byte) (r.nextInt(255) - 127);
            x[i] = a[i];
        }
        try (Arena arena = Arena.ofConfined()) {
            QuantizedTensor q = QuantizedTensor.quantize(Tensor.of(arena, w, rows, cols), four ? PackedFormat.BITMOD4 : PackedFormat.BITMOD3,
                    GroupAxis.TOKEN, 128, arena);
            float[] lut = new float[rows];
            float[] bp = new float[rows];
            new LowBitGemv(q).multiply(x, lut);
            new BitPlaneGemv(q, arena).multiply(x, bp);
            BitSerialPe pe = new BitSerialPe(4);
            int groups = (cols + 127) / 128;
            for (int row = 0; row < rows; row++) {
                double exact = pe.dotRow(q, row, a, 1f).value();
                double mag = 0;
                byte[] codes = new byte[128];
                BitModCodec codec = (BitModCodec) q.format().codec();
                for (int gi = 0; gi < groups; gi++) {
                    long k = (long) row * groups + gi;
                    int len = q.blockLength(k);
                    for (int i = 0; i < len; i++) {
                        codes[i] = (byte) codec.code(q.codes(), k * codec.codeBytes(128), i);
                    }
                    long acc = pe.dotInt8(codec.type(BitModCodec.typeId(q.meta(), k * 2)), codes, 0, a, gi * 128, len).accumulator();
                    mag += Math.abs(acc * (double) BitModCodec.scale(q.meta(), k * 2));
                }
                double bound = (groups + 8) * 0x1p-24 * mag + Float.MIN_NORMAL;
                assertTrue(Math.abs(lut[row] - exact) <= bound, "row " + row + ": LUT " + lut[row] + " PE " + exact + " bound " + bound);
                assertTrue(Math.abs(bp[row] - exact) <= bound, "row " + row + ": bit-plane " + bp[row] + " PE " + exact + " bound " + bound);
            }
        }
    }

    /**
     * The int8-activation kernels sum each group in exact integers, as the PE does: with the PE's
     * group accumulators put through the kernels' epilogue (acc = fma((float) S_g, ws_g·as_g, acc),
     * groups in order), the bit-plane and the table-lookup kernel give the same float bits. Any
     * difference in one group's integer sum changes the result.
     */
    @Test
    void int8KernelsEqualThePeAccumulatorsBitForBit() {
        qt().withExamples(40).forAll(integers().between(1, 70), integers().between(1, 700), booleans().all(), longs().all())
                .checkAssert(PeVsKernelsProperties::int8Case);
    }

    private static void int8Case(int rows, int cols, boolean four, long seed) {
        Random r = new Random(seed);
        float[] w = BitModFormatProperties.weights(r, rows * cols, 0.02);
        byte[] a = new byte[cols];
        for (int i = 0; i < cols; i++) {
            a[i] = (byte) (r.nextInt(255) - 127);
        }
        int groups = (cols + 127) / 128;
        float[] as = new float[groups];
        for (int gi = 0; gi < groups; gi++) {
            as[gi] = r.nextBoolean() ? 1f : (float) Math.scalb(0.5 + r.nextDouble(), r.nextInt(20) - 10);
        }
        try (Arena arena = Arena.ofConfined()) {
            QuantizedTensor q = QuantizedTensor.quantize(Tensor.of(arena, w, rows, cols), four ? PackedFormat.BITMOD4 : PackedFormat.BITMOD3,
                    GroupAxis.TOKEN, 128, arena);
            Int8Activations acts = new Int8Activations(cols, 128).set(a, as);
            float[] bp = new float[rows];
            float[] lut = new float[rows];
            new Int8BitPlaneGemv(q).multiply(acts, bp);
            new Int8LutGemv(q).multiply(acts, lut);
            BitSerialPe pe = new BitSerialPe(4);
            BitModCodec codec = (BitModCodec) q.format().codec();
            byte[] codes = new byte[128];
            for (int row = 0; row < rows; row++) {
                float acc = 0f;
                for (int gi = 0; gi < groups; gi++) {
                    long k = (long) row * groups + gi;
                    int len = q.blockLength(k);
                    for (int i = 0; i < len; i++) {
                        codes[i] = (byte) codec.code(q.codes(), k * codec.codeBytes(128), i);
                    }
                    long peAcc = pe.dotInt8(codec.type(BitModCodec.typeId(q.meta(), k * 2)), codes, 0, a, gi * 128, len).accumulator();
                    acc = Math.fma((float) peAcc, BitModCodec.scale(q.meta(), k * 2) * as[gi], acc);
                }
                int rr = row;
                float want = acc;
                assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(bp[row]), () -> "row " + rr + ": PE " + want + " bit-plane " + bp[rr]);
                assertEquals(Float.floatToIntBits(want), Float.floatToIntBits(lut[row]), () -> "row " + rr + ": PE " + want + " LUT " + lut[rr]);
            }
        }
    }
}
