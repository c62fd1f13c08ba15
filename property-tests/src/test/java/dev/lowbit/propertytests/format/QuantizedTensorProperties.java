package dev.lowbit.propertytests.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.packing.DType;
import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.GroupCodec;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import dev.lowbit.packing.io.Npy;
import dev.lowbit.packing.io.PackedFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Tensor-level properties: the block layout, honest bits, views at odd offsets, and file and
 * {@code .npy} round trips, for every format, on shapes that are not multiples of the group size
 * or of 8.
 */
class QuantizedTensorProperties {
    private static Path dir;

    @BeforeContainer
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("lowbit-props");
    }

    @AfterContainer
    static void removeDir() throws IOException {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(dir);
    }

    static Tensor random(Arena arena, long rows, long cols, long seed, long byteOffset) {
        // a segment sliced at an odd byte offset, wrapped as a tensor: unaligned on purpose
        MemorySegment seg = arena.allocate(rows * cols * 4 + byteOffset).asSlice(byteOffset);
        Tensor t = Tensor.wrap(seg, DType.F32, rows, cols);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < rows * cols; i++) {
            t.setFlat(i, (float) (r.nextGaussian() * (1 + (i % 7 == 0 ? 20 : 0))));
        }
        return t;
    }

    @Property(tries = 150)
    void blocksHoldTheRightElementsAndBitsAreHonest(@ForAll("lowBitFormats") PackedFormat f, @ForAll GroupAxis axis,
                                                   @ForAll @IntRange(min = 1, max = 70) int rows,
                                                   @ForAll @IntRange(min = 1, max = 70) int cols,
                                                   @ForAll @IntRange(min = 1, max = 40) int g,
                                                   @ForAll @IntRange(min = 0, max = 7) int offset,
                                                   @ForAll long seed) {
        try (Arena arena = Arena.ofConfined()) {
            Tensor x = random(arena, rows, cols, seed, offset);
            QuantizedTensor q = QuantizedTensor.quantize(x, f, axis, g, arena);
            Tensor d = q.dequantize(arena);
            GroupCodec c = f.codec();
            float[] group = new float[g];
            for (long k = 0; k < q.blockCount(); k++) {
                int len = q.blockLength(k);
                // gather block k straight from the documented layout rule
                for (int i = 0; i < len; i++) {
                    group[i] = axis == GroupAxis.CHANNEL ? x.get((k / cols) * g + i, k % cols)
                            : x.get(k / ((cols + g - 1) / g), (k % ((cols + g - 1) / g)) * g + i);
                }
                float bound = c.errorBound(group, 0, len);
                for (int i = 0; i < len; i++) {
                    float xi = group[i];
                    float di = axis == GroupAxis.CHANNEL ? d.get((k / cols) * g + i, k % cols)
                            : d.get(k / ((cols + g - 1) / g), (k % ((cols + g - 1) / g)) * g + i);
                    assertTrue(Math.abs(xi - di) <= bound, "block " + k + " element " + i);
                }
            }
            long blocks = q.blockCount();
            assertEquals(axis == GroupAxis.CHANNEL ? (long) Math.ceilDiv(rows, g) * cols : (long) rows * Math.ceilDiv(cols, g), blocks);
            double honest = (blocks * (c.codeBytes(g) + c.metaBytes())) * 8.0 / ((long) rows * cols);
            assertEquals(honest, q.bitsPerElement(), 1e-12);
            assertTrue(q.bitsPerElement() >= q.payloadBitsPerElement());
            assertEquals(q.get(rows - 1, cols - 1), d.get(rows - 1, cols - 1));
        }
    }

    /** Quantizing a strided view gives the same bytes as quantizing a contiguous copy of it. */
    @Property(tries = 80)
    void viewsQuantizeLikeCopies(@ForAll("lowBitFormats") PackedFormat f, @ForAll GroupAxis axis,
                                 @ForAll @IntRange(min = 2, max = 50) int rows, @ForAll @IntRange(min = 2, max = 50) int cols,
                                 @ForAll @IntRange(min = 1, max = 33) int g, @ForAll long seed) {
        try (Arena arena = Arena.ofConfined()) {
            Tensor big = random(arena, rows, cols, seed, 1);
            Tensor view = big.slice(0, 1, rows).slice(1, 1, cols).transpose(0, 1);
            Tensor copy = view.copy(arena, DType.F32);
            QuantizedTensor a = QuantizedTensor.quantize(view, f, axis, g, arena);
            QuantizedTensor b = QuantizedTensor.quantize(copy, f, axis, g, arena);
            assertEquals(-1L, a.codes().mismatch(b.codes()));
            assertEquals(-1L, a.meta().mismatch(b.meta()));
        }
    }

    @Property(tries = 60)
    void packedFilesRoundTripByReadAndByMap(@ForAll("lowBitFormats") PackedFormat f, @ForAll GroupAxis axis,
                                            @ForAll @IntRange(min = 1, max = 60) int rows, @ForAll @IntRange(min = 1, max = 60) int cols,
                                            @ForAll @IntRange(min = 1, max = 40) int g, @ForAll long seed) throws IOException {
        Path p = dir.resolve("t.lbq");
        try (Arena arena = Arena.ofConfined()) {
            QuantizedTensor q = QuantizedTensor.quantize(random(arena, rows, cols, seed, 0), f, axis, g, arena);
            PackedFile.write(q, p);
            for (QuantizedTensor r : new QuantizedTensor[] {PackedFile.read(p, arena), PackedFile.map(p, arena)}) {
                assertEquals(q.format(), r.format());
                assertEquals(q.axis(), r.axis());
                assertEquals(q.groupSize(), r.groupSize());
                assertEquals(q.rows(), r.rows());
                assertEquals(q.cols(), r.cols());
                assertEquals(-1L, q.codes().asSlice(0, q.payloadBytes()).mismatch(r.codes()));
                assertEquals(-1L, q.meta().asSlice(0, q.metadataBytes()).mismatch(r.meta()));
                assertTrue(r.codes().address() % 64 == 0 || !r.codes().isNative(), "sections are 64-byte aligned");
            }
            PackedFile.Info info = PackedFile.inspect(p);
            assertEquals(q.bitsPerElement(), info.bitsPerElement(), 1e-12);
        }
    }

    @Property(tries = 60)
    void npyRoundTripsF32AndF16(@ForAll @IntRange(min = 1, max = 3) int rank, @ForAll @IntRange(min = 0, max = 9) int a,
                                @ForAll @IntRange(min = 1, max = 9) int b, @ForAll boolean half, @ForAll long seed) throws IOException {
        long[] shape = rank == 1 ? new long[] {a} : rank == 2 ? new long[] {a, b} : new long[] {b, a, 3};
        Path p = dir.resolve("t.npy");
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.allocate(arena, half ? DType.F16 : DType.F32, shape);
            SplittableRandom r = new SplittableRandom(seed);
            for (long i = 0; i < t.elementCount(); i++) {
                t.setFlat(i, (float) r.nextGaussian() * 100);
            }
            Npy.write(t, p);
            Tensor back = Npy.read(p, arena);
            assertEquals(t.dtype(), back.dtype());
            assertArrayEquals(shape, back.shape());
            assertArrayEquals(t.toFloatArray(), back.toFloatArray());
            assertEquals(0, (Files.size(p) - t.elementCount() * t.dtype().byteSize()) % 64, "header padded to 64 bytes");
        }
    }

    /** The honest bits the README's format table quotes for G = 32. */
    @Property(tries = 1)
    void honestBitsAtG32MatchTheReadmeTable() {
        assertEquals(1.5, QuantizedTensor.bitsPerElement(PackedFormat.INT1, GroupAxis.CHANNEL, 32, 4096, 128), 1e-12);
        assertEquals(2.5, QuantizedTensor.bitsPerElement(PackedFormat.TERNARY2, GroupAxis.CHANNEL, 32, 4096, 128), 1e-12);
        assertEquals(2.25, QuantizedTensor.bitsPerElement(PackedFormat.TERNARY_B3, GroupAxis.CHANNEL, 32, 4096, 128), 1e-12);
        assertEquals(3.0, QuantizedTensor.bitsPerElement(PackedFormat.INT2, GroupAxis.CHANNEL, 32, 4096, 128), 1e-12);
    }

    /** The formats that take any group size (BitMoD needs multiples of 128 and has its own properties). */
    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<PackedFormat> lowBitFormats() {
        return net.jqwik.api.Arbitraries.of(PackedFormat.INT1, PackedFormat.TERNARY2, PackedFormat.TERNARY_B3, PackedFormat.INT2);
    }
}
