package dev.lowbit.propertytests.bitmod;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.accelsim.pe.BitSerialPe;
import dev.lowbit.kernels.gemv.BitPlaneGemv;
import dev.lowbit.kernels.gemv.LowBitGemv;
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

/**
 * The bit-serial PE model (accel-sim) and the two SIMD kernels agree on INT8 activations. With
 * integer x every in-group sum of the kernels is an exact integer in float (below 2^24), as the
 * PE's accumulator is, so they may differ only by the rounding of the per-group rescale and of
 * the sum over groups: at most (groups + 8)·2^−24·Σ_g |acc_g·scale_g|.
 */
class PeVsKernelsProperties {

    @Property(tries = 40)
    void peBitPlaneAndLutAgreeOnInt8Activations(@ForAll @IntRange(min = 1, max = 20) int rows, @ForAll @IntRange(min = 1, max = 700) int cols,
                                                @ForAll boolean four, @ForAll long seed) {
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
}
