package dev.lowbit.packing.io;

import java.lang.foreign.MemorySegment;
import java.util.zip.CRC32C;

/** CRC32C over a memory segment of any size (ByteBuffer views are limited to 2 GiB, so chunk). */
final class Crc {
    private static final long CHUNK = 1L << 30;

    private Crc() {}

    static int crc32c(MemorySegment seg) {
        CRC32C crc = new CRC32C();
        for (long off = 0; off < seg.byteSize(); off += CHUNK) {
            crc.update(seg.asSlice(off, Math.min(CHUNK, seg.byteSize() - off)).asByteBuffer());
        }
        return (int) crc.getValue();
    }
}
