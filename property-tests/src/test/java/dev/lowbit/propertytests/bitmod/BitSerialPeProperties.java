package dev.lowbit.propertytests.bitmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.lowbit.accelsim.pe.AlignedActivations;
import dev.lowbit.accelsim.pe.BitSerialPe;
import dev.lowbit.accelsim.pe.GroupResult;
import dev.lowbit.accelsim.pe.UnifiedWeight;
import dev.lowbit.packing.bitmod.BitModType;
import dev.lowbit.testsupport.Gens;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The bit-serial PE equals the integer reference dot product bit-exactly and counts cycles. */
class BitSerialPeProperties {

    @Test
    void int8EqualsReferenceBitExactly() {
        qt().withExamples(200).forAll(Gens.enums(BitModType.class), Gens.ints(1, 256), Gens.ints(1, 8), Gens.seeds())
                .checkAssert(BitSerialPeProperties::int8EqualsReference);
    }

    private static void int8EqualsReference(BitModType type, int len, int lanes, long seed) {
        Random r = new Random(seed);
        byte[] codes = new byte[len];
        byte[] acts = new byte[len];
        int[] a = new int[len];
        for (int i = 0; i < len; i++) {
            codes[i] = (byte) r.nextInt(type.codeCount());
            acts[i] = (byte) (r.nextInt(8) == 0 ? (r.nextBoolean() ? -128 : 127) : r.nextInt(256) - 128);
            a[i] = acts[i];
        }
        BitSerialPe pe = new BitSerialPe(lanes);
        GroupResult g = pe.dotInt8(type, codes, 0, acts, 0, len);
        assertEquals(BitSerialPe.referenceDot(type, codes, 0, a, 0, len), g.accumulator());
        assertEquals((long) ((len + lanes - 1) / lanes) * BitSerialPe.cyclesPerWeight(type), g.cycles());
    }

    @Test
    void fp16AlignedEqualsReferenceAndBoundsError() {
        qt().withExamples(200).forAll(Gens.enums(BitModType.class), Gens.ints(1, 128), Gens.seeds())
                .checkAssert(BitSerialPeProperties::fp16AlignedEqualsReference);
    }

    private static void fp16AlignedEqualsReference(BitModType type, int len, long seed) {
        Random r = new Random(seed);
        byte[] codes = new byte[len];
        short[] h = new short[len];
        double exact = 0;
        double sumAbsW = 0;
        for (int i = 0; i < len; i++) {
            codes[i] = (byte) r.nextInt(type.codeCount());
            float x = (float) (r.nextGaussian() * Math.pow(2, r.nextInt(20) - 10));
            if (r.nextInt(20) == 0) {
                x = 0;
            }
            h[i] = Float.floatToFloat16(x);
            exact += type.value(codes[i]) * (double) Float.float16ToFloat(h[i]);
            sumAbsW += Math.abs(type.value(codes[i]));
        }
        AlignedActivations al = AlignedActivations.align(h, 0, len);
        GroupResult g = new BitSerialPe(4).dotAligned(type, codes, 0, al);
        assertEquals(BitSerialPe.referenceDot(type, codes, 0, al.values(), 0, len), g.accumulator());
        // each aligned activation is within half a unit of the shared scale
        double approx = Math.scalb((double) g.accumulator(), al.sharedExponent());
        assertTrue(Math.abs(approx - exact) <= sumAbsW * Math.scalb(0.5, al.sharedExponent()),
                "aligned dot " + approx + " vs exact " + exact);
        for (int i = 0; i < len; i++) {
            assertTrue(Math.abs(al.value(i) - Float.float16ToFloat(h[i])) <= Math.scalb(0.5, al.sharedExponent()));
        }
    }

    @Test
    void packedRowEqualsDequantizedReference() {
        qt().withExamples(40).forAll(Gens.ints(1, 400), Gens.booleans(), Gens.seeds())
                .checkAssert(BitSerialPeProperties::packedRowEqualsReference);
    }

    private static void packedRowEqualsReference(int cols, boolean four, long seed) {
        Random r = new Random(seed);
        float[] w = BitModFormatProperties.weights(r, 2 * cols, 0.02);
        byte[] acts = new byte[cols];
        for (int i = 0; i < cols; i++) {
            acts[i] = (byte) (r.nextInt(255) - 127);
        }
        float actScale = 0.01f;
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            dev.lowbit.packing.format.QuantizedTensor q = dev.lowbit.packing.format.QuantizedTensor.quantize(
                    dev.lowbit.packing.Tensor.of(arena, w, 2, cols),
                    four ? dev.lowbit.packing.format.PackedFormat.BITMOD4 : dev.lowbit.packing.format.PackedFormat.BITMOD3,
                    dev.lowbit.packing.format.GroupAxis.TOKEN, 128, arena);
            BitSerialPe pe = new BitSerialPe(4);
            for (int row = 0; row < 2; row++) {
                // reference: per group, Σ (dequantized weight / scale) · a exactly, one rescale, summed in double
                double ref = 0;
                long cycles = 0;
                for (int g0 = 0; g0 < cols; g0 += 128) {
                    int len = Math.min(128, cols - g0);
                    float s = dev.lowbit.packing.bitmod.BitModCodec.scale(q.meta(), ((long) row * ((cols + 127) / 128) + g0 / 128) * 2);
                    long acc = 0;
                    for (int i = 0; i < len; i++) {
                        float wq = q.get(row, g0 + i);
                        acc += s == 0 ? 0 : Math.round(wq / s) * (long) acts[g0 + i];
                    }
                    ref += BitSerialPe.rescaleInt8(acc, s, actScale);
                    cycles += (len + 3) / 4 * (four ? 2 : 1);
                }
                BitSerialPe.RowResult rr = pe.dotRow(q, row, acts, actScale);
                assertEquals(ref, rr.value(), 0.0, "row " + row);
                assertEquals(cycles, rr.cycles());
            }
        }
    }

    @Test
    void unifiedFormAndCycles() {
        assertEquals(new UnifiedWeight(1, 3, 2), UnifiedWeight.of(BitModType.FP4, 7)); // 12 = 3·2^2
        assertEquals(new UnifiedWeight(-1, 1, 4), UnifiedWeight.of(BitModType.FP4_SR_NEG, 8)); // −16
        assertEquals(1, BitSerialPe.cyclesPerWeight(BitModType.FP3_SP_POS));
        assertEquals(1, BitSerialPe.cyclesPerWeight(BitModType.FP3_SR_NEG));
        assertEquals(2, BitSerialPe.cyclesPerWeight(BitModType.FP3_SM_POS));
        assertEquals(2, BitSerialPe.cyclesPerWeight(BitModType.FP4_SP_POS));
        assertEquals(2, BitSerialPe.cyclesPerWeight(BitModType.INT4));
        for (BitModType t : BitModType.values()) {
            for (int c = 0; c < t.codeCount(); c++) {
                assertEquals(t.value(c), UnifiedWeight.of(t, c).value(), t + " code " + c);
            }
        }
    }
}
