package dev.lowbit.accelsim.array;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.accelsim.model.AcceleratorModel;
import dev.lowbit.accelsim.model.ArrayShape;
import dev.lowbit.accelsim.model.Designs;
import dev.lowbit.accelsim.model.LayerCost;
import dev.lowbit.accelsim.workload.LayerOp;
import dev.lowbit.accelsim.workload.OpKind;
import dev.lowbit.packing.bitmod.BitModQuantizer;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** A real GEMV tile through the emulated BitMoD array: reference-exact results, the analytical cycle count. */
class PeArrayEmulatorTest {

    static float[] weights(int rows, int cols, long seed) {
        Random r = new Random(seed);
        float[] w = new float[rows * cols];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (r.nextGaussian() * 0.02 * (r.nextInt(64) == 0 ? 8 : 1)); // LLM-like, with outliers
        }
        return w;
    }

    @ParameterizedTest
    @CsvSource({
        // bits, cout, cin, tokens, h, w   (the BitMoD decode array is 64×16, prefill 32×32; p = 4)
        "3, 128, 256, 1, 64, 16",
        "4, 128, 256, 1, 64, 16",
        "3, 96, 384, 40, 32, 32",
        "4, 70, 200, 5, 32, 32",
        "3, 5, 12, 3, 4, 2",
    })
    void gemvTileMatchesReferenceAndAnalyticalCycles(int bits, int cout, int cin, int tokens, int h, int w) {
        ArrayShape shape = new ArrayShape(h, w);
        BitModMatrix m = BitModMatrix.quantize(weights(cout, cin, 7L * cout + cin), cout, cin, 128,
                BitModQuantizer.forBits(bits));
        Int8Activations x = Int8Activations.quantize(weights(tokens, cin, 99L + tokens), tokens, cin);
        PeArrayEmulator.Result r = new PeArrayEmulator(shape, 4).run(m, x);

        assertArrayEquals(PeArrayEmulator.referenceGemm(m, x), r.out(), 0f); // bit-exact

        double metadataBits = 8.0 / 128; // the model's 8 bits a group
        LayerCost analytical = AcceleratorModel.layer(Designs.BITMOD, shape,
                new LayerOp("tile", OpKind.LINEAR, cout, cin, tokens, 1), bits + metadataBits);
        assertEquals(analytical.tiles(), r.tiles());
        assertEquals(analytical.computeCycles(), r.cycles());
        assertEquals((long) Math.ceilDiv(cin, 4) * cout * tokens, r.peSteps());

        // and the integer path equals the float product of the dequantized operands up to float rounding
        for (int t = 0; t < tokens; t++) {
            for (int row = 0; row < cout; row++) {
                double exact = 0;
                double mag = 0;
                for (int i = 0; i < cin; i++) {
                    double wv = m.typeAt(row, i).value(m.codes()[row * cin + i])
                            * m.groupScales()[row * m.groupsPerRow() + i / 128];
                    double xv = x.codes()[t * cin + i] * (double) x.scales()[t];
                    exact += wv * xv;
                    mag += Math.abs(wv * xv);
                }
                float got = r.out()[t * cout + row];
                // per group: one float rounding of the rescale (2^-24 rel.) and one of the running sum
                assertTrue(Math.abs(got - exact) <= 2 * m.groupsPerRow() * 0x1p-24 * mag + Float.MIN_NORMAL,
                        "row " + row + ": " + got + " vs " + exact);
            }
        }
    }

    @Test
    void refusesMismatchedShapes() {
        BitModMatrix m = BitModMatrix.quantize(weights(4, 16, 1), 4, 16, 8, BitModQuantizer.bitmod3());
        Int8Activations x = Int8Activations.quantize(weights(1, 12, 2), 1, 12);
        var e = assertThrows(IllegalArgumentException.class, () -> new PeArrayEmulator(new ArrayShape(2, 2), 4).run(m, x));
        assertTrue(e.getMessage().contains("16"), e.getMessage());
        BitModMatrix odd = BitModMatrix.quantize(weights(4, 12, 1), 4, 12, 6, BitModQuantizer.bitmod3());
        Int8Activations x12 = Int8Activations.quantize(weights(1, 12, 2), 1, 12);
        e = assertThrows(IllegalArgumentException.class, () -> new PeArrayEmulator(new ArrayShape(2, 2), 4).run(odd, x12));
        assertTrue(e.getMessage().startsWith("groupSize"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BitModMatrix.quantize(new float[5], 2, 3, 4, BitModQuantizer.bitmod3()));
    }
}
