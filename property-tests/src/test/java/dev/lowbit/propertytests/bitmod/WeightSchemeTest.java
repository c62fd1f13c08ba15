package dev.lowbit.propertytests.bitmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.packing.bitmod.BitModQuantizer;
import dev.lowbit.packing.bitmod.BitModType;
import dev.lowbit.packing.bitmod.SyntheticWeights;
import dev.lowbit.packing.bitmod.WeightScheme;
import org.junit.jupiter.api.Test;

/** Accuracy claim on structured weights, datatype tables, and bad input. */
class WeightSchemeTest {

    static double mse(String scheme, int bits, float[] w, int rows, int cols) {
        float[] q = new float[w.length];
        WeightScheme.of(scheme, bits).fakeQuantize(w, rows, cols, 128, q, null);
        double s = 0;
        for (int i = 0; i < w.length; i++) {
            s += (w[i] - q[i]) * (double) (w[i] - q[i]);
        }
        return s / w.length;
    }

    @Test
    void bitmodBeatsIntAsymOnStructuredWeights() {
        float[] w = SyntheticWeights.generate(64, 1024, 5);
        for (int bits : new int[] {3, 4}) {
            double b = mse("bitmod", bits, w, 64, 1024);
            double a = mse("int_asym", bits, w, 64, 1024);
            assertTrue(b < a, bits + "-bit: bitmod mse " + b + " vs int_asym " + a);
            assertTrue(WeightScheme.of("bitmod", bits).honestBits(1024, 128) < WeightScheme.of("int_asym", bits).honestBits(1024, 128));
        }
    }

    @Test
    void tablesAreTheAuthors() {
        assertEquals(java.util.List.of(0, 1, 2, 4, 3, -1, -2, -4), java.util.Arrays.stream(BitModType.FP3_SP_POS.table()).boxed().toList());
        assertEquals(-16, BitModType.FP4_SR_NEG.value(8));
        assertEquals(16, BitModType.FLINT4.maxAbs());
        assertEquals(10, BitModType.APOT4.maxAbs());
        assertEquals(7, BitModType.INT4.maxAbs());
        assertEquals(12, BitModType.FP4.maxAbs());
        for (BitModType t : BitModType.values()) {
            assertEquals(0, t.value(0), t + ": code 0 must be +0 (padding)");
        }
    }

    @Test
    void badInputIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> BitModType.parse("fp5"));
        assertTrue(e.getMessage().contains("fp5") && e.getMessage().contains("fp4_sp_pos"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BitModQuantizer(BitModType.FP3, BitModType.FP4));
        assertTrue(e.getMessage().contains("one width"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new BitModQuantizer());
        assertTrue(e.getMessage().contains("1 to 4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WeightScheme.of("nf4", 4));
        assertTrue(e.getMessage().contains("nf4"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> WeightScheme.of("bitmod", 2));
        assertTrue(e.getMessage().contains("bits"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> SyntheticWeights.generate(0, 5, 1));
        assertTrue(e.getMessage().contains("shape"), e.getMessage());
    }

    @Test
    void configurableCandidateSet() {
        BitModQuantizer q = new BitModQuantizer(BitModType.FP3_SM_POS, BitModType.INT3);
        float[] x = {0.1f, -0.2f, 0.5f, 0.05f};
        BitModQuantizer.Choice c = q.quantizeGroup(x, 0, 4, new byte[4], new byte[4]);
        assertTrue(c.typeId() == 0 || c.typeId() == 1);
        assertEquals(Math.min(BitModQuantizer.groupError(BitModType.FP3_SM_POS, x, 0, 4), BitModQuantizer.groupError(BitModType.INT3, x, 0, 4)),
                c.squaredError(), 0.0);
    }
}
