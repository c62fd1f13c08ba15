package dev.lowbit.propertytests.format;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import dev.lowbit.packing.DType;
import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import dev.lowbit.packing.io.CorruptFileException;
import dev.lowbit.packing.io.Npy;
import dev.lowbit.packing.io.PackedFile;
import dev.lowbit.testsupport.Gens;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Bad input gets a clear exception that names what is wrong — and never garbage. */
class BadInputTest {
    @TempDir
    Path dir;

    private static Tensor small(Arena arena) {
        return Tensor.of(arena, new float[] {1, -2, 3, -4, 5, 6}, 2, 3);
    }

    @Test
    void wrongRankAndGroupSizeAreRefused() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor r1 = Tensor.of(arena, new float[] {1, 2, 3}, 3);
            var e = assertThrows(IllegalArgumentException.class,
                    () -> QuantizedTensor.quantize(r1, PackedFormat.INT2, GroupAxis.CHANNEL, 32, arena));
            assertTrue(e.getMessage().contains("rank"), e.getMessage());
            var g = assertThrows(IllegalArgumentException.class,
                    () -> QuantizedTensor.quantize(small(arena), PackedFormat.INT1, GroupAxis.TOKEN, 0, arena));
            assertTrue(g.getMessage().contains("group size must be > 0, was 0"), g.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(floats = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 65520f, -1e6f})
    void nonFiniteAndOutOfRangeValuesAreRefusedWithTheirIndex(float bad) {
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = small(arena);
            t.set(bad, 1, 2);
            for (PackedFormat f : PackedFormat.values()) {
                var e = assertThrows(IllegalArgumentException.class,
                        () -> QuantizedTensor.quantize(t, f, GroupAxis.CHANNEL, f.codec().acceptsGroupSize(2) ? 2 : 128, arena));
                assertTrue(e.getMessage().contains("element (1, 2)"), e.getMessage());
            }
        }
    }

    @Test
    void subnormalsAreQuantizedNormally() {
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = Tensor.of(arena, new float[] {Float.MIN_VALUE, -Float.MIN_VALUE, 1e-40f, 0f}, 4, 1);
            for (PackedFormat f : PackedFormat.values()) {
                Tensor d = QuantizedTensor.quantize(t, f, GroupAxis.CHANNEL, f.codec().acceptsGroupSize(4) ? 4 : 128, arena).dequantize(arena);
                for (float v : d.toFloatArray()) {
                    assertTrue(Float.isFinite(v) && Math.abs(v) < 1e-30, f + " gave " + v);
                }
            }
        }
    }

    @Test
    void closedArenaIsAnIllegalStateException() {
        Arena arena = Arena.ofConfined();
        Tensor t = small(arena);
        arena.close();
        assertThrows(IllegalStateException.class, () -> t.get(0, 0));
        assertThrows(IllegalStateException.class,
                () -> QuantizedTensor.quantize(t, PackedFormat.INT2, GroupAxis.CHANNEL, 2, Arena.ofAuto()));
    }

    private Path packed(Arena arena) throws IOException {
        Path p = dir.resolve("x.lbq");
        PackedFile.write(QuantizedTensor.quantize(small(arena), PackedFormat.TERNARY2, GroupAxis.TOKEN, 2, arena), p);
        return p;
    }

    /** Every truncation of a packed file is refused by read, map and inspect. */
    @Test
    void everyTruncationIsRefused() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Path p = packed(arena);
            byte[] all = Files.readAllBytes(p);
            Path t = dir.resolve("trunc.lbq");
            for (int len = 0; len < all.length; len++) {
                Files.write(t, java.util.Arrays.copyOf(all, len));
                var e = assertThrows(CorruptFileException.class, () -> PackedFile.inspect(t), "length " + len);
                assertFalse(e.getMessage().contains("\n"));
                assertThrows(CorruptFileException.class, () -> PackedFile.read(t, arena), "length " + len);
            }
        }
    }

    /** A flipped bit anywhere in a packed file is refused (header CRC, section CRCs, zero padding). */
    @Test
    void everyBitFlipIsRefused() {
        qt().withExamples(200).forAll(Gens.ints(0, 100_000), Gens.ints(0, 7)).checkAssert((where, bit) -> {
            try {
                bitFlipIsRefused(where, bit);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    private static void bitFlipIsRefused(int where, int bit) throws IOException {
        Path d = Files.createTempDirectory("lowbit-flip");
        try (Arena arena = Arena.ofConfined()) {
            Path p = d.resolve("x.lbq");
            PackedFile.write(QuantizedTensor.quantize(Tensor.of(arena, new float[] {1, -2, 3, -4, 5, 6, 7, 8, 9, 10, 11, 12}, 3, 4),
                    PackedFormat.INT2, GroupAxis.CHANNEL, 2, arena), p);
            byte[] all = Files.readAllBytes(p);
            int at = where % all.length;
            all[at] ^= (byte) (1 << bit);
            Files.write(p, all);
            assertThrows(CorruptFileException.class, () -> PackedFile.map(p, arena), "flip at byte " + at + " bit " + bit);
        } finally {
            try (var s = Files.list(d)) {
                for (Path f : s.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(d);
        }
    }

    private Path npy(String dict, int dataBytes) throws IOException {
        byte[] h = (dict + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + h.length + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.ISO_8859_1)).put((byte) 1).put((byte) 0)
                .putShort((short) h.length).put(h);
        Path p = dir.resolve("bad.npy");
        Files.write(p, b.array());
        return p;
    }

    @Test
    void npyWithOtherDtypesOrdersOrTruncationIsRefused() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            String[][] cases = {
                {"{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", "'<f8'"},
                {"{'descr': '>f4', 'fortran_order': False, 'shape': (2,), }", "'>f4'"},
                {"{'descr': '<i4', 'fortran_order': False, 'shape': (2,), }", "'<i4'"},
                {"{'descr': '<f4', 'fortran_order': True, 'shape': (2,), }", "Fortran"},
                {"{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", "truncated"},
                {"{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", "bad dimension"},
                {"{'fortran_order': False, 'shape': (2,), }", "descr"},
            };
            for (String[] c : cases) {
                Path p = npy(c[0], 8);
                var e = assertThrows(CorruptFileException.class, () -> Npy.read(p, arena), c[0]);
                assertTrue(e.getMessage().contains(c[1]), e.getMessage());
                assertFalse(e.getMessage().contains("\n"));
            }
        }
    }

    @Test
    void npyShapeOverflowingLongIsRefused() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Path p = npy("{'descr': '<f4', 'fortran_order': False, 'shape': (4294967296, 4294967296, 4), }", 8);
            var e = assertThrows(CorruptFileException.class, () -> Npy.read(p, arena));
            assertTrue(e.getMessage().contains("overflow"), e.getMessage());
        }
    }

    @Test
    void tensorWrapRefusesSmallSegments() {
        try (Arena arena = Arena.ofConfined()) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> Tensor.wrap(arena.allocate(10), DType.F32, 2, 3));
            assertTrue(e.getMessage().contains("too small"), e.getMessage());
        }
    }
}
