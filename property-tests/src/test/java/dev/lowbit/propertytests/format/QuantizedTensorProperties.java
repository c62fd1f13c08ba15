package dev.lowbit.propertytests.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.lowbit.packing.DType;
import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.GroupCodec;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import dev.lowbit.packing.io.Npy;
import dev.lowbit.packing.io.PackedFile;
import dev.lowbit.testsupport.Gens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Tensor-level properties: the block layout, honest bits, views at odd offsets, and file and
 * {@code .npy} round trips, for every format, on shapes that are not multiples of the group size
 * or of 8.
 */
class QuantizedTensorProperties {
    private static Path dir;

    @BeforeAll
    static void makeDir() throws IOException {
        dir = Files.createTempDirectory("lowbit-props");
    }

    @AfterAll
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

    /** A format, axis, shape, group size, byte offset of the source tensor and data seed. */
    record Case(PackedFormat f, GroupAxis axis, int rows, int cols, int g, int offset, long seed) {}

    static Gen<Case> cases(int minRows, int maxRows, int minCols, int maxCols, int maxG, int maxOffset) {
        Gen<PackedFormat> fs = LOW_BIT_FORMATS;
        Gen<GroupAxis> axes = Gens.enums(GroupAxis.class);
        Gen<Integer> rowss = Gens.ints(minRows, maxRows);
        Gen<Integer> colss = Gens.ints(minCols, maxCols);
        Gen<Integer> gs = Gens.ints(1, maxG);
        Gen<Integer> offsets = Gens.ints(0, maxOffset);
        Gen<Long> seeds = Gens.seeds();
        return in -> new Case(fs.generate(in), axes.generate(in), rowss.generate(in), colss.generate(in), gs.generate(in),
                offsets.generate(in), seeds.generate(in));
    }

    @Test
    void blocksHoldTheRightElementsAndBitsAreHonest() {
        qt().withExamples(150).forAll(cases(1, 70, 1, 70, 40, 7))
                .checkAssert(c -> blocksHoldTheRightElements(c.f, c.axis, c.rows, c.cols, c.g, c.offset, c.seed));
    }

    private static void blocksHoldTheRightElements(PackedFormat f, GroupAxis axis, int rows, int cols, int g, int offset,
                                                   long seed) {
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
    @Test
    void viewsQuantizeLikeCopies() {
        qt().withExamples(80).forAll(cases(2, 50, 2, 50, 33, 0))
                .checkAssert(c -> viewQuantizesLikeCopy(c.f, c.axis, c.rows, c.cols, c.g, c.seed));
    }

    private static void viewQuantizesLikeCopy(PackedFormat f, GroupAxis axis, int rows, int cols, int g, long seed) {
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

    @Test
    void packedFilesRoundTripByReadAndByMap() {
        qt().withExamples(60).forAll(cases(1, 60, 1, 60, 40, 0)).checkAssert(c -> {
            try {
                packedFileRoundTrips(c.f, c.axis, c.rows, c.cols, c.g, c.seed);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static void packedFileRoundTrips(PackedFormat f, GroupAxis axis, int rows, int cols, int g, long seed)
            throws IOException {
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

    record NpyCase(int rank, int a, int b, boolean half, long seed) {}

    @Test
    void npyRoundTripsF32AndF16() {
        Gen<Integer> ranks = Gens.ints(1, 3);
        Gen<Integer> as = Gens.ints(0, 9);
        Gen<Integer> bs = Gens.ints(1, 9);
        Gen<Boolean> halves = Gens.booleans();
        Gen<Long> seeds = Gens.seeds();
        Gen<NpyCase> cases = in -> new NpyCase(ranks.generate(in), as.generate(in), bs.generate(in), halves.generate(in),
                seeds.generate(in));
        qt().withExamples(60).forAll(cases).checkAssert(c -> {
            try {
                npyRoundTrips(c.rank, c.a, c.b, c.half, c.seed);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static void npyRoundTrips(int rank, int a, int b, boolean half, long seed) throws IOException {
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

    /** The geometry-only honest bits (used where no tensor is built) equal those of a built tensor of that geometry. */
    @Test
    void honestBitsOfAGeometryEqualThoseOfABuiltTensor() {
        qt().withExamples(100).forAll(cases(1, 70, 1, 70, 40, 0)).checkAssert(c -> {
            try (Arena arena = Arena.ofConfined()) {
                QuantizedTensor q = QuantizedTensor.quantize(random(arena, c.rows, c.cols, c.seed, 0), c.f, c.axis, c.g, arena);
                assertEquals(q.bitsPerElement(), QuantizedTensor.bitsPerElement(c.f, c.axis, c.g, c.rows, c.cols), 0.0);
            }
        });
    }

    /** The honest bits the README's format table quotes for G = 32. */
    @Test
    void honestBitsAtG32MatchTheReadmeTable() {
        assertEquals(1.5, QuantizedTensor.bitsPerElement(PackedFormat.INT1, GroupAxis.CHANNEL, 32, 4096, 128), 1e-12);
        assertEquals(2.5, QuantizedTensor.bitsPerElement(PackedFormat.TERNARY2, GroupAxis.CHANNEL, 32, 4096, 128), 1e-12);
        assertEquals(2.25, QuantizedTensor.bitsPerElement(PackedFormat.TERNARY_B3, GroupAxis.CHANNEL, 32, 4096, 128), 1e-12);
        assertEquals(3.0, QuantizedTensor.bitsPerElement(PackedFormat.INT2, GroupAxis.CHANNEL, 32, 4096, 128), 1e-12);
    }

    /** The formats that take any group size (BitMoD needs multiples of 128 and has its own properties). */
    static final Gen<PackedFormat> LOW_BIT_FORMATS =
            Gens.oneOf(PackedFormat.INT1, PackedFormat.TERNARY2, PackedFormat.TERNARY_B3, PackedFormat.INT2);
}
