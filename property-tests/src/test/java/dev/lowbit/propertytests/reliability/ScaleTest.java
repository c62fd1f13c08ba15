package dev.lowbit.propertytests.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lowbit.packing.DType;
import dev.lowbit.packing.Shapes;
import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.format.Fp16;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.GroupCodec;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import dev.lowbit.packing.io.CorruptFileException;
import dev.lowbit.packing.io.Npy;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tensors past 2^31 elements, backed by sparse files mapped read-write: no RAM or disk is
 * spent on the untouched pages, and only elements near and past 2^31 are touched. Shapes whose
 * element or byte count overflows {@code long} are refused with a clear error.
 */
class ScaleTest {
    private static final long TWO31 = 1L << 31;
    private static final ValueLayout.OfShort F16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    @TempDir
    Path dir;

    /** A sparse file of {@code bytes} mapped read-write into {@code arena}. */
    private MemorySegment sparse(Arena arena, String name, long bytes) throws IOException {
        Path p = dir.resolve(name);
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(bytes);
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            return ch.map(FileChannel.MapMode.READ_WRITE, 0, bytes, arena);
        }
    }

    @Test
    void rank2F16TensorPast2pow31IndexesCorrectly() throws IOException {
        long rows = 65537;
        long cols = 32768; // rows * cols = 2^31 + 2^15
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = sparse(arena, "f16.bin", rows * cols * 2);
            Tensor t = Tensor.wrap(seg, DType.F16, rows, cols);
            assertEquals(TWO31 + cols, t.elementCount());
            long[] flat = {TWO31 - 1, TWO31, TWO31 + 1, TWO31 + 12345, t.elementCount() - 1};
            for (int k = 0; k < flat.length; k++) {
                float v = k + 0.5f;
                long i = flat[k];
                t.set(v, i / cols, i % cols);
                // the element lands at byte 2·i of the file, not at a wrapped-around int offset
                assertEquals(v, Float.float16ToFloat(seg.get(F16, 2 * i)));
                assertEquals(v, t.getFlat(i));
                assertEquals(v, t.get(i / cols, i % cols));
            }
            assertEquals(0f, seg.get(F16, 2 * (TWO31 - 2)), "neighbours untouched");
            // views past 2^31: a slice of the last rows, a transpose, a select
            Tensor tail = t.slice(0, rows - 2, rows);
            assertEquals(4.5f, tail.get(1, cols - 1));
            assertEquals(1.5f, t.transpose(0, 1).get(0, TWO31 / cols));
            assertEquals(3.5f, t.select(0, (TWO31 + 12345) / cols).get(12345));
            float[] row = new float[(int) cols];
            t.readRow(TWO31 / cols, row, 0);
            assertEquals(1.5f, row[0]);
            assertEquals(2.5f, row[1]);
        }
    }

    @Test
    void rank1F32TensorPast2pow31IndexesCorrectly() throws IOException {
        long n = TWO31 + 7;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = sparse(arena, "f32.bin", n * 4);
            Tensor t = Tensor.wrap(seg, DType.F32, n);
            t.setFlat(n - 1, -3f);
            t.set(7f, TWO31);
            assertEquals(-3f, seg.get(F32, 4 * (n - 1)));
            assertEquals(7f, seg.get(F32, 4 * TWO31));
            assertEquals(7f, t.reshape(1, n).get(0, TWO31));
            assertThrows(IndexOutOfBoundsException.class, () -> t.getFlat(n));
            assertThrows(IllegalStateException.class, t::toFloatArray); // cannot fit a Java array: clear error
        }
    }

    /** A packed INT1 tensor of 2^31 + 2^20 elements; blocks past element 2^31 decode from the right bytes. */
    @Test
    void quantizedTensorPast2pow31DecodesTheRightBlocks() throws IOException {
        for (GroupAxis axis : GroupAxis.values()) {
            int g = 32;
            long rows = axis == GroupAxis.CHANNEL ? 65568 : 32768;
            long cols = axis == GroupAxis.CHANNEL ? 32768 : 65568; // 2^31 + 2^20 elements
            PackedFormat f = PackedFormat.INT1;
            GroupCodec codec = f.codec();
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment codes = sparse(arena, axis + ".codes", QuantizedTensor.codeSectionBytes(f, axis, g, rows, cols));
                MemorySegment meta = sparse(arena, axis + ".meta", QuantizedTensor.metaSectionBytes(f, axis, g, rows, cols));
                QuantizedTensor q = QuantizedTensor.wrap(f, axis, g, rows, cols, codes, meta, false);
                long[][] elems = {{rows - 1, cols - 1}, {TWO31 / cols, TWO31 % cols}, {rows / 2 + 3, cols - 5}};
                for (long[] rc : elems) {
                    long k = q.blockOf(rc[0], rc[1]);
                    int i = (int) (axis == GroupAxis.CHANNEL ? rc[0] % g : rc[1] % g);
                    // write block k by hand: scale 1.5, every code bit set except element i
                    meta.set(F16, k * 2, Fp16.encode(1.5f));
                    codes.set(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), k * 4, ~(1 << i));
                    assertEquals(-1.5f, q.get(rc[0], rc[1]), axis + " element " + rc[0] + "," + rc[1]);
                    long[] nb = Groups.element(q, k, i == 0 ? 1 : 0);
                    assertEquals(1.5f, q.get(nb[0], nb[1]));
                    codec.validate(codes, k * codec.codeBytes(g), meta, k * codec.metaBytes(), q.blockLength(k));
                }
                assertTrue(q.get(5, 5) == 0f, "untouched blocks have scale 0 (and decode to -0)");
            }
        }
    }

    @Test
    void shapesOverflowingLongAreRefusedClearly() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Shapes.elementCount(1L << 32, 1L << 32));
        assertTrue(e.getMessage().contains("overflows a 64-bit long"), e.getMessage());
        try (Arena arena = Arena.ofConfined()) {
            e = assertThrows(IllegalArgumentException.class, () -> Tensor.allocate(arena, DType.F32, 1L << 31, 1L << 31, 4));
            assertTrue(e.getMessage().contains("overflow"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Tensor.allocate(arena, DType.F32, 1L << 62));
            assertTrue(e.getMessage().contains("overflow a 64-bit byte size"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Tensor.allocate(arena, DType.F16, -1, 4));
            assertTrue(e.getMessage().contains("negative"), e.getMessage());
            MemorySegment tiny = arena.allocate(64);
            for (PackedFormat f : PackedFormat.values()) {
                for (GroupAxis a : GroupAxis.values()) {
                    e = assertThrows(IllegalArgumentException.class,
                            () -> QuantizedTensor.wrap(f, a, 1, Long.MAX_VALUE / 2, 3, tiny, tiny, true));
                    assertTrue(Groups.oneLine(e.getMessage()) && e.getMessage().contains("overflow"), e.getMessage());
                    e = assertThrows(IllegalArgumentException.class,
                            () -> QuantizedTensor.wrap(f, a, 1, 1L << 40, 1L << 20, tiny, tiny, true));
                    assertTrue(Groups.oneLine(e.getMessage()), e.getMessage());
                }
            }
        }
    }

    @Test
    void npyWithAnOverflowingShapeIsRefused() throws IOException {
        for (String shape : new String[] {"(4294967296, 4294967296)", "(9223372036854775807, 2)", "(3037000500, 3037000500)",
                "(99999999999999999999,)", "(-1, 4)"}) {
            String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shape + ", }";
            byte[] h = (dict + " ".repeat((64 - (10 + dict.length() + 1) % 64) % 64) + "\n").getBytes(StandardCharsets.ISO_8859_1);
            byte[] file = new byte[10 + h.length + 16];
            byte[] magic = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (byte) h.length, (byte) (h.length >> 8)};
            System.arraycopy(magic, 0, file, 0, 10);
            System.arraycopy(h, 0, file, 10, h.length);
            Path p = dir.resolve("o.npy");
            Files.write(p, file);
            try (Arena arena = Arena.ofConfined()) {
                CorruptFileException ex = assertThrows(CorruptFileException.class, () -> Npy.read(p, arena));
                assertTrue(Groups.oneLine(ex.getMessage()), ex.getMessage());
            }
        }
    }
}
