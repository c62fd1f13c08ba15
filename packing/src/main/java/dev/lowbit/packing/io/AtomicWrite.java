package dev.lowbit.packing.io;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Crash-safe file replacement: write a temporary file in the target's directory, force it to
 * disk, rename it over the target. A writer killed midway leaves at most a stray temp file,
 * never a half-written target.
 */
final class AtomicWrite {
    private static final long CHUNK = 1L << 30;

    interface Body {
        void write(FileChannel ch) throws IOException;
    }

    private AtomicWrite() {}

    static void replace(Path path, Body body) throws IOException {
        Path abs = path.toAbsolutePath();
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                body.write(ch);
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes all of {@code seg} at file position {@code pos} (segments past 2 GiB in chunks). */
    static void writeFully(FileChannel ch, MemorySegment seg, long pos) throws IOException {
        for (long off = 0; off < seg.byteSize(); off += CHUNK) {
            ByteBuffer bb = seg.asSlice(off, Math.min(CHUNK, seg.byteSize() - off)).asByteBuffer();
            long p = pos + off;
            while (bb.hasRemaining()) {
                p += ch.write(bb, p);
            }
        }
    }
}
