package dev.lowbit.packing.io;

import dev.lowbit.packing.format.GroupAxis;
import dev.lowbit.packing.format.PackedFormat;
import dev.lowbit.packing.format.QuantizedTensor;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The lowbit packed file: one {@link QuantizedTensor}, checksummed.
 *
 * <h2>Layout (little-endian)</h2>
 * <pre>
 * offset size  field
 *  0      8    magic "LOWBITPK"
 *  8      2    version (1)
 * 10      2    format id ({@link PackedFormat#id()})
 * 12      1    group axis (0 = channel, 1 = token)
 * 13      3    reserved, zero
 * 16      4    group size G
 * 20      4    section count (2)
 * 24      8    rows
 * 32      8    cols
 * 40     32·n  section table, one entry per section:
 *                kind u32 (1 = codes, 2 = metadata), reserved u32,
 *                offset u64, length u64, CRC32C of the section u32, reserved u32
 * 40+32n  4    CRC32C of bytes [0, 40+32n)
 * ...          sections, each starting at a multiple of 64 bytes (so a mapping is aligned);
 *              the bytes between the header and a section, or between sections, are zero
 * </pre>
 * The file ends at the end of the last section. Readers refuse a wrong magic or version, an
 * unknown format, a header whose CRC fails, sections whose length or offset disagree with the
 * geometry or the file size, misaligned or overlapping sections, non-zero padding, a section CRC mismatch, and codes that are invalid for the format.
 *
 * <p>{@link #write} writes a temporary file in the same directory, forces it to disk and renames
 * it atomically over the target, so a writer killed midway never leaves a file that reads as valid.
 */
public final class PackedFile {
    static final byte[] MAGIC = {'L', 'O', 'W', 'B', 'I', 'T', 'P', 'K'};
    public static final int VERSION = 1;
    static final int FIXED_HEADER = 40;
    static final int SECTION_ENTRY = 32;
    static final int KIND_CODES = 1;
    static final int KIND_META = 2;
    static final int SECTION_ALIGN = 64;

    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private PackedFile() {}

    /** What a file's header says, and whether its checksums hold. */
    public record Info(PackedFormat format, GroupAxis axis, int groupSize, long rows, long cols,
                       long codeBytes, long metaBytes, long fileBytes) {
        public double payloadBitsPerElement() {
            return format.payloadBitsPerElement();
        }

        public double bitsPerElement() {
            return QuantizedTensor.bitsPerElement(format, axis, groupSize, rows, cols);
        }
    }

    static long headerBytes(int sections) {
        return FIXED_HEADER + (long) SECTION_ENTRY * sections + 4;
    }

    static long align(long v) {
        return (v + SECTION_ALIGN - 1) / SECTION_ALIGN * SECTION_ALIGN;
    }

    /** Writes {@code q} to {@code path} atomically (temp file + fsync + rename). */
    public static void write(QuantizedTensor q, Path path) throws IOException {
        long codeLen = q.payloadBytes();
        long metaLen = q.metadataBytes();
        long codeOff = align(headerBytes(2));
        long metaOff = align(codeOff + codeLen);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment header = arena.allocate(headerBytes(2));
            MemorySegment.copy(MAGIC, 0, header, ValueLayout.JAVA_BYTE, 0, MAGIC.length);
            header.set(U16, 8, (short) VERSION);
            header.set(U16, 10, (short) q.format().id());
            header.set(ValueLayout.JAVA_BYTE, 12, (byte) q.axis().ordinal());
            header.set(U32, 16, q.groupSize());
            header.set(U32, 20, 2);
            header.set(U64, 24, q.rows());
            header.set(U64, 32, q.cols());
            MemorySegment codes = q.codes().asSlice(0, codeLen);
            MemorySegment meta = q.meta().asSlice(0, metaLen);
            putSection(header, 0, KIND_CODES, codeOff, codeLen, Crc.crc32c(codes));
            putSection(header, 1, KIND_META, metaOff, metaLen, Crc.crc32c(meta));
            long crcAt = FIXED_HEADER + 2L * SECTION_ENTRY;
            header.set(U32, crcAt, Crc.crc32c(header.asSlice(0, crcAt)));

            AtomicWrite.replace(path, ch -> {
                AtomicWrite.writeFully(ch, header, 0);
                AtomicWrite.writeFully(ch, codes, codeOff);
                AtomicWrite.writeFully(ch, meta, metaOff);
                long end = metaOff + metaLen;
                if (ch.size() < end) {
                    // empty trailing sections (a tensor with no elements): extend the file over the zero padding
                    ch.write(ByteBuffer.wrap(new byte[1]), end - 1);
                }
                ch.truncate(end);
            });
        }
    }

    private static void putSection(MemorySegment header, int i, int kind, long off, long len, int crc) {
        long e = FIXED_HEADER + (long) i * SECTION_ENTRY;
        header.set(U32, e, kind);
        header.set(U64, e + 8, off);
        header.set(U64, e + 16, len);
        header.set(U32, e + 24, crc);
    }

    /** Reads {@code path} into memory owned by {@code arena}, verifying every checksum and code. */
    public static QuantizedTensor read(Path path, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            MemorySegment all = arena.allocate(Math.max(1, size), SECTION_ALIGN);
            ByteBuffer bb = all.asSlice(0, size).asByteBuffer();
            long p = 0;
            while (bb.hasRemaining()) {
                int n = ch.read(bb, p);
                if (n < 0) {
                    throw new CorruptFileException(path + ": file shrank while being read");
                }
                p += n;
            }
            return parse(path, all.asSlice(0, size));
        }
    }

    /**
     * Maps {@code path} read-only (zero-copy) for the lifetime of {@code arena}, verifying the
     * checksums and codes once. The returned tensor's sections are views of the mapping.
     */
    public static QuantizedTensor map(Path path, Arena arena) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size == 0) {
                throw new CorruptFileException(path + ": empty file, not a lowbit packed file");
            }
            MemorySegment m = ch.map(FileChannel.MapMode.READ_ONLY, 0, size, arena);
            return parse(path, m);
        }
    }

    /** The header of {@code path}, after verifying every checksum (throws if any fails). */
    public static Info inspect(Path path) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            QuantizedTensor q = map(path, arena);
            return new Info(q.format(), q.axis(), q.groupSize(), q.rows(), q.cols(),
                    q.payloadBytes(), q.metadataBytes(), Files.size(path));
        }
    }

    static QuantizedTensor parse(Path path, MemorySegment file) throws CorruptFileException {
        long size = file.byteSize();
        String where = path.toString();
        if (size < FIXED_HEADER) {
            throw new CorruptFileException(where + ": truncated: " + size + " bytes, a lowbit header needs at least " + FIXED_HEADER);
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (file.get(ValueLayout.JAVA_BYTE, i) != MAGIC[i]) {
                throw new CorruptFileException(where + ": not a lowbit packed file (bad magic, expected \"LOWBITPK\")");
            }
        }
        int sections = file.get(U32, 20);
        if (sections != 2) {
            throw new CorruptFileException(where + ": header says " + Integer.toUnsignedString(sections) + " sections, expected 2");
        }
        long crcAt = FIXED_HEADER + 2L * SECTION_ENTRY;
        if (size < crcAt + 4) {
            throw new CorruptFileException(where + ": truncated: " + size + " bytes, the header needs " + (crcAt + 4));
        }
        int stored = file.get(U32, crcAt);
        int computed = Crc.crc32c(file.asSlice(0, crcAt));
        if (stored != computed) {
            throw new CorruptFileException(where + ": header checksum mismatch (stored " + hex(stored) + ", computed "
                    + hex(computed) + "): the file is corrupted");
        }
        int version = Short.toUnsignedInt(file.get(U16, 8));
        if (version != VERSION) {
            throw new CorruptFileException(where + ": unsupported version " + version + ", this reader knows version " + VERSION);
        }
        PackedFormat format;
        GroupAxis axis;
        try {
            format = PackedFormat.byId(Short.toUnsignedInt(file.get(U16, 10)));
            int a = file.get(ValueLayout.JAVA_BYTE, 12);
            if (a < 0 || a >= GroupAxis.values().length) {
                throw new IllegalArgumentException("unknown group axis " + a);
            }
            axis = GroupAxis.values()[a];
        } catch (IllegalArgumentException e) {
            throw new CorruptFileException(where + ": " + e.getMessage());
        }
        int g = file.get(U32, 16);
        long rows = file.get(U64, 24);
        long cols = file.get(U64, 32);
        long codeLen;
        long metaLen;
        try {
            if (g <= 0) {
                throw new IllegalArgumentException("group size " + Integer.toUnsignedString(g) + " is not positive");
            }
            if (rows < 0 || cols < 0) {
                throw new IllegalArgumentException("negative shape [" + rows + ", " + cols + "]");
            }
            codeLen = QuantizedTensor.codeSectionBytes(format, axis, g, rows, cols);
            metaLen = QuantizedTensor.metaSectionBytes(format, axis, g, rows, cols);
        } catch (IllegalArgumentException e) {
            throw new CorruptFileException(where + ": bad geometry: " + e.getMessage());
        }
        MemorySegment codes = section(where, file, 0, KIND_CODES, codeLen, "codes");
        MemorySegment meta = section(where, file, 1, KIND_META, metaLen, "metadata");
        long codeOff = codes.address() - file.address();
        long metaOff = meta.address() - file.address();
        long end = Math.max(codeOff + codeLen, metaOff + metaLen);
        if (end != size) {
            throw new CorruptFileException(where + ": " + (size - end) + " unexpected bytes after the last section");
        }
        checkPadding(where, file, codeOff, codeLen, metaOff, metaLen);
        try {
            return QuantizedTensor.wrap(format, axis, g, rows, cols, codes, meta, true);
        } catch (IllegalArgumentException e) {
            throw new CorruptFileException(where + ": " + e.getMessage());
        }
    }

    /**
     * Sections must start on a 64-byte boundary, must not overlap, and every byte outside the
     * header and the sections (alignment padding) must be zero: no checksum covers padding, so
     * this is what makes a flipped padding bit visible instead of silently ignored.
     */
    private static void checkPadding(String where, MemorySegment file, long codeOff, long codeLen, long metaOff, long metaLen)
            throws CorruptFileException {
        if (codeOff % SECTION_ALIGN != 0 || metaOff % SECTION_ALIGN != 0) {
            throw new CorruptFileException(where + ": section offsets " + codeOff + " and " + metaOff
                    + " are not multiples of " + SECTION_ALIGN);
        }
        boolean codesFirst = codeOff <= metaOff;
        long firstOff = codesFirst ? codeOff : metaOff;
        long firstEnd = firstOff + (codesFirst ? codeLen : metaLen);
        long secondOff = codesFirst ? metaOff : codeOff;
        if (secondOff < firstEnd) {
            throw new CorruptFileException(where + ": the code section [" + codeOff + ", " + (codeOff + codeLen)
                    + ") and the metadata section [" + metaOff + ", " + (metaOff + metaLen) + ") overlap");
        }
        requireZero(where, file, headerBytes(2), firstOff);
        requireZero(where, file, firstEnd, secondOff);
    }

    private static void requireZero(String where, MemorySegment file, long from, long to) throws CorruptFileException {
        for (long i = from; i < to; i++) {
            if (file.get(ValueLayout.JAVA_BYTE, i) != 0) {
                throw new CorruptFileException(where + ": padding byte at offset " + i + " is "
                        + Byte.toUnsignedInt(file.get(ValueLayout.JAVA_BYTE, i)) + ", expected 0: the file is corrupted");
            }
        }
    }

    private static MemorySegment section(String where, MemorySegment file, int i, int kind, long expectLen, String name)
            throws CorruptFileException {
        long e = FIXED_HEADER + (long) i * SECTION_ENTRY;
        int k = file.get(U32, e);
        long off = file.get(U64, e + 8);
        long len = file.get(U64, e + 16);
        int crc = file.get(U32, e + 24);
        if (k != kind) {
            throw new CorruptFileException(where + ": section " + i + " has kind " + k + ", expected " + kind + " (" + name + ")");
        }
        if (len != expectLen) {
            throw new CorruptFileException(where + ": " + name + " section is " + len + " bytes, the shape needs " + expectLen);
        }
        if (off < headerBytes(2) || off > file.byteSize() || len > file.byteSize() - off) {
            throw new CorruptFileException(where + ": truncated: " + name + " section [" + off + ", " + (off + len)
                    + ") lies beyond the end of the " + file.byteSize() + "-byte file");
        }
        MemorySegment s = file.asSlice(off, len);
        int computed = Crc.crc32c(s);
        if (computed != crc) {
            throw new CorruptFileException(where + ": " + name + " checksum mismatch (stored " + hex(crc) + ", computed "
                    + hex(computed) + "): the file is corrupted");
        }
        return s;
    }

    private static String hex(int v) {
        return String.format("%08x", v);
    }
}
