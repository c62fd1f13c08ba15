package dev.lowbit.propertytests.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.lowbit.packing.Tensor;
import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import dev.lowbit.packing.io.CorruptFileException;
import dev.lowbit.packing.io.PackedFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection on packed files: every single-bit flip anywhere in a small file (header,
 * section table, padding, sections, checksums), garbage written across every section boundary,
 * every truncation and any appended byte is refused with a one-line {@link CorruptFileException}
 * by both {@link PackedFile#read} and {@link PackedFile#map} — never read as a valid tensor.
 */
class PackedFileFaultInjectionTest {
    @TempDir
    Path dir;

    /** A valid packed file's bytes for every format and axis, with odd shapes so tails and padding exist. */
    static byte[] validFile(Path dir, PackedFormat f, GroupAxis axis, int rows, int cols, int g, long seed) throws IOException {
        Path p = dir.resolve("valid-" + f + "-" + axis + ".lbp");
        try (Arena arena = Arena.ofConfined()) {
            Tensor t = LifetimeTest.random(arena, rows, cols, seed);
            PackedFile.write(QuantizedTensor.quantize(t, f, axis, Groups.fit(f, g), arena), p);
        }
        byte[] b = Files.readAllBytes(p);
        Files.delete(p);
        return b;
    }

    /** Reads {@code bytes} as a packed file through read() and map(); fails unless both refuse it. */
    private void assertRefused(byte[] bytes, String what) throws IOException {
        Path p = dir.resolve("bad.lbp");
        Files.write(p, bytes);
        for (int via = 0; via < 2; via++) {
            try (Arena arena = Arena.ofConfined()) {
                QuantizedTensor q = via == 0 ? PackedFile.read(p, arena) : PackedFile.map(p, arena);
                fail(what + ": read as a valid " + q + " via " + (via == 0 ? "read" : "map"));
            } catch (CorruptFileException e) {
                assertTrue(Groups.oneLine(e.getMessage()), what + ": message not one line: " + e.getMessage());
                assertTrue(e.getMessage().startsWith(p.toString() + ": "), "message must name the file: " + e.getMessage());
            }
        }
    }

    /** The offsets where the layout changes: header fields, the table, the CRC, each section start and end. */
    static TreeSet<Integer> boundaries(byte[] file) {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        TreeSet<Integer> s = new TreeSet<>(Arrays.asList(0, 8, 10, 12, 13, 16, 20, 24, 32, 40, 72, 104, 108, file.length));
        for (int i = 0; i < 2; i++) {
            int off = (int) b.getLong(40 + 32 * i + 8);
            int len = (int) b.getLong(40 + 32 * i + 16);
            s.add(off);
            s.add(off + len);
        }
        return s;
    }

    /**
     * Every bit of the header, the table, the padding and the bytes around each section boundary;
     * one random bit of every other byte (CRC32C detects every single-bit error in a section, so
     * the sample only guards against a section escaping its checksum).
     */
    @Test
    void everySingleBitFlipIsRefused() throws IOException {
        Random rnd = new Random(3);
        for (PackedFormat f : PackedFormat.values()) {
            for (GroupAxis axis : GroupAxis.values()) {
                byte[] good = validFile(dir, f, axis, 37, 5, 8, 11);
                TreeSet<Integer> edges = boundaries(good);
                int codeStart = (int) ByteBuffer.wrap(good).order(ByteOrder.LITTLE_ENDIAN).getLong(48);
                for (int i = 0; i < good.length; i++) {
                    Integer below = edges.floor(i);
                    Integer above = edges.ceiling(i);
                    boolean everyBit = i < codeStart || i - below < 2 || (above != null && above - i <= 2);
                    for (int bit = 0; bit < 8; bit++) {
                        if (!everyBit && bit != rnd.nextInt(8)) {
                            continue;
                        }
                        byte[] bad = good.clone();
                        bad[i] ^= (byte) (1 << bit);
                        assertRefused(bad, f + " " + axis + ": bit " + bit + " of byte " + i + " of " + good.length);
                    }
                }
            }
        }
    }

    @Test
    void garbageAcrossEverySectionBoundaryIsRefused() throws IOException {
        Random rnd = new Random(5);
        for (PackedFormat f : PackedFormat.values()) {
            byte[] good = validFile(dir, f, GroupAxis.CHANNEL, 70, 3, 32, 12);
            for (int at : boundaries(good)) {
                for (int width : new int[] {1, 2, 8}) {
                    for (int from = Math.max(0, at - width); from <= Math.min(good.length - width, at); from++) {
                        byte[] bad = good.clone();
                        for (int j = from; j < from + width; j++) {
                            byte x;
                            do {
                                x = (byte) rnd.nextInt(256);
                            } while (x == good[j]);
                            bad[j] = x;
                        }
                        assertRefused(bad, f + ": " + width + " random bytes at " + from);
                    }
                }
            }
        }
    }

    @Test
    void everyTruncationAndAnyAppendedByteIsRefused() throws IOException {
        for (PackedFormat f : PackedFormat.values()) {
            for (GroupAxis axis : GroupAxis.values()) {
                byte[] good = validFile(dir, f, axis, 45, 7, 16, 13);
                for (int len = 0; len < good.length; len++) {
                    assertRefused(Arrays.copyOf(good, len), f + " " + axis + ": truncated to " + len + " of " + good.length);
                }
                assertRefused(Arrays.copyOf(good, good.length + 1), f + " " + axis + ": one zero byte appended");
                byte[] longer = Arrays.copyOf(good, good.length + 64);
                assertRefused(longer, f + " " + axis + ": 64 zero bytes appended");
            }
        }
    }

    @Test
    void theUntouchedFileStillReads() throws IOException {
        for (PackedFormat f : PackedFormat.values()) {
            byte[] good = validFile(dir, f, GroupAxis.TOKEN, 9, 45, 16, 14);
            Path p = dir.resolve("good.lbp");
            Files.write(p, good);
            try (Arena arena = Arena.ofConfined()) {
                assertArrayEquals(PackedFile.read(p, arena).dequantize(arena).toFloatArray(),
                        PackedFile.map(p, arena).dequantize(arena).toFloatArray());
            }
        }
    }
}
