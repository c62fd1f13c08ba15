package dev.lowbit.propertytests.bitmod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.bitmod.BitModCodec;
import dev.lowbit.packing.bitmod.BitModQuantizer;
import dev.lowbit.packing.bitmod.BitModScale;
import dev.lowbit.packing.bitmod.BitModType;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import dev.lowbit.packing.io.PackedFile;
import dev.lowbit.testsupport.Gens;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** BITMOD3 / BITMOD4: codes round trip, the least-error choice, the tail rule, honest bits. */
class BitModFormatProperties {

    /** Weights with realistic structure: Gaussian body, heavy tails, a few outliers per group. */
    static float[] weights(Random r, int n, double outlierRate) {
        float[] w = new float[n];
        for (int i = 0; i < n; i++) {
            double g = r.nextGaussian() * 0.02;
            if (r.nextDouble() < 0.05) {
                g *= 3; // heavy tail
            }
            if (r.nextDouble() < outlierRate) {
                g = (r.nextBoolean() ? 1 : -1) * (0.1 + 0.2 * r.nextDouble());
            }
            w[i] = (float) g;
        }
        return w;
    }

    @Test
    void codesRoundTripAndDequantizeWithinBound() {
        qt().withExamples(60).forAll(Gens.ints(1, 5), Gens.ints(1, 400), Gens.booleans(), Gens.seeds())
                .checkAssert(BitModFormatProperties::codesRoundTrip);
    }

    private static void codesRoundTrip(int rows, int cols, boolean four, long seed) {
        PackedFormat f = four ? PackedFormat.BITMOD4 : PackedFormat.BITMOD3;
        BitModCodec codec = (BitModCodec) f.codec();
        BitModQuantizer q = BitModQuantizer.forBits(codec.bits());
        Random r = new Random(seed);
        float[] w = weights(r, rows * cols, 0.01);
        try (Arena arena = Arena.ofConfined()) {
            QuantizedTensor qt = QuantizedTensor.quantize(Tensor.of(arena, w, rows, cols), f, GroupAxis.TOKEN, 128, arena);
            byte[] codes = new byte[128];
            byte[] scratch = new byte[128];
            float[] deq = new float[128];
            for (long k = 0; k < qt.blockCount(); k++) {
                int len = qt.blockLength(k);
                int off = (int) ((k / qt.blockCount() * 0) + (k / ((cols + 127) / 128)) * cols + (k % ((cols + 127) / 128)) * 128);
                BitModQuantizer.Choice ch = q.quantizeGroup(w, off, len, codes, scratch);
                long co = k * codec.codeBytes(128);
                long mo = k * codec.metaBytes();
                assertEquals(ch.typeId(), BitModCodec.typeId(qt.meta(), mo), "type id of group " + k);
                assertEquals(ch.scale(), BitModCodec.scale(qt.meta(), mo), "scale of group " + k);
                for (int i = 0; i < 128; i++) {
                    int expect = i < len ? codes[i] : 0; // padding codes are zero
                    assertEquals(expect, codec.code(qt.codes(), co, i), "code " + i + " of group " + k);
                }
                codec.dequantize(qt.codes(), co, qt.meta(), mo, len, deq, 0);
                double dot = 0;
                double sumAbs = 0;
                for (int i = 0; i < len; i++) {
                    dot += (double) deq[i] * w[off + i];
                    sumAbs += Math.abs((double) deq[i] * w[off + i]);
                }
                double ref = codec.dot(qt.codes(), co, qt.meta(), mo, len, w, off);
                // both sums are exact products summed in double: they differ by double rounding only
                assertTrue(Math.abs(dot - ref) <= 1e-12 * sumAbs + Double.MIN_NORMAL,
                        "group dot " + ref + " vs dequantized dot " + dot);
                float bound = codec.errorBound(w, off, len);
                for (int i = 0; i < len; i++) {
                    assertEquals(ch.type().value(codes[i]) * ch.scale(), deq[i], "dequantized " + i);
                    assertTrue(Math.abs(w[off + i] - deq[i]) <= bound, "error " + Math.abs(w[off + i] - deq[i]) + " > bound " + bound);
                }
            }
        }
    }

    @Test
    void chosenTypeHasTheLeastError() {
        qt().withExamples(200).forAll(Gens.ints(1, 128), Gens.booleans(), Gens.ints(0, 3), Gens.seeds())
                .checkAssert(BitModFormatProperties::chosenTypeHasLeastError);
    }

    private static void chosenTypeHasLeastError(int len, boolean four, int skew, long seed) {
        Random r = new Random(seed);
        float[] x = weights(r, len, 0.02);
        if (skew == 1) {
            x[r.nextInt(len)] = 0.5f; // a large positive outlier
        } else if (skew == 2) {
            x[r.nextInt(len)] = -0.5f;
        }
        BitModQuantizer q = BitModQuantizer.forBits(four ? 4 : 3);
        BitModQuantizer.Choice ch = q.quantizeGroup(x, 0, len, new byte[len], new byte[len]);
        for (BitModType t : q.candidates()) {
            assertTrue(ch.squaredError() <= BitModQuantizer.groupError(t, x, 0, len),
                    ch.type().paperName() + " chosen with error " + ch.squaredError() + " but " + t.paperName()
                            + " has " + BitModQuantizer.groupError(t, x, 0, len));
        }
        assertEquals(BitModQuantizer.groupError(ch.type(), x, 0, len), ch.squaredError(), 0.0);
    }

    @Test
    void scaleRoundsToNearestE5M9() {
        qt().withExamples(200).forAll(Gens.ints(0, 0x3DFF), Gens.booleans()).checkAssert(BitModFormatProperties::scaleRounds);
    }

    private static void scaleRounds(int field, boolean up) {
        float s = BitModScale.decode(field);
        assertEquals(field, BitModScale.encode(s));
        float next = field < 0x3DFF ? BitModScale.decode(field + 1) : s;
        float between = up ? Math.nextDown(next) : s;
        int f = BitModScale.encode(between);
        assertTrue(f == field || f == field + 1);
    }

    @Test
    void tailRuleShortLastGroupPaddedAndCounted() {
        int rows = 2;
        int cols = 300; // 128 + 128 + 44
        float[] w = weights(new Random(7), rows * cols, 0.01);
        try (Arena arena = Arena.ofConfined()) {
            QuantizedTensor qt = QuantizedTensor.quantize(Tensor.of(arena, w, rows, cols), PackedFormat.BITMOD4, GroupAxis.TOKEN, 128, arena);
            assertEquals(6, qt.blockCount());
            assertEquals(44, qt.blockLength(2));
            // the last group's scale comes from its own 44 elements only
            float m = 0;
            for (int i = 256; i < 300; i++) {
                m = Math.max(m, Math.abs(w[i]));
            }
            BitModType t = BitModType.BITMOD4_CANDIDATES[BitModCodec.typeId(qt.meta(), 2 * 2)];
            assertEquals(BitModScale.round(m / t.maxAbs()), BitModCodec.scale(qt.meta(), 2 * 2));
            assertEquals((6 * 64 + 6 * 2) * 8.0 / 600, qt.bitsPerElement(), 1e-12);
            QuantizedTensor q3 = QuantizedTensor.quantize(Tensor.of(arena, w, rows, cols), PackedFormat.BITMOD3, GroupAxis.TOKEN, 128, arena);
            assertEquals((6 * 48 + 6 * 2) * 8.0 / 600, q3.bitsPerElement(), 1e-12);
        }
        try (Arena arena = Arena.ofConfined()) {
            QuantizedTensor full = QuantizedTensor.quantize(Tensor.of(arena, new float[4096], 1, 4096), PackedFormat.BITMOD3, GroupAxis.TOKEN, 128, arena);
            assertEquals(3.125, full.bitsPerElement(), 1e-12);
        }
    }

    @Test
    void groupSizeNotMultipleOf128PaysForWholeUnits() {
        try (Arena arena = Arena.ofConfined()) {
            QuantizedTensor q = QuantizedTensor.quantize(Tensor.of(arena, new float[64], 1, 64), PackedFormat.BITMOD4, GroupAxis.TOKEN, 32, arena);
            assertEquals((2 * 64 + 2 * 2) * 8.0 / 64, q.bitsPerElement(), 1e-12);
            assertThrows(IllegalArgumentException.class, () -> PackedFormat.BITMOD3.codec().codeBytes(0));
        }
    }

    @Test
    void packedFileRoundTrip() throws Exception {
        Path dir = Files.createTempDirectory("bitmod");
        float[] w = weights(new Random(3), 3 * 200, 0.02);
        try (Arena arena = Arena.ofConfined()) {
            for (PackedFormat f : new PackedFormat[] {PackedFormat.BITMOD3, PackedFormat.BITMOD4}) {
                QuantizedTensor qt = QuantizedTensor.quantize(Tensor.of(arena, w, 3, 200), f, GroupAxis.TOKEN, 128, arena);
                Path p = dir.resolve(f.name());
                PackedFile.write(qt, p);
                assertEquals(f, PackedFile.inspect(p).format());
                assertEquals(qt.bitsPerElement(), PackedFile.inspect(p).bitsPerElement(), 1e-12);
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    @Test
    void corruptScaleRefused() {
        try (Arena arena = Arena.ofConfined()) {
            QuantizedTensor qt = QuantizedTensor.quantize(Tensor.of(arena, new float[128], 1, 128), PackedFormat.BITMOD4, GroupAxis.TOKEN, 128, arena);
            qt.meta().set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) 0x3E00);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, qt::validate);
            assertTrue(e.getMessage().contains("scale field"), e.getMessage());
        }
    }
}
