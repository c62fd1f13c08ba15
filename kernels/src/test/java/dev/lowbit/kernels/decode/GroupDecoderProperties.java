package dev.lowbit.kernels.decode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;

import dev.lowbit.testsupport.Gens;
import dev.lowbit.kernels.VectorShapes;
import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * SIMD decode equals the codec reference bit for bit, for every format, group size (odd ones,
 * tails), axis, value range and group range; re-run on 256- and 128-bit species by surefire.
 */
class GroupDecoderProperties {

    /** A format, axis, group size, shape, value magnitude and data seed. */
    record Case(PackedFormat format, GroupAxis axis, int groupSize, int rows, int cols, float magnitude, long seed) {}

    @Test
    void simdEqualsScalar() {
        Gen<PackedFormat> formats = LOW_BIT_FORMATS;
        Gen<GroupAxis> axes = Gens.enums(GroupAxis.class);
        Gen<Integer> groupSizes = Gens.ints(1, 70);
        Gen<Integer> rowss = Gens.ints(1, 90);
        Gen<Integer> colss = Gens.ints(1, 9);
        Gen<Float> magnitudes = MAGNITUDES;
        Gen<Long> seeds = Gens.seeds();
        Gen<Case> cases = in -> new Case(formats.generate(in), axes.generate(in), groupSizes.generate(in), rowss.generate(in),
                colss.generate(in), magnitudes.generate(in), seeds.generate(in));
        qt().withExamples(150).forAll(cases)
                .checkAssert(c -> simdEqualsScalar(c.format, c.axis, c.groupSize, c.rows, c.cols, c.magnitude, c.seed));
    }

    private static void simdEqualsScalar(PackedFormat format, GroupAxis axis, int groupSize, int rows, int cols,
                                         float magnitude, long seed) {
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            float[] x = new float[rows * cols];
            for (int i = 0; i < x.length; i++) {
                x[i] = switch (r.nextInt(6)) {
                    case 0 -> 0f;
                    case 1 -> magnitude; // saturating extremes
                    case 2 -> -magnitude;
                    default -> (float) (r.nextGaussian() * magnitude / 3);
                };
                x[i] = Math.max(-65504f, Math.min(65504f, x[i]));
            }
            QuantizedTensor q = QuantizedTensor.quantize(Tensor.of(arena, x, rows, cols), format, axis, groupSize, arena);
            int blocks = (int) q.blockCount();
            int first = r.nextInt(blocks);
            int n = 1 + r.nextInt(blocks - first);
            int off = r.nextInt(5); // unaligned output offsets
            float[] want = new float[off + n * groupSize + 3];
            float[] got = want.clone();
            Arrays.fill(want, 7f);
            Arrays.fill(got, 7f);
            GroupDecoder.SCALAR.decode(q, first, n, want, off);
            GroupDecoder.SIMD.decode(q, first, n, got, off);
            for (int i = 0; i < want.length; i++) {
                int at = i;
                assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]),
                        () -> "element " + at + " differs on " + VectorShapes.describe() + " " + q);
            }
        }
    }

    /**
     * Random bytes, including invalid TERNARY2 (0b11) codes: the SIMD path reads them as the
     * reference does. Not TERNARY_B3: its codec reads invalid bytes >= 243 with a different digit
     * rule, and validate() refuses them.
     */
    @Test
    void simdEqualsScalarOnArbitraryBytes() {
        qt().withExamples(100)
                .forAll(Gens.oneOf(PackedFormat.INT1, PackedFormat.TERNARY2, PackedFormat.INT2), Gens.ints(1, 70), Gens.ints(1, 12),
                        Gens.seeds())
                .checkAssert(GroupDecoderProperties::simdEqualsScalarOnArbitraryBytes);
    }

    private static void simdEqualsScalarOnArbitraryBytes(PackedFormat format, int groupSize, int groups, long seed) {
        try (Arena arena = Arena.ofConfined()) {
            Random r = new Random(seed);
            var codec = format.codec();
            MemorySegment codes = arena.allocate((long) groups * codec.codeBytes(groupSize));
            MemorySegment meta = arena.allocate((long) groups * codec.metaBytes());
            for (long i = 0; i < codes.byteSize(); i++) {
                codes.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) r.nextInt());
            }
            for (long i = 0; i < meta.byteSize(); i += 2) {
                short h;
                do {
                    h = (short) r.nextInt();
                } while (!Float.isFinite(Float.float16ToFloat(h)));
                meta.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, i, h);
            }
            QuantizedTensor q = QuantizedTensor.wrap(format, GroupAxis.TOKEN, groupSize, 1, (long) groups * groupSize, codes, meta, false);
            float[] want = new float[groups * groupSize];
            float[] got = new float[groups * groupSize];
            GroupDecoder.SCALAR.decode(q, 0, groups, want, 0);
            GroupDecoder.SIMD.decode(q, 0, groups, got, 0);
            for (int i = 0; i < want.length; i++) {
                assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "element " + i + " of " + q);
            }
        }
    }

    static final Gen<Float> MAGNITUDES = Gens.oneOf(1e-6f, 1e-3f, 1f, 3.5f, 100f, 60000f);

    @Test
    void refusesBadRanges() {
        try (Arena arena = Arena.ofConfined()) {
            QuantizedTensor q = QuantizedTensor.quantize(Tensor.of(arena, new float[64], 64, 1), PackedFormat.INT2,
                    GroupAxis.CHANNEL, 32, arena);
            float[] out = new float[64];
            var e = assertThrows(IllegalArgumentException.class, () -> GroupDecoder.SIMD.decode(q, 1, 2, out, 0));
            assertEquals("groups [1, 3) out of range: the tensor has 2 groups", e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> GroupDecoder.SIMD.decode(q, 0, 2, out, 1));
            assertThrows(IllegalArgumentException.class, () -> GroupDecoder.SCALAR.decode(q, 0, -1, out, 0));
        }
    }

    /** The formats that take any group size (BitMoD needs multiples of 128 and has its own properties). */
    static final Gen<PackedFormat> LOW_BIT_FORMATS =
            Gens.oneOf(PackedFormat.INT1, PackedFormat.TERNARY2, PackedFormat.TERNARY_B3, PackedFormat.INT2);
}
